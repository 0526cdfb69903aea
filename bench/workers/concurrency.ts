/**
 * Rounds of concurrent chat calls against the provider emulator (fetch,
 * http.request and axios in turn; two models; some prompts long enough to be
 * served from the emulator's prompt cache), priced with a catalog whose rates
 * this file also writes as integers. Each round checks that the ai-pricetag
 * spans add up to the exact cost of the usage the responses reported, and
 * that each ai_cost series is the nearest double to the exact running total;
 * then reports the heap after a full GC. Started by concurrency.bench.ts.
 */
import { Big } from 'big.js';
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8';
import { DataPointType } from '@opentelemetry/sdk-metrics';
import type { CatalogDocument } from '../../src/catalog/schema.js';
import type { Endpoint } from '../../src/providers/registry.js';
import { METRIC_AI_COST } from '../../src/semconv.js';
import { forceGc, liveBytes } from '../harness.js';
import { CLIENTS, loadClient, type PostJson } from '../support/clients.js';
import { setUpTelemetry, type Setup } from '../support/telemetry.js';
import { serveRequests, workerConfig } from '../support/workers.js';

export interface ConcurrencyConfig {
  readonly setup: Setup;
  readonly endpoints: readonly Endpoint[];
  readonly openAiBaseUrl: string;
}

export interface RoundResult {
  readonly calls: number;
  /** Wall time from the first call started to the last one answered. */
  readonly roundNs: number;
  /** Exact cost of the round from the reported usage (USD). */
  readonly expected: string;
  /** Sum of the round's ai-pricetag span costs (USD), and how many spans had one. */
  readonly spanSum: string;
  readonly priced: number;
  /** Every ai_cost series equals the nearest double to its exact running total. */
  readonly metricsExact: boolean;
  readonly heapAfterGc: number;
  /** The heap's object spaces after a full GC: the heap without compiled code and bytecode, which V8 keeps adding to for a while. */
  readonly objectsAfterGc: number;
  readonly liveAfterGc: number;
  /** Calls ai-pricetag still tracks once the round is over. */
  readonly inFlight: number;
}

/** USD per million tokens, as integers of nano-dollars per token: 0.15 $/M = 150 n$ per token. */
const RATES = {
  'gpt-4o-mini': { input: 150n, cached: 75n, output: 600n, catalog: { input: '0.15', cached: '0.075', output: '0.6' } },
  'gpt-4o': { input: 2500n, cached: 1250n, output: 10000n, catalog: { input: '2.5', cached: '1.25', output: '10' } },
} as const;
type Model = keyof typeof RATES;
const MODELS = Object.keys(RATES) as Model[];

const CATALOG: CatalogDocument = {
  catalog: 'bench-concurrency',
  currency: 'USD',
  plans: MODELS.map((model) => ({
    id: `bench/${model}`,
    provider: 'openai',
    operations: ['chat'],
    models: [model, `${model}-20*`],
    charges: [
      { unit: 'input_tokens', rate: RATES[model].catalog.input, per: 1_000_000 },
      { unit: 'cached_input_tokens', rate: RATES[model].catalog.cached, per: 1_000_000 },
      { unit: 'output_tokens', rate: RATES[model].catalog.output, per: 1_000_000 },
    ],
  })),
};

/** A system prompt of over 1,024 tokens: repeated, the emulator serves its prefix from cache. */
const LONG_SYSTEM = 'You are a careful assistant who answers in plain words. '.repeat(90);

const config = workerConfig<ConcurrencyConfig>();
let spanCosts = new Big(0);
const telemetry = setUpTelemetry(config.setup, {
  endpoints: config.endpoints,
  catalogs: [{ name: 'bench-concurrency', document: CATALOG }],
  noDefaultCatalog: true,
  noBatching: true,
  onPriced: (amount) => {
    // A cost attribute is the double of an exact decimal with few digits: its shortest text is that decimal.
    spanCosts = spanCosts.plus(String(amount));
  },
});
const clients: PostJson[] = await Promise.all(CLIENTS.map((c) => loadClient(c)));
const url = `${config.openAiBaseUrl}/chat/completions`;
/** Exact running cost per model, nano-dollars. */
const totals = new Map<Model, bigint>(MODELS.map((m) => [m, 0n]));
let roundNo = 0;

