// A thousand concurrent calls over fetch, http, axios and the official SDKs to the provider emulator, scraped all
// along: every call the provider saw is counted exactly once (spans, records, ai_requests_total
// and the emulator's own log agree), costs are exact against an independent repricing of the
// usage the emulator reports, every scrape taken mid-update is well formed and never goes back,
// and nothing is left behind: no call in flight, no timer, listener or retained object.
import { strict as assert } from 'node:assert';
import http, { type ClientRequest } from 'node:http';
import Anthropic from '@anthropic-ai/sdk';
import axios from 'axios';
import OpenAI from 'openai';
import type { RequestLogEntry } from '../../examples/emulator/index.js';
import { loadCatalogs } from '../../src/catalog/load.js';
import { formatDecimal, ZERO, type Decimal } from '../../src/pricing/decimal.js';
import { harness, type Harness } from '../support/harness.js';
import { collectGarbage, describeLeft, liveBytes, medianIncrease, Retained, sum } from '../support/retention.js';
import {
  mountEmulator,
  parseExposition,
  promtoolAccepts,
  total,
  TRANSPORTS,
  type Exposition,
  type MountedEmulator,
  type Transport,
} from './support.js';

const CALLS = 1000;
/** Rounds of CALLS calls; memory is read after each but the first (code warming up). */
const ROUNDS = 8;
/**
 * Live memory a call may add for good. Measured without a leak: ~20 bytes, idle or busy; with a
 * small map entry kept per call ~150; with a kept span or record 1,000–2,000.
 */
const GROWTH_PER_CALL = 128;
/**
 * Per-call objects that may stay reachable however many calls were made: undici creates its
 * shared fast-timer lazily, and the Timeout keeps the async context of the call that happened to
 * create it, so one call's span (and record) may live as long as that timer.
 */
const SHARED_TIMER_HOLDS = 2;

interface Planned {
  /** `sdk`: the official client of the provider (openai, @anthropic-ai/sdk), which runs over fetch. */
  readonly transport: Transport | 'sdk';
  readonly provider: 'openai' | 'anthropic' | 'gcp.gemini';
  readonly path: string;
  readonly body: unknown;
}

/** Calls of three providers, streamed or not, with distinct prompts, spread over the transports and the SDKs. */
function plan(): Planned[] {
  return Array.from({ length: CALLS }, (_, i): Planned => {
    const transport = i % 10 === 9 && Math.floor(i / 3) % 3 !== 2 ? 'sdk' : TRANSPORTS[i % 3]!;
    const prompt = `load test call ${i}: ${'words '.repeat(i % 50)}`;
    const stream = i % 4 === 1;
    switch (Math.floor(i / 3) % 3) {
      case 0:
        return {
          transport,
          provider: 'openai',
          path: '/chat/completions',
          body: {
            model: 'gpt-4o-mini',
            max_tokens: 40,
            messages: [{ role: 'user', content: prompt }],
            ...(stream && { stream: true, stream_options: { include_usage: true } }),
          },
        };
      case 1:
        return {
          transport,
          provider: 'anthropic',
          path: '/v1/messages',
          body: {
            model: 'claude-haiku-4-5',
            max_tokens: 40,
            messages: [{ role: 'user', content: prompt }],
            ...(stream && { stream: true }),
          },
        };
      default:
        return {
          transport,
          provider: 'gcp.gemini',
          path: '/v1beta/models/gemini-2.5-flash:generateContent',
          body: { contents: [{ role: 'user', parts: [{ text: prompt }] }], generationConfig: { maxOutputTokens: 40 } },
        };
    }
  });
}

const pricer = (() => {
  const loaded = loadCatalogs([]);
  assert.ok(loaded.ok);
  return loaded.pricer;
})();

