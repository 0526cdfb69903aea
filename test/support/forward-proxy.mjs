// A forward proxy on loopback, as corporate proxies are, run in a process of its own (so its
// upstream requests are nobody's AI calls): it tunnels CONNECT and forwards requests in absolute
// form. Prints `listening <port>` once, then `via <method>` for each request that goes through it.
import http from 'node:http';
import net from 'node:net';

const server = http.createServer((req, res) => {
  process.stdout.write(`via ${req.method}\n`);
  const upstream = http.request(req.url ?? '', { method: req.method, headers: req.headers }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
    answer.pipe(res);
  });
  upstream.on('error', () => res.destroy());
  req.pipe(upstream);
});
server.on('connect', (req, client, head) => {
  process.stdout.write('via CONNECT\n');
  const [host, port] = (req.url ?? '').split(':');
  const upstream = net.connect(Number(port), host, () => {
    client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    upstream.write(head);
    upstream.pipe(client);
    client.pipe(upstream);
  });
  upstream.on('error', () => client.destroy());
  client.on('error', () => upstream.destroy());
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening ${server.address().port}\n`));
