// Hostile and broken provider responses through the real transports: the application sees
// exactly what it would without ai-pricetag, nothing inside ai-pricetag faults, calls whose usage
// cannot be trusted are unpriced with a reason, and the Prometheus exposition stays well formed.
import { strict as assert } from 'node:assert';
import zlib from 'node:zlib';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { cpuMsSince } from '../support/cpu-time.js';
import { loadFixture } from '../support/fixtures.js';
import { harness, type Harness } from '../support/harness.js';
import { bodyBytes } from '../support/replay-server.js';
import { single } from '../support/spans.js';
import { observed, parseExposition, post, promtoolAccepts, TRANSPORTS, type Transport } from './support.js';

const CHAT_BODY = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] };
const chatJson = (usage: unknown, model: unknown = 'gpt-4o-mini-2024-07-18') =>
  Buffer.from(
    JSON.stringify({
      id: 'chatcmpl-1',
      object: 'chat.completion',
      model,
      choices: [{ index: 0, message: { role: 'assistant', content: 'hello' }, finish_reason: 'stop' }],
      usage,
    }),
  );
const GOOD_USAGE = { prompt_tokens: 10, completion_tokens: 5 };

interface ResponseCase {
  readonly name: string;
  readonly status?: number;
  readonly headers?: Record<string, string>;
  readonly body: Buffer;
  readonly chunkSize?: number;
  readonly dropAfter?: number;
  /** What the span must say. */
  readonly expect: { readonly outcome: 'success' | 'error'; readonly unpriced?: string; readonly cost?: number };
}

const JSON_TYPE = { 'content-type': 'application/json' };
const half = (b: Buffer) => b.subarray(0, Math.floor(b.length / 2));
const html = Buffer.from(
  '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1>{"usage":{"prompt_tokens":1}}</body></html>',
);
const priced = (cost: number) => ({ outcome: 'success' as const, cost });
const noUsage = { outcome: 'success' as const, unpriced: 'no_usage' };

const CASES: readonly ResponseCase[] = [
  { name: 'a well-formed body (control)', headers: JSON_TYPE, body: chatJson(GOOD_USAGE), expect: priced(0.0000045) },
  { name: 'truncated JSON', headers: JSON_TYPE, body: half(chatJson(GOOD_USAGE)), expect: noUsage },
  {
    name: 'JSON that breaks off inside the usage block',
    headers: JSON_TYPE,
    body: chatJson(GOOD_USAGE).subarray(0, chatJson(GOOD_USAGE).indexOf('completion_tokens')),
    expect: noUsage,
  },
  { name: 'JSON served as text/html', headers: { 'content-type': 'text/html' }, body: chatJson(GOOD_USAGE), expect: noUsage },
  { name: 'JSON with no content type', headers: {}, body: chatJson(GOOD_USAGE), expect: noUsage },
  {
    name: 'an HTML error page (502)',
    status: 502,
    headers: { 'content-type': 'text/html' },
    body: html,
    expect: { outcome: 'error', cost: 0 },
  },
  { name: 'an HTML page sent as 200 application/json', headers: JSON_TYPE, body: html, expect: noUsage },
  {
    name: 'gzip that is not gzip',
    headers: { ...JSON_TYPE, 'content-encoding': 'gzip' },
    body: Buffer.from('\x1f\x8b\x08\x00garbage that no inflater accepts'),
    expect: noUsage,
  },
  {
    name: 'brotli with flipped bytes',
    headers: { ...JSON_TYPE, 'content-encoding': 'br' },
    body: flip(zlib.brotliCompressSync(chatJson(GOOD_USAGE))),
    expect: noUsage,
  },
  {
    name: 'gzip cut short',
    headers: { ...JSON_TYPE, 'content-encoding': 'gzip' },
    body: half(zlib.gzipSync(chatJson(GOOD_USAGE))),
    expect: noUsage,
  },
  {
    name: 'an encoding nobody knows',
    headers: { ...JSON_TYPE, 'content-encoding': 'x-rot13' },
    body: chatJson(GOOD_USAGE),
    expect: noUsage,
  },
  { name: 'no usage at all', headers: JSON_TYPE, body: chatJson(undefined), expect: noUsage },
  { name: 'usage: null', headers: JSON_TYPE, body: chatJson(null), expect: noUsage },
  { name: 'negative usage', headers: JSON_TYPE, body: chatJson({ prompt_tokens: -10, completion_tokens: -5 }), expect: noUsage },
  {
    name: 'one negative usage number beside a good one',
    headers: JSON_TYPE,
    body: chatJson({ prompt_tokens: 10, completion_tokens: -5 }),
    expect: noUsage,
  },
  {
    name: '1e300 tokens beside a good count',
    headers: JSON_TYPE,
    body: chatJson({ prompt_tokens: 1e300, completion_tokens: 5 }),
    expect: noUsage,
  },
  { name: 'usage numbers as strings', headers: JSON_TYPE, body: chatJson({ prompt_tokens: '10', completion_tokens: 5 }), expect: noUsage },
  {
    name: 'a cached count larger than the prompt',
    headers: JSON_TYPE,
    body: chatJson({ prompt_tokens: 10, completion_tokens: 5, prompt_tokens_details: { cached_tokens: 1e6 } }),
    expect: priced(0.075003),
  },
  {
    name: 'usage numbers as JSON exponents',
    headers: JSON_TYPE,
    body: Buffer.from('{"model":"gpt-4o-mini","usage":{"prompt_tokens":1E1,"completion_tokens":0.5e1}}'),
    expect: priced(0.0000045),
  },
  {
    name: 'a deeply nested body',
    headers: JSON_TYPE,
    body: Buffer.from(
      `{"model":"gpt-4o-mini","choices":${'['.repeat(100_000)}${']'.repeat(100_000)},"usage":{"prompt_tokens":10,"completion_tokens":5}}`,
    ),
    expect: priced(0.0000045),
  },
  {
    name: 'a body of 20 MB before its usage',
    headers: JSON_TYPE,
    body: Buffer.from(
      `{"model":"gpt-4o-mini","choices":[{"message":{"content":"${'x'.repeat(20 * 1024 * 1024)}"}}],` +
        '"usage":{"prompt_tokens":10,"completion_tokens":5}}',
    ),
    chunkSize: 64 * 1024,
    expect: priced(0.0000045),
  },
  {
    name: 'a body cut by the server mid-way',
    headers: JSON_TYPE,
    body: chatJson(GOOD_USAGE),
    dropAfter: 40,
    chunkSize: 20,
    expect: { outcome: 'success', unpriced: 'no_usage' },
  },
];