/** The call's price from the counts the emulator says it reported, normalised by hand per provider. */
function reprice(entry: RequestLogEntry): Decimal {
  const u = entry.usage ?? {};
  const usage: Record<string, number> =
    entry.provider === 'anthropic'
      ? {
          input_tokens: u.input_tokens ?? 0,
          cached_input_tokens: u.cached_input_tokens ?? 0,
          cache_write_tokens: u.cache_write_tokens ?? 0,
          output_tokens: u.output_tokens ?? 0,
        }
      : {
          input_tokens: (u.input_tokens ?? 0) - (u.cached_input_tokens ?? 0),
          cached_input_tokens: u.cached_input_tokens ?? 0,
          output_tokens: u.output_tokens ?? 0,
        };
  const operation = entry.provider === 'gcp.gemini' ? 'generate_content' : 'chat';
  const result = pricer.price({ provider: entry.provider, operation, model: entry.model, usage });
  assert.ok(result.priced, `${entry.provider} ${entry.model}: ${JSON.stringify(result)}`);
  return result.cost;
}

/** Every series value of the counters, to check that no scrape goes back. */
function counters(e: Exposition): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of e.samples) {
    if (e.types.get(s.name) === 'counter' || s.name.endsWith('_count') || s.name.endsWith('_bucket'))
      out.set(`${s.name}${JSON.stringify(s.labels)}`, s.value);
  }
  return out;
}

const GLOBAL_DISPATCHER = Symbol.for('undici.globalDispatcher.1');

/** Closes the keep-alive pools of http and of fetch (undici's global agent, replaced by a new one of its class). */
async function closePools(): Promise<void> {
  http.globalAgent.destroy();
  const global = globalThis as unknown as Record<symbol, { close(): Promise<void> } | undefined>;
  const agent = global[GLOBAL_DISPATCHER];
  assert.ok(agent !== undefined, 'fetch has a global dispatcher');
  global[GLOBAL_DISPATCHER] = new (agent.constructor as new () => { close(): Promise<void> })();
  await agent.close();
}

/**
 * The emulator listens with Node's default backlog (511): a thousand connections at once overflow
 * it, and on a busy machine some end in ECONNRESET. So fetch calls start WAVE per turn of the
 * event loop (the server accepts what came before in between), and http's agent opens at most
 * HTTP_SOCKETS sockets, as an application's pool would (further requests wait for one).
 */
const WAVE = 100;
const HTTP_SOCKETS = 64;

function resources(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) out[r] = (out[r] ?? 0) + 1;
  return out;
}

