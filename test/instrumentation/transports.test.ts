import { strict as assert } from 'node:assert';
import http from 'node:http';
import zlib from 'node:zlib';
import axios from 'axios';
import { loadFixture } from '../support/fixtures.js';
import { harness, type Harness } from '../support/harness.js';
import { bodyBytes } from '../support/replay-server.js';
import { costOf, single } from '../support/spans.js';

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A plain http.request that reads the raw (still compressed) bytes, as a low-level client would. */
function httpPost(url: string, body: unknown, headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const req = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    // Written in two pieces, as streaming clients do.
    req.write(payload.slice(0, 10));
    req.end(payload.slice(10));
  });
}

describe('capture across transports', function () {
  let h: Harness;

  before(async function () {
    h = await harness();
  });
  beforeEach(function () {
    h.reset();
  });

  it('prices an axios call once, although it runs over http', async function () {
    const fixture = loadFixture('tavily', 'search-advanced');
    h.server.serve(fixture, { encoding: 'gzip' });
    const res = await axios.post(`${h.baseUrl('tavily')}/search`, fixture.request.body);
    assert.deepEqual(res.data, fixture.response.body, 'axios decoded the same body');
    const span = single(await h.aiSpans());
    assert.equal(span.attributes['ai.pricing.tier'], 'advanced');
    assert.equal(costOf(span), '0.016');
    assert.equal(h.server.received.length, 1);
  });

  it('prices an http.request call and leaves its compressed bytes untouched', async function () {
    const fixture = loadFixture('gemini', 'generate-content');
    const plain = h.server.serve(fixture, { encoding: 'gzip', chunkSize: 3 });
    const res = await httpPost(`${h.baseUrl('gcp.gemini')}${fixture.request.path}`, fixture.request.body);
    assert.equal(res.headers['content-encoding'], 'gzip');
    assert.deepEqual(res.body, zlib.gzipSync(plain), 'the application received the wire bytes');
    const span = single(await h.aiSpans());
    assert.equal(span.name, 'generate_content gemini-2.5-flash');
    // 12 input × 0.30 + (48 + 951 thinking) output × 2.50, per million.
    assert.equal(costOf(span), '0.0025011');
  });

  for (const encoding of ['gzip', 'br', 'deflate'] as const) {
    it(`reads a ${encoding} JSON response through fetch, which decodes it for the application`, async function () {
      const fixture = loadFixture('deepl', 'translate-plain');
      h.server.serve(fixture, { encoding, chunkSize: 11 });
      const res = await fetch(`${h.baseUrl('deepl')}/v2/translate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(fixture.request.body),
      });
      assert.equal(await res.text(), bodyBytes(fixture).toString('utf8'));
      const span = single(await h.aiSpans());
      assert.equal(span.attributes['ai.cost.currency'], 'EUR');
      // 27 characters × €20 per million.
      assert.equal(costOf(span), '0.00054');
    });
  }

  it('reads a stream split at every byte boundary', async function () {
    const fixture = loadFixture('openai', 'chat-stream-usage');
    const expected = h.server.serve(fixture, { chunkSize: 1 });
    const res = await fetch(`${h.baseUrl('openai')}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(fixture.request.body),
    });
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), expected);
    assert.equal(costOf(single(await h.aiSpans())), '0.00000885');
  });

  it('gives the application the same status, headers and bytes with and without the instrumentation', async function () {
    const fixture = loadFixture('openai', 'chat-cached');
    h.server.serve(fixture, { encoding: 'br', chunkSize: 17 });
    const call = async () => {
      const res = await fetch(`${h.baseUrl('openai')}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(fixture.request.body),
      });
      const headers = Object.fromEntries([...res.headers].filter(([k]) => k !== 'date'));
      return { status: res.status, headers, body: Buffer.from(await res.arrayBuffer()) };
    };
    const raw = async () => {
      const res = await httpPost(`${h.baseUrl('openai')}/chat/completions`, fixture.request.body);
      delete res.headers.date;
      return res;
    };
    const withUs = [await call(), await raw()];
    h.instrumentation.disable();
    try {
      const without = [await call(), await raw()];
      assert.deepEqual(withUs, without);
    } finally {
      h.instrumentation.enable();
    }
    assert.equal((await h.aiSpans()).length, 2);
  });

  it('leaves calls it does not price alone: other paths, other hosts', async function () {
    h.server.handle((_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":[]}');
    });
    await (await fetch(`${h.baseUrl('openai')}/models`)).text();
    await (await fetch(`${h.server.origin}/health`)).text();
    await httpPost(`${h.server.origin}/v1/chat/completions`, { model: 'gpt-4o-mini' });
    await axios.get(`${h.baseUrl('openai')}/files`);
    assert.equal(h.server.received.length, 4);
    assert.deepEqual(await h.aiSpans(), []);
  });

  it('prices a fetch made through a reference taken before the instrumentation started', async function () {
    const fixture = loadFixture('openai', 'chat-cached');
    h.server.serve(fixture);
    h.instrumentation.disable();
    const early = globalThis.fetch;
    h.instrumentation.enable();
    assert.notEqual(globalThis.fetch, early);
    const res = await early(`${h.baseUrl('openai')}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(fixture.request.body),
    });
    await res.json();
    const span = single(await h.aiSpans());
    assert.equal(span.name, 'chat gpt-4o-mini');
    assert.equal(costOf(span), '0.0003369');
  });

  it('records a connection the server drops mid-body as an aborted call, and the application sees the error', async function () {
    const fixture = loadFixture('anthropic', 'message-stream');
    h.server.serve(fixture, { chunkSize: 64, dropAfter: 400 });
    const res = await fetch(`${h.baseUrl('anthropic')}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(fixture.request.body),
    });
    await assert.rejects(res.text());
    const span = single(await h.aiSpans());
    assert.equal(span.attributes['ai.call.aborted'], true);
    assert.equal(typeof span.attributes['error.type'], 'string');
  });

  it('records a refused connection as a failed call with the transport error', async function () {
    const dead = http.createServer();
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
    const port = (dead.address() as { port: number }).port;
    await new Promise((r) => dead.close(r));
    h.instrumentation.setConfig({
      ...h.instrumentation.getConfig(),
      endpoints: [...(h.instrumentation.getConfig().endpoints ?? []), { provider: 'openai', baseUrl: `http://127.0.0.1:${port}/v1` }],
    });
    try {
      await assert.rejects(
        fetch(`http://127.0.0.1:${port}/v1/chat/completions`, { method: 'POST', body: '{"model":"gpt-4o-mini"}' }),
        TypeError,
      );
      await assert.rejects(httpPost(`http://127.0.0.1:${port}/v1/chat/completions`, { model: 'gpt-4o-mini' }), /ECONNREFUSED/);
      const spans = await h.aiSpans();
      assert.equal(spans.length, 2);
      for (const span of spans) {
        assert.equal(span.attributes['ai.cost.amount'], 0);
        assert.match(String(span.attributes['error.type']), /ECONNREFUSED|TypeError|UND_ERR/);
      }
    } finally {
      h.instrumentation.setConfig({ ...h.instrumentation.getConfig(), endpoints: h.instrumentation.getConfig().endpoints?.slice(0, -1) });
    }
  });
});
