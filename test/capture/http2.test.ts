import { strict as assert } from 'node:assert';
import { once } from 'node:events';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { http2ChannelsComplete, serverOf } from '../../src/capture/http2.js';
import { loadFixture } from '../support/fixtures.js';
import { harness, type Harness } from '../support/harness.js';
import { tlsHttp2Server } from '../support/loopback-tls.js';
import { ReplayServer } from '../support/replay-server.js';
import { costOf, single } from '../support/spans.js';

interface H2Response {
  status: number;
  headers: Record<string, unknown>;
  body: Buffer;
  error?: unknown;
}

/** One request on a session, reading the body with 'data' or, with `pauses`, pausing after each chunk. */
function h2Request(
  session: http2.ClientHttp2Session,
  path: string,
  body: unknown,
  options: { pauses?: boolean; abortAfter?: number; holdOpen?: boolean } = {},
): Promise<H2Response> {
  return new Promise((resolve) => {
    const stream = session.request({ ':method': 'POST', ':path': path, 'content-type': 'application/json' });
    const parts: Buffer[] = [];
    let status = 0;
    let headers: Record<string, unknown> = {};
    let received = 0;
    stream.on('response', (h) => {
      status = Number(h[':status']);
      headers = { ...h };
      delete headers.date;
    });
    stream.on('data', (c: Buffer) => {
      parts.push(c);
      received += c.length;
      if (options.abortAfter !== undefined && received >= options.abortAfter) stream.close(http2.constants.NGHTTP2_CANCEL);
      if (options.pauses === true) {
        stream.pause();
        setTimeout(() => stream.resume(), 1);
      }
    });
    stream.on('error', (error) => resolve({ status, headers, body: Buffer.concat(parts), error }));
    stream.on('close', () => resolve({ status, headers, body: Buffer.concat(parts) }));
    const payload = JSON.stringify(body);
    // Written in two pieces, as streaming clients do.
    stream.write(payload.slice(0, 10));
    if (options.holdOpen === true) stream.write(payload.slice(10));
    else stream.end(payload.slice(10));
  });
}

