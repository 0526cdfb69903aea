// What the host application does: one AI call through fetch and one through the http module it
// was handed (imported the application's way), then its own counter; prints `ready`, and on
// stdin's end shuts its SDK down (if it has one) and lets the process exit naturally.
const { metrics } = require('@opentelemetry/api');

async function aiCallWithFetch(base, body) {
  const res = await fetch(`${base}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  await res.text();
}

function aiCallWithHttp(http, base, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', resolve);
    });
    req.on('error', reject);
    req.end(body);
  });
}

exports.work = async function work(http) {
  const base = process.env.PROVIDER_URL;
  const body = process.env.REQUEST_BODY;
  await aiCallWithFetch(base, body);
  await aiCallWithHttp(http, base, body);
  // The application's own metric, on whichever meter provider is registered by now.
  metrics.getMeter('host-app').createCounter('app.orders').add(3, { shop: 'eu' });
  const keepAlive = setInterval(() => undefined, 1 << 30);
  process.stdout.write('ready\n');
  process.stdin.resume();
  process.stdin.on('end', async () => {
    clearInterval(keepAlive);
    await globalThis.hostAppSdk?.shutdown();
    process.stdin.pause();
  });
};
