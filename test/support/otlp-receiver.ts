// An OTLP/HTTP (http/json) receiver on loopback that keeps every body posted to it, for the
// zero-code tests that push metrics or spans from a child process.
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface OtlpReceiver {
  /** `http://127.0.0.1:PORT`, without a path. */
  readonly url: string;
  readonly bodies: { path: string; body: unknown }[];
  close(): void;
}

export async function otlpReceiver(): Promise<OtlpReceiver> {
  const bodies: { path: string; body: unknown }[] = [];
  const server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      bodies.push({ path: req.url ?? '', body: JSON.parse(Buffer.concat(parts).toString('utf8')) });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, bodies, close: () => server.close() };
}

/** A span as received over OTLP/JSON, with the name of its instrumentation scope. */
export interface ReceivedSpan {
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly name: string;
  /** OTLP's SpanKind: 3 is CLIENT. */
  readonly kind: number;
  readonly scope: string;
}

/** Every span the receiver got on /v1/traces, in arrival order. */
export function receivedSpans(receiver: OtlpReceiver): ReceivedSpan[] {
  type Body = { resourceSpans?: { scopeSpans?: { scope?: { name?: string }; spans?: Omit<ReceivedSpan, 'scope'>[] }[] }[] };
  return receiver.bodies
    .filter((b) => b.path === '/v1/traces')
    .flatMap((b) => (b.body as Body).resourceSpans ?? [])
    .flatMap((r) => r.scopeSpans ?? [])
    .flatMap((s) => (s.spans ?? []).map((span) => ({ ...span, scope: s.scope?.name ?? '' })));
}