describe('HTTP/2 capture (node:http2 client sessions)', function () {
  let h: Harness;
  let h2c: ReplayServer;
  let tls: ReplayServer;
  /** A bare HTTP/2 server, for what the replay server cannot do (reset a stream whose request is still open). */
  let raw: http2.Http2Server;
  let ca: string;
  let previous: ReturnType<Harness['instrumentation']['getConfig']>;

  before(async function () {
    h = await harness();
    h2c = await new ReplayServer(undefined, { http2: true }).start();
    ({ server: tls, ca } = await tlsHttp2Server());
    raw = http2.createServer();
    raw.listen(0, '127.0.0.1');
    await once(raw, 'listening');
    const rawOrigin = `http://127.0.0.1:${(raw.address() as AddressInfo).port}`;
    previous = h.instrumentation.getConfig();
    h.instrumentation.setConfig({
      ...previous,
      endpoints: [
        ...(previous.endpoints ?? []),
        ...[h2c, tls].flatMap((s) => [
          { provider: 'openai', baseUrl: `${s.origin}/openai/v1` },
          { provider: 'anthropic', baseUrl: `${s.origin}/anthropic` },
        ]),
        { provider: 'openai', baseUrl: `${rawOrigin}/openai/v1` },
      ],
    });
  });
  after(async function () {
    h.instrumentation.setConfig(previous);
    await h2c.stop();
    await tls.stop();
    await new Promise((resolve) => raw.close(resolve));
  });
  beforeEach(function () {
    h.reset();
    h2c.received.length = 0;
    tls.received.length = 0;
  });

  const connect = (server: ReplayServer) => (server === tls ? http2.connect(server.origin, { ca }) : http2.connect(server.origin));

  it('reads the server of a stream from :scheme and :authority', function () {
    assert.deepEqual(serverOf('https', 'API.openai.com:443'), {
      protocol: 'https:',
      hostname: 'api.openai.com',
      port: '',
      hostKey: 'api.openai.com',
    });
    assert.deepEqual(serverOf('http', '127.0.0.1:8080'), {
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: '8080',
      hostKey: '127.0.0.1:8080',
    });
    assert.deepEqual(serverOf('https', '[::1]:8443'), { protocol: 'https:', hostname: '[::1]', port: '8443', hostKey: '[::1]:8443' });
  });

  it('captures only on Nodes whose channels see every stream (22.20+, 24.7+)', function () {
    // The releases below were each run with a loopback h2c request (docs/instrumentation.md, HTTP/2).
    for (const v of ['22.15.0', '22.16.0', '22.19.0', '23.11.1', '24.0.0', '24.1.0', '24.6.0', '20.20.2']) {
      assert.equal(http2ChannelsComplete(v), false, v);
    }
    for (const v of ['22.20.0', '22.23.5', '24.7.0', '24.22.3', '25.0.0']) assert.equal(http2ChannelsComplete(v), true, v);
  });

  it('prices a stream that names its server in `host` instead of `:authority`', async function () {
    const fixture = loadFixture('openai', 'chat-cached');
    const sent = h2c.serve(fixture);
    const session = http2.connect(h2c.origin);
    try {
      const res = await new Promise<Buffer>((resolve, reject) => {
        const stream = session.request({
          ':method': 'POST',
          ':path': '/openai/v1/chat/completions',
          host: new URL(h2c.origin).host,
          'content-type': 'application/json',
        });
        const parts: Buffer[] = [];
        stream.on('data', (c: Buffer) => parts.push(c));
        stream.on('end', () => resolve(Buffer.concat(parts)));
        stream.on('error', reject);
        stream.end(JSON.stringify(fixture.request.body));
      });
      assert.deepEqual(res, sent);
    } finally {
      session.close();
    }
    assert.equal(costOf(single(await h.aiSpans())), '0.0003369');
  });

  for (const which of ['h2c', 'TLS'] as const) {
    it(`prices a chat completion over ${which} once, with the bytes the server sent`, async function () {
      const server = which === 'h2c' ? h2c : tls;
      const fixture = loadFixture('openai', 'chat-cached');
      const sent = server.serve(fixture, { chunkSize: 13 });
      const session = connect(server);
      try {
        const res = await h2Request(session, '/openai/v1/chat/completions', fixture.request.body);
        assert.equal(res.status, 200);
        assert.deepEqual(res.body, sent);
      } finally {
        session.close();
      }
      const span = single(await h.aiSpans());
      assert.equal(span.attributes['server.address'], '127.0.0.1');
      // 86 × 0.15 + 1,920 cached × 0.075 + 300 × 0.60, per million.
      assert.equal(costOf(span), '0.0003369');
      assert.deepEqual(JSON.parse(server.received[0]!.body.toString('utf8')), fixture.request.body, 'the server got the body');
    });
  }

  it('prices a streamed (SSE) response read with pause and resume', async function () {
    const fixture = loadFixture('openai', 'chat-stream-usage');
    const sent = tls.serve(fixture, { chunkSize: 7 });
    const session = connect(tls);
    try {
      const res = await h2Request(session, '/openai/v1/chat/completions', fixture.request.body, { pauses: true });
      assert.deepEqual(res.body, sent);
    } finally {
      session.close();
    }
    assert.equal(costOf(single(await h.aiSpans())), '0.00000885');
  });

  it('reads a gzip response and leaves the compressed bytes to the application', async function () {
    const fixture = loadFixture('openai', 'chat-cached');
    const plain = h2c.serve(fixture, { encoding: 'gzip', chunkSize: 5 });
    const session = connect(h2c);
    try {
      const res = await h2Request(session, '/openai/v1/chat/completions', fixture.request.body);
      assert.equal(res.headers['content-encoding'], 'gzip');
      assert.deepEqual(res.body, zlib.gzipSync(plain));
    } finally {
      session.close();
    }
    assert.equal(costOf(single(await h.aiSpans())), '0.0003369');
  });

  it('gives the application the same status, headers and bytes with and without the instrumentation', async function () {
    const fixture = loadFixture('openai', 'chat-stream-usage');
    tls.serve(fixture, { encoding: 'br', chunkSize: 17 });
    const session = connect(tls);
    try {
      const call = () => h2Request(session, '/openai/v1/chat/completions', fixture.request.body, { pauses: true });
      const withUs = await call();
      h.instrumentation.disable();
      let without: H2Response;
      try {
        without = await call();
      } finally {
        h.instrumentation.enable();
      }
      assert.deepEqual(withUs, without);
    } finally {
      session.close();
    }
    assert.equal((await h.aiSpans()).length, 1);
  });

  it('prices each of many concurrent streams on one session once', async function () {
    const fixture = loadFixture('openai', 'chat-stream-usage');
    const sent = h2c.serve(fixture, { chunkSize: 9 });
    const session = connect(h2c);
    try {
      const results = await Promise.all(
        Array.from({ length: 20 }, () => h2Request(session, '/openai/v1/chat/completions', fixture.request.body)),
      );
      for (const res of results) assert.deepEqual(res.body, sent);
    } finally {
      session.close();
    }
    const spans = await h.aiSpans();
    assert.equal(spans.length, 20);
    for (const span of spans) assert.equal(costOf(span), '0.00000885');
  });

  it('prices another recognised provider over HTTP/2 (an Anthropic stream)', async function () {
    const fixture = loadFixture('anthropic', 'message-stream');
    const sent = tls.serve(fixture, { chunkSize: 1 });
    const session = connect(tls);
    try {
      const res = await h2Request(session, '/anthropic/v1/messages', fixture.request.body);
      assert.deepEqual(res.body, sent);
    } finally {
      session.close();
    }
    // 14 × 1 + 2,048 × 0.10 + 37 × 5, per million.
    assert.equal(costOf(single(await h.aiSpans())), '0.0004038');
  });

  it('records a stream the application cancels mid-body as aborted', async function () {
    const fixture = loadFixture('openai', 'chat-stream-usage');
    h2c.serve(fixture, { chunkSize: 20, delayMs: 2 });
    const session = connect(h2c);
    try {
      const res = await h2Request(session, '/openai/v1/chat/completions', fixture.request.body, { abortAfter: 40 });
      assert.ok(res.body.length >= 40);
    } finally {
      session.close();
    }
    const span = single(await h.aiSpans());
    assert.equal(span.attributes['ai.call.aborted'], true);
    assert.equal(span.attributes['ai.pricing.unpriced_reason'], 'no_usage');
  });

  it('records a stream the server resets (RST_STREAM) as aborted, and the application sees the same error', async function () {
    const fixture = loadFixture('openai', 'chat-stream-usage');
    raw.removeAllListeners('stream');
    raw.on('stream', (stream) => {
      stream.on('error', () => {});
      stream.respond({ ':status': 200, 'content-type': 'text/event-stream' });
      stream.write(String(fixture.response.body).slice(0, 50));
      setTimeout(() => stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR), 20);
    });
    const session = http2.connect(`http://127.0.0.1:${(raw.address() as AddressInfo).port}`);
    let res: H2Response;
    try {
      // The request body is still open when the server resets the stream.
      res = await h2Request(session, '/openai/v1/chat/completions', fixture.request.body, { holdOpen: true });
    } finally {
      session.close();
    }
    assert.equal((res.error as { code?: string } | undefined)?.code, 'ERR_HTTP2_STREAM_ERROR');
    assert.equal(res.body.length, 50);
    const span = single(await h.aiSpans());
    assert.equal(span.attributes['ai.call.aborted'], true);
    assert.equal(span.attributes['ai.pricing.unpriced_reason'], 'no_usage');
    assert.equal(h.records[0]!.status, 200);
  });

  it('records a stream whose connection is lost mid-body as aborted, though Node ends it without an error', async function () {
    const fixture = loadFixture('openai', 'chat-stream-usage');
    h2c.handle((_req, _body, res) => {
      const stream = (res as unknown as http2.Http2ServerResponse).stream;
      stream.respond({ ':status': 200, 'content-type': 'text/event-stream' });
      stream.write(String(fixture.response.body).slice(0, 50), () => stream.session?.destroy());
    });
    const session = connect(h2c);
    session.on('error', () => {});
    const res = await h2Request(session, '/openai/v1/chat/completions', fixture.request.body);
    session.destroy();
    assert.equal(res.error, undefined);
    const span = single(await h.aiSpans());
    assert.equal(span.attributes['ai.call.aborted'], true);
    assert.equal(span.attributes['error.type'], 'AbortError');
  });

  it('records streams a GOAWAY refuses as failed before any response, each once', async function () {
    h2c.handle((_req, _body, res) => {
      const stream = (res as unknown as http2.Http2ServerResponse).stream;
      stream.session?.goaway(http2.constants.NGHTTP2_INTERNAL_ERROR, 0);
    });
    const fixture = loadFixture('openai', 'chat-cached');
    const session = connect(h2c);
    session.on('error', () => {});
    const results = await Promise.all([1, 2, 3].map(() => h2Request(session, '/openai/v1/chat/completions', fixture.request.body)));
    session.destroy();
    for (const res of results) assert.notEqual(res.error, undefined, 'the application saw an error');
    assert.equal((await h.aiSpans()).length, 3);
    assert.deepEqual(
      h.records.map((r) => [r.outcome, r.status, r.cost?.amount.toFixed()]),
      [1, 2, 3].map(() => ['error', undefined, '0']),
    );
  });

  it('leaves other paths and hosts alone', async function () {
    h2c.handle((_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":[]}');
    });
    const session = connect(h2c);
    try {
      await h2Request(session, '/openai/v1/models', {});
      await h2Request(session, '/health', {});
    } finally {
      session.close();
    }
    assert.equal(h2c.received.length, 2);
    assert.deepEqual(await h.aiSpans(), []);
  });
});