function flip(bytes: Buffer): Buffer {
  const out = Buffer.from(bytes);
  for (let i = 3; i < out.length; i += 7) out[i] = out[i]! ^ 0xa5;
  return out;
}

/** One line per model the exposition holds, to find the hostile names in it. */
function modelLabels(text: string): string[] {
  return parseExposition(text)
    .samples.filter((s) => s.name === 'ai_requests_total')
    .map((s) => s.labels.gen_ai_request_model ?? '');
}

describe('hostile provider responses', function () {
  this.timeout(60_000);
  let h: Harness;
  let internalErrors: number;

  before(async function () {
    h = await harness();
  });
  beforeEach(function () {
    h.reset();
    internalErrors = h.instrumentation.internalErrors;
  });
  afterEach(async function () {
    assert.equal(h.instrumentation.internalErrors, internalErrors, 'no fault inside ai-pricetag');
    const text = await h.scrape();
    parseExposition(text);
  });

  /** The same request with and without the instrumentation: what the application sees must not differ. */
  async function sameWithoutUs(transport: Transport, url: string, body: unknown): Promise<ReadableSpan> {
    const headers = { authorization: 'Bearer sk-robustness' };
    const withUs = await observed(() => post(transport, url, body, { headers }));
    const span = single(await h.aiSpans());
    h.instrumentation.disable();
    try {
      const without = await observed(() => post(transport, url, body, { headers }));
      assert.deepEqual(withUs, without, `${transport} saw something else with ai-pricetag`);
    } finally {
      h.instrumentation.enable();
    }
    return span;
  }

  for (const c of CASES) {
    const expected = c.expect.unpriced ?? (c.expect.outcome === 'error' ? 'an error costing 0' : 'priced');
    it(`${c.name}: same bytes or error for the application on every transport, ${expected}`, async function () {
      h.server.serveBytes(c.status ?? 200, c.headers ?? {}, c.body, { chunkSize: c.chunkSize, dropAfter: c.dropAfter });
      for (const transport of TRANSPORTS) {
        h.reset();
        const span = await sameWithoutUs(transport, `${h.baseUrl('openai')}/chat/completions`, CHAT_BODY);
        assert.equal(span.attributes['ai.pricing.unpriced_reason'], c.expect.unpriced, `${transport}: unpriced reason`);
        if (c.expect.cost !== undefined) assert.equal(span.attributes['ai.cost.amount'], c.expect.cost, `${transport}: cost`);
        assert.equal(span.status.code === 2 ? 'error' : 'success', c.expect.outcome, `${transport}: outcome`);
      }
    });
  }

  describe('server-sent events', function () {
    const streamBody = { ...CHAT_BODY, stream: true, stream_options: { include_usage: true } };
    const SSE = { 'content-type': 'text/event-stream' };
    const chunk = (o: unknown) => `data: ${JSON.stringify(o)}\n\n`;
    const usageChunk = chunk({ id: 'c', model: 'gpt-4o-mini', choices: [], usage: GOOD_USAGE });

    const STREAMS: readonly { name: string; body: string; expect: ResponseCase['expect'] }[] = [
      {
        name: 'garbage events around the usage chunk',
        body:
          'data: {not json\n\ndata: \n\n: comment\n\nevent: \ndata: [\n\nretry: x\nid: \u0000\n\n' +
          `${chunk({ model: 'gpt-4o-mini', choices: [] })}data: "usage":{\n\n${usageChunk}data: [DONE]\n\n`,
        expect: priced(0.0000045),
      },
      {
        name: 'data lines without blank lines between them (one event, not JSON)',
        body: `data: {"model":"gpt-4o-mini"}\ndata: {"usage":{"prompt_tokens":10}}\n${usageChunk}`,
        expect: noUsage,
      },
      { name: 'bare CR line endings', body: usageChunk.replace(/\n/g, '\r') + 'data: [DONE]\r\r', expect: priced(0.0000045) },
      {
        name: 'a usage chunk with negative counts',
        body: chunk({ model: 'gpt-4o-mini', choices: [], usage: { prompt_tokens: 10, completion_tokens: -1 } }),
        expect: noUsage,
      },
      {
        name: 'a stream that never reports usage',
        body: `${chunk({ model: 'gpt-4o-mini', choices: [] })}data: [DONE]\n\n`,
        expect: noUsage,
      },
      {
        name: 'an event of 2 MiB (twice the bound) before the usage',
        body: `data: ${'x'.repeat(2 * 1024 * 1024)}\n\n${usageChunk}`,
        expect: noUsage,
      },
      { name: 'a line that never ends', body: `data: ${'y'.repeat(3 * 1024 * 1024)}`, expect: noUsage },
      { name: 'JSON sent as an event stream', body: chatJson(GOOD_USAGE).toString(), expect: noUsage },
    ];
    for (const s of STREAMS) {
      it(`${s.name}: ${s.expect.unpriced ?? 'priced'}, and the application reads the same stream`, async function () {
        h.server.serveBytes(200, SSE, Buffer.from(s.body), { chunkSize: 4096 });
        for (const transport of TRANSPORTS) {
          h.reset();
          const span = await sameWithoutUs(transport, `${h.baseUrl('openai')}/chat/completions`, streamBody);
          assert.equal(span.attributes['ai.pricing.unpriced_reason'], s.expect.unpriced, transport);
          if (s.expect.cost !== undefined) assert.equal(span.attributes['ai.cost.amount'], s.expect.cost, transport);
        }
      });
    }

    const SPLIT = [
      ['anthropic', 'message-stream', '/v1/messages'],
      ['gcp.gemini', 'stream-sse-grounded', ''],
      ['openai', 'responses-stream', '/responses'],
    ] as const;
    for (const [provider, name, path] of SPLIT) {
      it(`${provider} ${name}, gzipped and split at every byte boundary: priced as when sent whole`, async function () {
        const fixture = loadFixture(provider === 'gcp.gemini' ? 'gemini' : provider, name);
        const url = `${h.baseUrl(provider)}${path || fixture.request.path}`;
        h.server.serve(fixture);
        await (
          await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(fixture.request.body) })
        ).arrayBuffer();
        const whole = single(await h.aiSpans()).attributes;
        h.reset();
        h.server.serve(fixture, { encoding: 'gzip', chunkSize: 1 });
        for (const transport of TRANSPORTS) {
          h.reset();
          const seen = await post(transport, url, fixture.request.body);
          if (transport !== 'http') assert.equal(Buffer.from(seen.body, 'base64').toString(), bodyBytes(fixture).toString(), transport);
          const split = single(await h.aiSpans()).attributes;
          assert.ok(split['ai.cost.amount'] !== undefined, `${transport}: priced`);
          assert.deepEqual(split, whole, transport);
        }
      });
    }
  });

  describe('usage that cannot be trusted, for each token-billing API', function () {
    const APIS = [
      [
        'OpenAI Responses',
        'openai',
        '/responses',
        { model: 'gpt-4o-mini', input: 'hi' },
        (bad: unknown) => ({ model: 'gpt-4o-mini', output: [], usage: { input_tokens: 10, output_tokens: bad } }),
      ],
      [
        'Anthropic Messages',
        'anthropic',
        '/v1/messages',
        { model: 'claude-haiku-4-5', max_tokens: 5, messages: [] },
        (bad: unknown) => ({ model: 'claude-haiku-4-5', usage: { input_tokens: 10, output_tokens: 5, cache_read_input_tokens: bad } }),
      ],
      [
        'Gemini generateContent',
        'gcp.gemini',
        '/v1beta/models/gemini-2.5-flash:generateContent',
        { contents: [] },
        (bad: unknown) => ({
          modelVersion: 'gemini-2.5-flash',
          usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 5, thoughtsTokenCount: bad },
        }),
      ],
    ] as const;
    for (const [name, provider, path, request, response] of APIS) {
      it(
        `${name}: one field negative, absurd or not a number leaves the call unpriced (no_usage), ` + 'not priced on the rest',
        async function () {
          for (const bad of [-1, 1e300, '5', { n: 5 }, 3, null]) {
            h.reset();
            h.server.serveBytes(200, JSON_TYPE, Buffer.from(JSON.stringify(response(bad))));
            await post('fetch', `${h.baseUrl(provider)}${path}`, request);
            const span = single(await h.aiSpans());
            const believable = bad === 3 || bad === null;
            assert.equal(
              span.attributes['ai.pricing.unpriced_reason'],
              believable ? undefined : 'no_usage',
              `${name} with ${JSON.stringify(bad)}`,
            );
            assert.equal(typeof span.attributes['ai.cost.amount'], believable ? 'number' : 'undefined');
          }
        },
      );
    }
  });

  describe('hostile names and costs', function () {
    const NAMES = [
      'gpt"4o\\mini',
      'gpt-4o-mini"} 1\nai_cost_total{x="y',
      'a\u2028b\u0085c\ud800d',
      'm'.repeat(10 * 1024),
      '😀'.repeat(200),
    ];

    it(
      'keeps model names with quotes, backslashes, newlines, lone surrogates and 10 kB lengths ' + 'out of the exposition format',
      async function () {
        for (const name of NAMES) {
          h.server.serveBytes(200, JSON_TYPE, chatJson(GOOD_USAGE, name));
          for (const transport of TRANSPORTS) {
            h.reset();
            await post(transport, `${h.baseUrl('openai')}/chat/completions`, { ...CHAT_BODY, model: name });
            const span = single(await h.aiSpans());
            assert.ok(span.name.length <= 'chat '.length + 128, `span name of ${span.name.length} characters`);
            for (const value of Object.values(span.attributes))
              if (typeof value === 'string')
                // eslint-disable-next-line no-control-regex -- control characters are what must not get through
                assert.ok(value.length <= 128 && !/[\u0000-\u001f]/.test(value), JSON.stringify(value).slice(0, 80));
          }
        }
        const text = await h.scrape();
        promtoolAccepts(text);
        const models = modelLabels(text);
        assert.ok(models.includes('gpt"4o\\mini'), 'quotes and backslashes survive escaped');
        assert.ok(models.includes('gpt-4o-mini"} 1ai_cost_total{x="y'), 'the newline is dropped, the rest escaped');
        assert.ok(models.every((m) => m.length <= 128 && !m.includes('\n')));
      },
    );

    it(
      'disbelieves a provider cost of a billion digits, or above a million dollars, ' +
        'without building it (it once took 4 GB and the process)',
      async function () {
        for (const cost of ['1e999999999', '1e-999999999', '1e999', '2000000', '+0.25', '-1', 'NaN', '1'.repeat(60_000)]) {
          h.reset();
          h.server.serveBytes(200, JSON_TYPE, Buffer.from(`{"results":[],"costDollars":{"total":${JSON.stringify(cost)}}}`));
          // CPU time, not wall time: what building the number would cost, however busy the machine.
          const since = process.cpuUsage();
          const res = await fetch(`${h.baseUrl('exa')}/search`, {
            method: 'POST',
            headers: JSON_TYPE,
            body: '{"query":"q","type":"fast"}',
          });
          await res.arrayBuffer();
          const span = single(await h.aiSpans());
          const cpuMs = cpuMsSince(since);
          assert.ok(cpuMs < 2000, `${cost.slice(0, 20)}: took ${cpuMs.toFixed(0)} ms of CPU`);
          if (cost === '+0.25') assert.equal(span.attributes['ai.cost.amount'], 0.25);
          else assert.equal(span.attributes['ai.cost.source'], 'catalog', `${cost.slice(0, 20)}: the catalog's price, not the provider's`);
        }
      },
    );
  });
});
