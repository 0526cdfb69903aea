// A local provider stand-in (127.0.0.1, port 0) that replays recorded exchanges in their real
// wire format, optionally compressed and cut into awkward chunks, and logs what it received.
import { once } from 'node:events';
import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import type { Fixture } from './fixtures.js';

export interface ReplayOptions {
  /** Content-Encoding to apply to the body. */
  readonly encoding?: 'gzip' | 'br' | 'deflate';
  /** Write the body in pieces of this many bytes (1 = every byte boundary). */
  readonly chunkSize?: number;
  /** Pause between pieces, ms. */
  readonly delayMs?: number;
  /** Destroy the connection after this many body bytes. */
  readonly dropAfter?: number;
}

export interface Received {
  readonly method: string;
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
  /** The protocol the client chose: '1.1', or '2.0' over HTTP/2. */
  readonly httpVersion: string;
}

type Handler = (req: http.IncomingMessage, body: Buffer, res: http.ServerResponse) => void | Promise<void>;

export class ReplayServer {
  readonly received: Received[] = [];
  private handler: Handler = (_req, _body, res) => {
    res.writeHead(404).end();
  };
  private readonly server: http.Server;

  /** Sessions of an HTTP/2 server, closed by `stop` (http2 servers have no closeAllConnections). */
  private readonly sessions = new Set<http2.ServerHttp2Session>();

  /**
   * With `tls`, serves HTTPS (a test certificate for 127.0.0.1). With `http2`, serves HTTP/2
   * (the same handlers, through Node's compatibility API): over TLS with HTTP/1.1 allowed too
   * (ALPN), or without `tls` as cleartext h2c (HTTP/2 only).
   */
  constructor(
    private readonly tls?: { readonly key: string; readonly cert: string },
    options: { readonly http2?: boolean } = {},
  ) {
    const listener = (req: http.IncomingMessage, res: http.ServerResponse) => {
      const parts: Buffer[] = [];
      req.on('data', (c: Buffer) => parts.push(c));
      req.on('end', () => {
        const body = Buffer.concat(parts);
        this.received.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, httpVersion: req.httpVersion });
        void Promise.resolve(this.handler(req, body, res)).catch(() => res.destroy());
      });
    };
    if (options.http2 === true) {
      const h2 = listener as unknown as (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => void;
      const server = tls === undefined ? http2.createServer(h2) : http2.createSecureServer({ ...tls, allowHTTP1: true }, h2);
      server.on('session', (session) => {
        this.sessions.add(session);
        session.once('close', () => this.sessions.delete(session));
      });
      this.server = server as unknown as http.Server;
      this.isHttp2 = true;
    } else {
      this.server = tls === undefined ? http.createServer(listener) : https.createServer(tls, listener);
    }
  }

  private readonly isHttp2: boolean = false;

  /** Listens on 127.0.0.1; port 0 (the default) picks a free one, 443 serves a real host name in a namespace. */
  async start(port = 0): Promise<this> {
    this.server.listen(port, '127.0.0.1');
    await once(this.server, 'listening');
    return this;
  }

  get origin(): string {
    return `${this.tls === undefined ? 'http' : 'https'}://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    if (this.isHttp2) for (const session of this.sessions) session.destroy();
    else this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  /** Serves this fixture's response to every request until changed. */
  serve(fixture: Fixture, options: ReplayOptions = {}): Buffer {
    const body = bodyBytes(fixture);
    this.handler = (_req, _reqBody, res) => respond(res, fixture.response.status, fixture.response.headers, body, options);
    return body;
  }

  /** Serves raw bytes with the given status and headers. */
  serveBytes(status: number, headers: Record<string, string>, body: Buffer, options: ReplayOptions = {}): void {
    this.handler = (_req, _reqBody, res) => respond(res, status, headers, body, options);
  }

  handle(handler: Handler): void {
    this.handler = handler;
  }
}

/** The response body exactly as the provider sends it: SSE text as is, JSON serialised. */
export function bodyBytes(fixture: Fixture): Buffer {
  const { body } = fixture.response;
  return Buffer.from(typeof body === 'string' ? body : JSON.stringify(body), 'utf8');
}

function compress(body: Buffer, encoding: ReplayOptions['encoding']): Buffer {
  if (encoding === 'gzip') return zlib.gzipSync(body);
  if (encoding === 'br') return zlib.brotliCompressSync(body);
  if (encoding === 'deflate') return zlib.deflateSync(body);
  return body;
}

async function respond(
  res: http.ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: Buffer,
  options: ReplayOptions,
): Promise<void> {
  const wire = compress(body, options.encoding);
  const out: Record<string, string> = { ...headers };
  delete out['content-length'];
  delete out['transfer-encoding'];
  // Connection-specific headers are not allowed in HTTP/2.
  if (res.req.httpVersionMajor === 2) for (const name of ['connection', 'keep-alive', 'upgrade', 'proxy-connection']) delete out[name];
  if (options.encoding !== undefined) out['content-encoding'] = options.encoding;
  res.writeHead(status, out);
  const size = options.chunkSize ?? wire.length;
  for (let i = 0; i < wire.length; i += Math.max(1, size)) {
    if (options.dropAfter !== undefined && i >= options.dropAfter) {
      res.destroy();
      return;
    }
    res.write(wire.subarray(i, i + Math.max(1, size)));
    if (options.delayMs !== undefined) await new Promise((r) => setTimeout(r, options.delayMs));
    else if (size < wire.length) await new Promise((r) => setImmediate(r));
  }
  res.end();
}