interface ChatAnswer {
  usage: { prompt_tokens: number; completion_tokens: number; prompt_tokens_details?: { cached_tokens?: number } };
}

function costOf(model: Model, answer: ChatAnswer): bigint {
  const cached = BigInt(answer.usage.prompt_tokens_details?.cached_tokens ?? 0);
  const rates = RATES[model];
  return (
    (BigInt(answer.usage.prompt_tokens) - cached) * rates.input +
    cached * rates.cached +
    BigInt(answer.usage.completion_tokens) * rates.output
  );
}

const OBJECT_SPACES = new Set(['new_space', 'old_space', 'large_object_space', 'new_large_object_space']);

function objectBytes(): number {
  return getHeapSpaceStatistics()
    .filter((s) => OBJECT_SPACES.has(s.space_name))
    .reduce((sum, s) => sum + s.space_used_size, 0);
}

const usd = (nano: bigint) => new Big(nano.toString()).div(1e9);

async function metricsExact(): Promise<boolean> {
  const { resourceMetrics } = await telemetry.reader.collect();
  const points = resourceMetrics.scopeMetrics
    .flatMap((s) => s.metrics)
    .filter((m) => m.descriptor.name === METRIC_AI_COST && m.dataPointType === DataPointType.SUM);
  const byModel = new Map<string, number>();
  for (const metric of points)
    for (const p of metric.dataPoints) byModel.set(String(p.attributes['gen_ai.request.model']), p.value as number);
  return MODELS.every((m) => byModel.get(m) === Number(usd(totals.get(m)!).toFixed()));
}

async function round({ calls }: { calls: number }): Promise<RoundResult> {
  roundNo++;
  spanCosts = new Big(0);
  const pricedBefore = telemetry.spans.priced;
  const t0 = process.hrtime.bigint();
  const answers = await Promise.all(
    Array.from({ length: calls }, async (_, i) => {
      const model = MODELS[(i >> 2) % MODELS.length]!;
      const messages = [
        ...(i % 4 === 0 ? [{ role: 'system', content: LONG_SYSTEM }] : []),
        { role: 'user', content: `Question ${roundNo}.${i}: ${'how much does this cost? '.repeat(1 + (i % 7))}` },
      ];
      const body = JSON.stringify({ model, messages, max_tokens: 64 + (i % 200) });
      return { model, answer: (await clients[i % clients.length]!(url, body)) as ChatAnswer };
    }),
  );
  const roundNs = Number(process.hrtime.bigint() - t0);
  let expected = 0n;
  for (const { model, answer } of answers) {
    const cost = costOf(model, answer);
    expected += cost;
    totals.set(model, totals.get(model)! + cost);
  }
  // Spans end as their responses end; let the last ones finish.
  for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
  const exact = config.setup === 'pricetag' ? await metricsExact() : true;
  forceGc();
  forceGc();
  if (process.env.BENCH_HEAP_SNAPSHOTS !== undefined && config.setup === 'pricetag')
    writeHeapSnapshot(`${process.env.BENCH_HEAP_SNAPSHOTS}/round-${roundNo}.heapsnapshot`);
  return {
    calls,
    roundNs,
    expected: usd(expected).toFixed(),
    spanSum: spanCosts.toFixed(),
    priced: telemetry.spans.priced - pricedBefore,
    metricsExact: exact,
    heapAfterGc: process.memoryUsage().heapUsed,
    objectsAfterGc: objectBytes(),
    liveAfterGc: liveBytes(),
    inFlight: telemetry.pricetag?.inFlight ?? 0,
  };
}

serveRequests({ setup: config.setup }, (message) => round(message as unknown as { calls: number }));
