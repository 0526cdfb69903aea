// Faults between the application and the provider: rate limits, server errors, dropped
// connections, streams cut halfway, timeouts, aborts, retries, unreachable hosts. The application
// must see exactly what it sees without ai-pricetag (error class, message, code, status, body),
// and each attempt must be recorded as DESIGN.md says: errors cost 0, a 2xx cut short is priced
// from what was observed and marked aborted, every request the provider saw is one span.
import { strict as assert } from 'node:assert';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import OpenAI from 'openai';
import { startEmulator, type Emulator } from '../../examples/emulator/index.js';
import { loadFixture } from '../support/fixtures.js';
import { harness, type Harness } from '../support/harness.js';
import { single } from '../support/spans.js';
import {
  describeError,
  mountEmulator,
  observed,
  parseExposition,
  post,
  TRANSPORTS,
  type MountedEmulator,
  type Transport,
} from './support.js';

/** Bodies carry the wall clock (`created`); everything else of a twin emulator's answer is the same. */
function normalised(result: Record<string, unknown>): Record<string, unknown> {
  const ok = result.ok as { body?: string } | undefined;
  if (ok?.body === undefined) return result;
  const text = Buffer.from(ok.body, 'base64')
    .toString('latin1')
    .replace(/"(created|created_at)":\d+/g, '"$1":0');
  return { ok: { ...ok, body: text } };
}

const FAULTS = ['429', '500', 'overloaded', 'drop', 'drop-mid-stream'] as const;
type Fault = (typeof FAULTS)[number];

interface Target {
  readonly provider: 'openai' | 'anthropic';
  readonly path: string;
  body(stream: boolean, n: number): unknown;
}

const TARGETS: readonly Target[] = [
  {
    provider: 'openai',
    path: '/chat/completions',
    body: (stream, n) => ({
      model: 'gpt-4o-mini',
      max_tokens: 30,
      messages: [{ role: 'user', content: `fault test ${n}` }],
      ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
    }),
  },
  {
    provider: 'anthropic',
    path: '/v1/messages',
    body: (stream, n) => ({
      model: 'claude-haiku-4-5',
      max_tokens: 30,
      messages: [{ role: 'user', content: `fault test ${n}` }],
      ...(stream ? { stream: true } : {}),
    }),
  },
];