describe(`${CALLS} concurrent calls`, function () {
  this.timeout(180_000);
  let h: Harness;
  let mounted: MountedEmulator;

  before(async function () {
    h = await harness();
    mounted = await mountEmulator(h, { seed: 77 });
    http.globalAgent.maxSockets = HTTP_SOCKETS;
  });
  after(async function () {
    http.globalAgent.maxSockets = Infinity;
    await mounted?.close();
  });

  /**
   * Fires every planned call, WAVE at a time without waiting for any to finish; tracks in
   * `retained`, under `round`, what each call made that the test can reach.
   */
  async function fire(calls: readonly Planned[], options: { retained?: Retained; round?: number } = {}): Promise<unknown[]> {
    const failures: unknown[] = [];
    const keep = (kind: string, o: object | undefined) => void (o !== undefined && options.retained?.track(kind, o, options.round));
    const started: Promise<void>[] = [];
    for (const [i, c] of calls.entries()) {
      if (i > 0 && i % WAVE === 0) await new Promise((r) => setImmediate(r));
      started.push(
        (async () => {
          const url = `${mounted.emulator.baseUrls[c.provider]}${c.path}`;
          try {
            if (c.transport === 'sdk') {
              const body = c.body as { stream?: boolean };
              if (c.provider === 'anthropic') {
                const client = new Anthropic({ apiKey: 'sk-load', baseURL: mounted.emulator.baseUrls.anthropic, maxRetries: 0 });
                keep('SDK clients', client);
                if (body.stream === true)
                  keep('SDK results', await client.messages.stream(c.body as Anthropic.MessageCreateParamsStreaming).finalMessage());
                else keep('SDK results', await client.messages.create(c.body as Anthropic.MessageCreateParamsNonStreaming));
              } else {
                const client = new OpenAI({ apiKey: 'sk-load', baseURL: mounted.emulator.baseUrls.openai, maxRetries: 0 });
                keep('SDK clients', client);
                if (body.stream === true)
                  for await (const chunk of await client.chat.completions.create(c.body as OpenAI.ChatCompletionCreateParamsStreaming))
                    keep('SDK chunks', chunk);
                else keep('SDK results', await client.chat.completions.create(c.body as OpenAI.ChatCompletionCreateParamsNonStreaming));
              }
            } else if (c.transport === 'axios') {
              const res = await axios.post(url, c.body, { responseType: 'arraybuffer' });
              keep('axios requests', res.request as ClientRequest);
              keep('axios responses', res);
              keep('bodies', res.data as ArrayBuffer);
            } else if (c.transport === 'http') {
              await new Promise<void>((resolve, reject) => {
                const req = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
                  keep('http responses', res);
                  res.on('data', (chunk: Buffer) => keep('body chunks', chunk));
                  res.on('end', resolve);
                  res.on('error', reject);
                });
                keep('http requests', req);
                req.on('error', reject);
                req.end(JSON.stringify(c.body));
              });
            } else {
              const res = await fetch(url, {
                method: 'POST',
                headers: { 'content-type': 'application/json' },
                body: JSON.stringify(c.body),
              });
              keep('fetch responses', res);
              keep('bodies', await res.arrayBuffer());
            }
          } catch (error) {
            failures.push(error);
          }
        })(),
      );
    }
    await Promise.all(started);
    return failures;
  }

  it('counts every call exactly once, prices it exactly, and scrapes well formed and monotonic throughout', async function () {
    h.reset();
    mounted.emulator.clearRequests();
    const before = parseExposition(await h.scrape());
    const calls = plan();

    let scraping = true;
    let scrapes = 0;
    let previous = counters(before);
    const scraper = (async () => {
      while (scraping) {
        const text = await h.scrape();
        const now = counters(parseExposition(text));
        for (const [key, value] of previous) assert.ok((now.get(key) ?? -1) >= value, `${key} went from ${value} to ${now.get(key)}`);
        previous = now;
        scrapes++;
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    const failures = await fire(calls);
    const spans = await h.aiSpans();
    scraping = false;
    await scraper;
    assert.deepEqual(failures, []);
    assert.ok(scrapes >= 3, `${scrapes} scrapes during the load`);

    const log = mounted.emulator.requests;
    const after = parseExposition(await h.scrape());
    promtoolAccepts(await h.scrape());
    assert.equal(log.length, CALLS, 'the emulator saw every call');
    assert.equal(spans.length, CALLS, 'one span per call');
    assert.equal(h.records.length, CALLS, 'one record per call');
    assert.equal(total(after, 'ai_requests_total') - total(before, 'ai_requests_total'), CALLS, 'ai_requests_total counted each once');
    assert.equal(
      total(after, 'ai_requests_total', { ai_outcome: 'success' }) - total(before, 'ai_requests_total', { ai_outcome: 'success' }),
      CALLS,
    );
    assert.equal(h.instrumentation.inFlight, 0);
    for (const provider of ['openai', 'anthropic', 'gcp.gemini']) {
      const spansOf = spans.filter((s) => s.attributes['gen_ai.provider.name'] === provider).length;
      assert.equal(spansOf, log.filter((e) => e.provider === provider).length, provider);
    }

    // Exact: our records against the emulator's reported usage, repriced independently.
    let recorded = ZERO;
    for (const r of h.records) recorded = recorded.plus(r.cost!.amount);
    let repriced = ZERO;
    for (const e of log) repriced = repriced.plus(reprice(e));
    assert.equal(formatDecimal(recorded), formatDecimal(repriced));
    // The counter reports the nearest double to its exact sum; the spans carry doubles.
    const counted =
      total(after, 'ai_cost_total', { ai_cost_currency: 'USD' }) - total(before, 'ai_cost_total', { ai_cost_currency: 'USD' });
    assert.ok(
      Math.abs(counted - Number(formatDecimal(recorded))) <= 1e-9 * Math.max(1, total(after, 'ai_cost_total')),
      `${counted} vs ${formatDecimal(recorded)}`,
    );
    const spanSum = spans.reduce((s, x) => s + (x.attributes['ai.cost.amount'] as number), 0);
    assert.ok(Math.abs(spanSum - Number(formatDecimal(recorded))) < 1e-9);
    process.stdout.write(`      load: ${CALLS} calls, ${scrapes} scrapes while they ran, $${formatDecimal(recorded)} exact\n`);
  });

  it('leaves nothing behind: no call in flight, no timers or listeners, nothing retained, memory flat', async function () {
    const calls = plan();
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    const events = ['exit', 'beforeExit', 'uncaughtException', 'unhandledRejection', 'SIGTERM', 'SIGINT'] as const;
    const listeners = () => events.map((e) => process.listenerCount(e));
    try {
      // Uninstrumented first: what the transports and the emulator hold on their own.
      h.instrumentation.disable();
      await fire(calls);
      h.instrumentation.enable();
      // No socket left idle for long: on a busy machine it may outlive the server's keep-alive
      // timeout just as a request reuses it (ECONNRESET).
      await closePools();
      await collectGarbage();
      const baseline = resources();
      const listenersBefore = listeners();

      const retained = new Retained();
      const live: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        h.reset();
        mounted.emulator.clearRequests();
        assert.deepEqual(await fire(calls, { retained, round }), []);
        // In a function of its own, so that no variable of this one still holds a span or record.
        await (async () => {
          for (const span of await h.aiSpans()) retained.track('spans', span, round);
          for (const record of h.records) retained.track('records', record, round);
        })();
        h.reset();
        mounted.emulator.clearRequests();
        assert.equal(retained.tracked().records, CALLS);
        // A pooled keep-alive socket holds its last exchange (and, through the async context it
        // was made in, that call's span and record) until it closes, and how many the pools hold
        // depends on keep-alive timeouts, i.e. on how long the round took: closed after each round.
        await closePools();
        const left = await retained.collected(() => true, SHARED_TIMER_HOLDS);
        assert.ok(
          sum(left) <= SHARED_TIMER_HOLDS,
          `round ${round + 1}: per-call objects still reachable once the sockets closed: ${describeLeft(left, retained.tracked())}`,
        );
        // Followed one round at a time, so that the weak references do not add up in memory.
        retained.forget(() => true);
        // The first round warms code up.
        if (round > 0) live.push(await liveBytes());
      }
      assert.equal(h.instrumentation.inFlight, 0);
      const now = resources();
      assert.ok((now.Timeout ?? 0) <= (baseline.Timeout ?? 0), `timers: ${JSON.stringify(baseline)} → ${JSON.stringify(now)}`);
      assert.deepEqual(listeners(), listenersBefore, 'process listeners');
      assert.deepEqual(
        warnings.map((w) => w.name),
        [],
        'no MaxListenersExceeded or other warning',
      );

      // What weak references cannot see (entries in maps and tables, strings): what a round adds
      // to live memory, the median over the rounds.
      const perCall = medianIncrease(live) / CALLS;
      const readings = live.map((b) => (b / 1e6).toFixed(2)).join(', ');
      assert.ok(
        perCall < GROWTH_PER_CALL,
        `live memory grew ${perCall.toFixed(0)} bytes per call (median of ${live.length - 1} rounds of ${CALLS} calls; ` +
          `bound ${GROWTH_PER_CALL}); MB after each round: ${readings}`,
      );
      process.stdout.write(
        `      memory: ${perCall.toFixed(1)} bytes per call (bound ${GROWTH_PER_CALL}); MB after each round: ${readings}\n`,
      );
    } finally {
      process.off('warning', onWarning);
      if (!h.instrumentation.isEnabled()) h.instrumentation.enable();
    }
  });
});
