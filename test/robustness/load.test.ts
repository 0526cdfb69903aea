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
import { mountEmulator, parseExposition, post, promtoolAccepts, total, TRANSPORTS, type Exposition, type MountedEmulator, type Transport } from './support.js';

const CALLS = 1000;

interface Planned {
  /** `sdk`: the official client of the provider (openai, @anthropic-ai/sdk), which runs over fetch. */
  readonly transport: Transport | 'sdk';
  readonly provider: 'openai' | 'anthropic' | 'google';
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
        return { transport, provider: 'openai', path: '/chat/completions', body: { model: 'gpt-4o-mini', max_tokens: 40, messages: [{ role: 'user', content: prompt }], ...(stream && { stream: true, stream_options: { include_usage: true } }) } };
      case 1:
        return { transport, provider: 'anthropic', path: '/v1/messages', body: { model: 'claude-haiku-4-5', max_tokens: 40, messages: [{ role: 'user', content: prompt }], ...(stream && { stream: true }) } };
      default:
        return { transport, provider: 'google', path: '/v1beta/models/gemini-2.5-flash:generateContent', body: { contents: [{ role: 'user', parts: [{ text: prompt }] }], generationConfig: { maxOutputTokens: 40 } } };
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
      ? { input_tokens: u.input_tokens ?? 0, cached_input_tokens: u.cached_input_tokens ?? 0, cache_write_tokens: u.cache_write_tokens ?? 0, output_tokens: u.output_tokens ?? 0 }
      : { input_tokens: (u.input_tokens ?? 0) - (u.cached_input_tokens ?? 0), cached_input_tokens: u.cached_input_tokens ?? 0, output_tokens: u.output_tokens ?? 0 };
  const provider = entry.provider === 'google' ? 'google' : entry.provider;
  const result = pricer.price({ provider, operation: 'chat', model: entry.model, usage });
  assert.ok(result.priced, `${entry.provider} ${entry.model}: ${JSON.stringify(result)}`);
  return result.cost;
}

/** Every series value of the counters, to check that no scrape goes back. */
function counters(e: Exposition): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of e.samples) {
    if (e.types.get(s.name) === 'counter' || s.name.endsWith('_count') || s.name.endsWith('_bucket')) out.set(`${s.name}${JSON.stringify(s.labels)}`, s.value);
  }
  return out;
}

function resources(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) out[r] = (out[r] ?? 0) + 1;
  return out;
}

const gc = async () => {
  for (let i = 0; i < 4; i++) {
    (globalThis as { gc?: () => void }).gc?.();
    await new Promise((r) => setImmediate(r));
  }
};

describe(`${CALLS} concurrent calls`, function () {
  this.timeout(180_000);
  let h: Harness;
  let mounted: MountedEmulator;

  before(async function () {
    h = await harness();
    mounted = await mountEmulator(h, { seed: 77 });
  });
  after(async function () {
    await mounted?.close();
  });

  /** Fires every planned call at once; returns what it took and weak references to the transport objects. */
  async function fire(calls: readonly Planned[]): Promise<{ failures: unknown[]; weak: WeakRef<object>[] }> {
    const weak: WeakRef<object>[] = [];
    const failures: unknown[] = [];
    const keep = (o: object | undefined) => o !== undefined && weak.push(new WeakRef(o));
    await Promise.all(
      calls.map(async (c) => {
        const url = `${mounted.emulator.baseUrls[c.provider]}${c.path}`;
        try {
          if (c.transport === 'sdk') {
            const body = c.body as { stream?: boolean };
            if (c.provider === 'anthropic') {
              const client = new Anthropic({ apiKey: 'sk-load', baseURL: mounted.emulator.baseUrls.anthropic, maxRetries: 0 });
              if (body.stream === true) await client.messages.stream(c.body as Anthropic.MessageCreateParamsStreaming).finalMessage();
              else await client.messages.create(c.body as Anthropic.MessageCreateParamsNonStreaming);
            } else {
              const client = new OpenAI({ apiKey: 'sk-load', baseURL: mounted.emulator.baseUrls.openai, maxRetries: 0 });
              if (body.stream === true) for await (const _ of await client.chat.completions.create(c.body as OpenAI.ChatCompletionCreateParamsStreaming));
              else await client.chat.completions.create(c.body as OpenAI.ChatCompletionCreateParamsNonStreaming);
            }
          } else if (c.transport === 'axios') {
            const res = await axios.post(url, c.body, { responseType: 'arraybuffer' });
            keep(res.request as ClientRequest);
          } else if (c.transport === 'http') {
            await new Promise<void>((resolve, reject) => {
              const req = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
                keep(res);
                res.resume();
                res.on('end', resolve);
                res.on('error', reject);
              });
              keep(req);
              req.on('error', reject);
              req.end(JSON.stringify(c.body));
            });
          } else await post('fetch', url, c.body);
        } catch (error) {
          failures.push(error);
        }
      }),
    );
    return { failures, weak };
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
    const { failures } = await fire(calls);
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
    assert.equal(total(after, 'ai_requests_total', { ai_outcome: 'success' }) - total(before, 'ai_requests_total', { ai_outcome: 'success' }), CALLS);
    assert.equal(h.instrumentation.inFlight, 0);
    for (const provider of ['openai', 'anthropic', 'google']) {
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
    const counted = total(after, 'ai_cost_total', { ai_cost_currency: 'USD' }) - total(before, 'ai_cost_total', { ai_cost_currency: 'USD' });
    assert.ok(Math.abs(counted - Number(formatDecimal(recorded))) <= 1e-9 * Math.max(1, total(after, 'ai_cost_total')), `${counted} vs ${formatDecimal(recorded)}`);
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
      await gc();
      const baseline = resources();
      const listenersBefore = listeners();

      const rounds: number[] = [];
      let weak: WeakRef<object>[] = [];
      for (let round = 0; round < 3; round++) {
        h.reset();
        mounted.emulator.clearRequests();
        ({ weak } = await fire(calls));
        await h.aiSpans();
        h.reset();
        mounted.emulator.clearRequests();
        await gc();
        rounds.push(process.memoryUsage().heapUsed);
      }
      assert.equal(h.instrumentation.inFlight, 0);
      const now = resources();
      assert.ok((now.Timeout ?? 0) <= (baseline.Timeout ?? 0), `timers: ${JSON.stringify(baseline)} → ${JSON.stringify(now)}`);
      assert.deepEqual(listeners(), listenersBefore, 'process listeners');
      assert.deepEqual(warnings.map((w) => w.name), [], 'no MaxListenersExceeded or other warning');
      // A keep-alive socket in the pool holds on to its last exchange (and, through the async
      // context it was made in, that call's record) until it closes: bounded by the pool.
      const pooled = Object.values(http.globalAgent.freeSockets).reduce((n, list) => n + (list?.length ?? 0), 0);
      const held = weak.filter((w) => w.deref() !== undefined).length;
      assert.ok(held <= 2 * pooled, `${held} requests and responses reachable with ${pooled} pooled sockets`);
      http.globalAgent.destroy();
      await gc();
      const alive = weak.filter((w) => w.deref() !== undefined).length;
      assert.equal(alive, 0, `${alive} of ${weak.length} requests and responses still reachable once the sockets closed`);
      const growth = rounds[2]! - rounds[1]!;
      assert.ok(growth < 8 * 1024 * 1024, `heap grew ${(growth / 1e6).toFixed(1)} MB over ${CALLS} more calls`);
    } finally {
      process.off('warning', onWarning);
      if (!h.instrumentation.isEnabled()) h.instrumentation.enable();
    }
  });
});