describe('faults', function () {
  this.timeout(60_000);
  let h: Harness;
  let mounted: MountedEmulator;
  /** Same seed, never instrumented-for: its n-th answer to a request is the mounted one's n-th answer. */
  let twin: Emulator;
  let n = 0;

  before(async function () {
    h = await harness();
    mounted = await mountEmulator(h, { seed: 21, retryAfterSeconds: 0 });
    twin = await startEmulator({ seed: 21, retryAfterSeconds: 0 });
  });
  after(async function () {
    await mounted?.close();
    await twin?.close();
  });
  beforeEach(function () {
    h.reset();
    mounted.emulator.clearRequests();
    twin.clearRequests();
  });
  afterEach(async function () {
    parseExposition(await h.scrape());
  });

  /** The request through ai-pricetag to the mounted emulator, and uninstrumented to its twin: both views, and the span. */
  async function both(
    transport: Transport,
    target: Target,
    stream: boolean,
    fault: Fault | undefined,
  ): Promise<{ span: ReadableSpan; seen: Record<string, unknown> }> {
    const body = target.body(stream, n++);
    const headers: Record<string, string> = fault === undefined ? {} : { 'x-emulator-fault': fault };
    const url = (e: Emulator) => `${e.baseUrls[target.provider]}${target.path}`;
    const withUs = normalised(await observed(() => post(transport, url(mounted.emulator), body, { headers })));
    const span = single(await h.aiSpans());
    h.instrumentation.disable();
    let without: Record<string, unknown>;
    try {
      without = normalised(await observed(() => post(transport, url(twin), body, { headers })));
    } finally {
      h.instrumentation.enable();
    }
    assert.deepEqual(withUs, without, `${transport} ${target.provider} ${fault ?? 'no fault'}: the application saw something else`);
    h.reset();
    return { span, seen: withUs };
  }

  for (const fault of FAULTS) {
    it(
      `${fault}: the application sees what it sees without us, on every transport, ` + 'streamed or not; recorded as DESIGN.md says',
      async function () {
        for (const target of TARGETS) {
          for (const stream of [false, true]) {
            for (const transport of TRANSPORTS) {
              const where = `${transport} ${target.provider}${stream ? ' stream' : ''}`;
              const { span, seen } = await both(transport, target, stream, fault);
              const a = span.attributes;
              if (fault === 'drop-mid-stream') {
                assert.equal(span.status.code, 0, `${where}: a 2xx cut short is a success`);
                assert.equal(a['ai.call.aborted'], true, where);
                assert.ok(seen.ok === undefined, `${where}: the application saw the cut`);
                if (target.provider === 'anthropic' && stream) {
                  // message_start told the input tokens before the cut: billed as far as observed.
                  assert.ok(typeof a['ai.cost.amount'] === 'number' && a['ai.cost.amount'] > 0, `${where}: priced from what was observed`);
                } else assert.equal(a['ai.pricing.unpriced_reason'], 'no_usage', where);
              } else {
                assert.equal(span.status.code, 2, `${where}: an error`);
                assert.equal(a['ai.cost.amount'], 0, `${where}: providers do not bill failed calls`);
                assert.equal(a['ai.pricing.unpriced_reason'], undefined, where);
                const status = fault === 'overloaded' ? (target.provider === 'anthropic' ? '529' : '503') : fault;
                if (fault === 'drop')
                  assert.ok(typeof a['error.type'] === 'string' && !/^\d+$/.test(a['error.type']), `${where}: ${a['error.type']}`);
                else assert.equal(a['error.type'], status, where);
              }
            }
          }
        }
        // Every request the provider saw is exactly one span, one log entry on each side.
        assert.equal(mounted.emulator.requests.length, TARGETS.length * 2 * TRANSPORTS.length);
        assert.equal(twin.requests.length, mounted.emulator.requests.length);
        assert.ok(mounted.emulator.requests.every((r) => r.fault === fault));
      },
    );
  }

  it('an SDK retrying a rate-limited call: each attempt is its own call, and the final error is the same', async function () {
    this.timeout(60_000);
    const ask = (e: Emulator) => async () => {
      const client = new OpenAI({
        apiKey: 'sk-robustness',
        baseURL: e.baseUrls.openai,
        maxRetries: 2,
        defaultHeaders: { 'x-emulator-fault': '429' },
      });
      return client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'retry me' }] });
    };
    const withUs = await observed(ask(mounted.emulator));
    const spans = await h.aiSpans();
    h.instrumentation.disable();
    let without: Record<string, unknown>;
    try {
      without = await observed(ask(twin));
    } finally {
      h.instrumentation.enable();
    }
    assert.deepEqual(withUs, without);
    assert.equal(withUs.class, 'RateLimitError');
    assert.equal(withUs.status, 429);
    assert.equal(spans.length, 3, 'one span per attempt');
    assert.equal(mounted.emulator.requests.length, 3);
    for (const span of spans) assert.deepEqual([span.attributes['error.type'], span.attributes['ai.cost.amount']], ['429', 0]);
  });

  it('an SDK against a flaky provider (40% faults): every attempt counted once, successes priced, the results the same', async function () {
    this.timeout(90_000);
    const flaky = await mountEmulator(h, { seed: 5, errorRate: 0.4, retryAfterSeconds: 0, faultMix: { '429': 1, '500': 1, drop: 1 } });
    const flakyTwin = await startEmulator({ seed: 5, errorRate: 0.4, retryAfterSeconds: 0, faultMix: { '429': 1, '500': 1, drop: 1 } });
    try {
      const run = (e: Emulator) =>
        Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            observed(async () => {
              const client = new OpenAI({ apiKey: 'sk-robustness', baseURL: e.baseUrls.openai, maxRetries: 3 });
              const r = await client.chat.completions.create({
                model: 'gpt-4o-mini',
                max_tokens: 20,
                messages: [{ role: 'user', content: `flaky ${i}` }],
              });
              return { model: r.model, usage: r.usage, text: r.choices[0]?.message.content };
            }),
          ),
        );
      const withUs = await run(flaky.emulator);
      const spans = await h.aiSpans();
      h.instrumentation.disable();
      let without: Record<string, unknown>[];
      try {
        without = await run(flakyTwin);
      } finally {
        h.instrumentation.enable();
      }
      assert.deepEqual(withUs, without);
      const log = flaky.emulator.requests;
      assert.ok(log.length > 8, `${log.length} attempts for 8 calls: some were retried`);
      assert.equal(spans.length, log.length, 'one span per attempt the provider saw');
      const failed = spans.filter((s) => s.status.code === 2);
      assert.equal(failed.length, log.filter((r) => r.fault !== undefined).length);
      for (const s of failed) assert.equal(s.attributes['ai.cost.amount'], 0);
      for (const s of spans.filter((x) => x.status.code !== 2))
        assert.ok((s.attributes['ai.cost.amount'] as number) > 0, 'a success is priced');
    } finally {
      await flaky.close();
      await flakyTwin.close();
    }
  });

  describe('timeouts and aborts (replay server, byte for byte the same both ways)', function () {
    /** Serves response headers only after `headersAfterMs`, then one SSE event, then nothing until the client gives up. */
    function stall(headersAfterMs: number): void {
      const fixture = loadFixture('anthropic', 'message-stream');
      const first = (fixture.response.body as string).split('\n\n')[0]! + '\n\n';
      h.server.handle((_req, _body, res) => {
        const timer = setTimeout(() => {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          res.write(first);
        }, headersAfterMs);
        res.on('close', () => clearTimeout(timer));
      });
    }
    const body = loadFixture('anthropic', 'message-stream').request.body;
    const url = () => `${h.baseUrl('anthropic')}/v1/messages`;

    async function sameBothWays(run: () => Promise<unknown>): Promise<{ seen: Record<string, unknown>; span: ReadableSpan }> {
      const withUs = await observed(run);
      const span = single(await h.aiSpans());
      h.instrumentation.disable();
      try {
        assert.deepEqual(await observed(run), withUs);
      } finally {
        h.instrumentation.enable();
      }
      h.reset();
      return { seen: withUs, span };
    }

    it('a client timeout before the response: the same timeout error, an error call costing 0', async function () {
      stall(5_000);
      for (const transport of TRANSPORTS) {
        const { seen, span } = await sameBothWays(() => post(transport, url(), body, { timeoutMs: 150 }));
        assert.ok(seen.ok === undefined, transport);
        assert.equal(span.status.code, 2, transport);
        assert.equal(span.attributes['ai.cost.amount'], 0, transport);
      }
    });

    it('a client timeout mid-stream: the same error, a success priced from the events observed, marked aborted', async function () {
      stall(0);
      for (const transport of ['fetch', 'axios'] as const) {
        // The headers and first event are sent at once; the timeout only has to outlast their
        // way over loopback, with room for a busy machine (nothing can be awaited instead).
        const { seen, span } = await sameBothWays(() => post(transport, url(), body, { timeoutMs: 1_000 }));
        assert.ok(seen.ok === undefined, transport);
        assert.equal(span.status.code, 0, transport);
        assert.equal(span.attributes['ai.call.aborted'], true, transport);
        // message_start: 14 input, 2048 cache-read and 1 output token of claude-haiku-4-5.
        assert.ok((span.attributes['ai.cost.amount'] as number) > 0, transport);
      }
    });

    it('an SDK timeout: the same APIConnectionTimeoutError', async function () {
      const client = () => new OpenAI({ apiKey: 'sk-robustness', baseURL: `${h.baseUrl('openai')}`, maxRetries: 0, timeout: 150 });
      h.server.handle((_req, _body, res) => {
        const timer = setTimeout(() => res.writeHead(200).end('{}'), 5_000);
        res.on('close', () => clearTimeout(timer));
      });
      const { seen, span } = await sameBothWays(() =>
        client().chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'slow' }] }),
      );
      assert.equal(seen.class, 'APIConnectionTimeoutError');
      assert.equal(span.status.code, 2);
    });

    it('the application aborting a stream after its first chunk: the same AbortError, priced as far as observed', async function () {
      const fixture = loadFixture('anthropic', 'message-stream');
      // The first chunk holds the whole message_start event (input and cache tokens), no more.
      h.server.serve(fixture, { chunkSize: (fixture.response.body as string).indexOf('\n\n') + 2, delayMs: 30 });
      const read = async () => {
        const controller = new AbortController();
        const res = await fetch(url(), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
          signal: controller.signal,
        });
        const reader = res.body!.getReader();
        await reader.read();
        controller.abort();
        return reader.read();
      };
      const { seen, span } = await sameBothWays(read);
      assert.equal(seen.name, 'AbortError');
      assert.equal(span.attributes['ai.call.aborted'], true);
      assert.ok((span.attributes['ai.cost.amount'] as number) > 0);
    });

    it('an http request destroyed mid-response: the same error, marked aborted', async function () {
      const fixture = loadFixture('anthropic', 'message-stream');
      h.server.serve(fixture, { chunkSize: 200, delayMs: 30 });
      const destroyEarly = () =>
        new Promise((resolve, reject) => {
          const req = http.request(url(), { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
            res.once('data', () => req.destroy(new Error('client gave up')));
            res.on('error', reject);
            res.on('end', resolve);
          });
          req.on('error', (e) => reject(e));
          req.end(JSON.stringify(body));
        });
      const { seen, span } = await sameBothWays(destroyEarly);
      assert.equal(seen.message, 'client gave up');
      assert.equal(span.attributes['ai.call.aborted'], true);
    });
  });

  describe('unreachable providers', function () {
    it('a refused connection and a host that does not resolve: the same errors, errors costing 0', async function () {
      const dead = http.createServer();
      await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
      const port = (dead.address() as AddressInfo).port;
      await new Promise((r) => dead.close(r));
      const bases = [`http://127.0.0.1:${port}/v1`, 'http://ai-pricetag-robustness.invalid/v1'];
      const before = h.instrumentation.getConfig();
      h.instrumentation.setConfig({
        ...before,
        endpoints: [...(before.endpoints ?? []), ...bases.map((baseUrl) => ({ provider: 'openai', baseUrl }))],
      });
      try {
        for (const base of bases) {
          for (const transport of TRANSPORTS) {
            const run = () => post(transport, `${base}/chat/completions`, { model: 'gpt-4o-mini', messages: [] });
            const withUs = await observed(run);
            const span = single(await h.aiSpans());
            h.instrumentation.disable();
            try {
              assert.deepEqual(await observed(run), withUs, `${transport} ${base}`);
            } finally {
              h.instrumentation.enable();
            }
            h.reset();
            assert.ok(withUs.ok === undefined);
            assert.equal(span.status.code, 2);
            assert.equal(span.attributes['ai.cost.amount'], 0);
            assert.match(
              String(span.attributes['error.type']),
              /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|UND_ERR|TypeError/,
              JSON.stringify(describeError(withUs)),
            );
          }
        }
      } finally {
        h.instrumentation.setConfig({ ...h.instrumentation.getConfig(), endpoints: before.endpoints });
      }
    });
  });
});
