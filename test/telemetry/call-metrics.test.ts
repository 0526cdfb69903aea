import { strict as assert } from 'node:assert';
import { ROOT_CONTEXT, propagation, trace } from '@opentelemetry/api';
import type { CallRecord } from '../../src/record/call-record.js';
import { priceFacts } from '../../src/record/price-facts.js';
import { loadCatalogs } from '../../src/catalog/load.js';
import { ZERO } from '../../src/pricing/decimal.js';
import type { PriceItem } from '../../src/providers/types.js';
import { CallMetrics } from '../../src/telemetry/call-metrics.js';
import { Attributor } from '../../src/record/attribution.js';
import { metricsEndpoint, samples, type MetricsEndpoint } from '../support/metrics-endpoint.js';

const loaded = loadCatalogs([]);
assert.ok(loaded.ok);
const pricing = {
  pricer: loaded.pricer,
  provider: 'openai',
  shadowPlans: new Map([['openai/gpt-4o-mini', ['openai/gpt-4.1-nano']]]),
  defaultCurrency: 'USD',
};

function record(item: PriceItem, overrides: Partial<CallRecord> = {}): CallRecord {
  const outcome = overrides.outcome ?? 'success';
  return {
    provider: 'openai',
    operation: 'chat',
    serverAddress: 'api.openai.com',
    serverPort: 443,
    requestModel: item.model,
    outcome,
    aborted: false,
    durationSeconds: 0.25,
    ...priceFacts(pricing, { items: [item] }, outcome),
    ...overrides,
  };
}

const chat = (input: number, output: number, model = 'gpt-4o-mini'): PriceItem => ({
  operation: 'chat',
  model,
  usage: { input_tokens: input, output_tokens: output },
});

describe('cost metrics', function () {
  let endpoint: MetricsEndpoint;
  let metrics: CallMetrics;
  let attributor: Attributor;

  beforeEach(async function () {
    endpoint = await metricsEndpoint();
    attributor = new Attributor({ baggageKeys: ['team'], spanAttributes: ['app.feature'], maxValuesPerLabel: 3, maxValueLength: 256 });
    metrics = new CallMetrics(endpoint.meterProvider.getMeter('ai-pricetag', '0.1.0'), {
      maxModels: 4,
      genAiUsageCost: true,
      catalogLabels: () => ['ai-pricetag-default-2026-11', 'acme-overrides'],
    });
  });
  afterEach(async function () {
    await endpoint.close();
  });

  it('accumulates cost exactly: the scraped value is the exact decimal sum, however many tiny costs', async function () {
    this.timeout(60_000);
    let exact = ZERO;
    let float = 0;
    let inputTokens = 0;
    for (let i = 0; i < 100_000; i++) {
      const r = record(chat(1 + (i % 97), (i * 7) % 13));
      metrics.record(r);
      exact = exact.plus(r.cost!.amount);
      float += Number(r.cost!.amount.toFixed());
      inputTokens += 1 + (i % 97);
    }
    const text = await endpoint.scrape();
    const [value] = samples(text, 'ai_cost_total').values();
    assert.equal(value, Number(exact.toFixed()), 'nearest double to the exact sum');
    assert.notEqual(float, Number(exact.toFixed()), 'adding the same costs as floats drifts');
    const usage = [...samples(text, 'ai_usage_total')].find(([k]) => k.includes('ai_usage_unit="input_tokens"'));
    assert.equal(usage?.[1], inputTokens);
  });

  it('exposes shadow costs, unit prices in force, catalog versions, unpriced calls and the GenAI histograms', async function () {
    metrics.record(record(chat(1000, 500)));
    metrics.record(record(chat(10, 10, 'gpt-99')));
    metrics.record(record(chat(1000, 500), { outcome: 'error', errorType: '429' }));
    const text = await endpoint.scrape();
    // gpt-4.1-nano for the same usage: 1,000 × 0.10 + 500 × 0.40 per million.
    const shadow = samples(text, 'ai_cost_shadow_total');
    assert.deepEqual([...shadow.values()], [0.0003]);
    assert.match([...shadow.keys()][0]!, /ai_pricing_shadow_plan="openai\/gpt-4\.1-nano"/);
    const rates = samples(text, 'ai_pricing_rate');
    assert.equal(
      [...rates].find(([k]) => k.includes('ai_pricing_plan="openai/gpt-4o-mini"') && k.includes('ai_usage_unit="output_tokens"'))?.[1],
      6e-7,
    );
    assert.deepEqual(
      [...samples(text, 'ai_pricing_catalog_info').keys()].map((k) => /ai_pricing_catalog="([^"]+)"/.exec(k)?.[1]),
      ['ai-pricetag-default-2026-11', 'acme-overrides'],
    );
    const unpriced = samples(text, 'ai_unpriced_requests_total');
    assert.deepEqual([...unpriced.values()], [1]);
    assert.match([...unpriced.keys()][0]!, /gen_ai_request_model="gpt-99".*ai_pricing_unpriced_reason="unknown_model"/);
    const outcomes = [...samples(text, 'ai_requests_total').entries()].map(([k, v]) => `${/ai_outcome="(\w+)"/.exec(k)?.[1]} ${v}`);
    assert.deepEqual(outcomes.sort(), ['error 1', 'success 1', 'success 1']);
    assert.match(text, /^gen_ai_client_operation_duration_count\{.*error_type="429".*\} 1$/m);
    assert.match(text, /^gen_ai_usage_cost_sum\{.*\} 0\.00045$/m, 'compatibility histogram: 1,000 × 0.15 + 500 × 0.60 per million');
    assert.match(text, /^ai_request_cost_bucket\{.*le="0\.0005"\} 1$/m);
  });

  it('caps model names and attribution values, so hostile input cannot explode the series count', async function () {
    for (let i = 0; i < 50; i++) {
      const ctx = propagation.setBaggage(ROOT_CONTEXT, propagation.createBaggage({ team: { value: `team-${i}` } }));
      metrics.record(record(chat(10, 10, `model-${i}`)), attributor.of(ctx));
    }
    const text = await endpoint.scrape();
    const keys = [...samples(text, 'ai_requests_total').keys()];
    const models = new Set(keys.map((k) => /gen_ai_request_model="([^"]+)"/.exec(k)?.[1]));
    assert.deepEqual([...models].sort(), ['model-0', 'model-1', 'model-2', 'model-3', 'other']);
    const teams = new Set(keys.map((k) => /team="([^"]+)"/.exec(k)?.[1]));
    assert.deepEqual([...teams].sort(), ['other', 'team-0', 'team-1', 'team-2']);
    assert.ok(keys.length <= 5 * 4, 'at most (models + other) × (team values + other)');
  });

  it('takes attribution from the parent span’s attributes, and leaves unlisted keys out', async function () {
    const span = {
      attributes: { 'app.feature': 'search', 'user.id': 'u-123' },
      spanContext: () => ({ traceId: '1'.repeat(32), spanId: '2'.repeat(16), traceFlags: 1 }),
    };
    const ctx = trace.setSpan(ROOT_CONTEXT, span as never);
    metrics.record(record(chat(10, 10)), attributor.of(ctx));
    const [labels] = samples(await endpoint.scrape(), 'ai_cost_total').keys();
    assert.match(labels!, /app_feature="search"/);
    assert.doesNotMatch(labels!, /user/);
  });

  it('escapes label values that carry quotes, backslashes and newlines', async function () {
    metrics.record(record(chat(10, 10, 'evil"model\\\nname')));
    const text = await endpoint.scrape();
    assert.match(text, /gen_ai_request_model="evil\\"model\\\\\\nname"/);
    for (const line of text.split('\n')) assert.ok(line === '' || line.startsWith('#') || /^[a-z_]+(\{.*\})? \S+$/.test(line), line);
  });

  it('adds zero for failed calls and keeps them out of the cost histogram', async function () {
    metrics.record(record(chat(1000, 500), { outcome: 'error', errorType: '500' }));
    const text = await endpoint.scrape();
    assert.deepEqual([...samples(text, 'ai_cost_total').values()], [0]);
    assert.doesNotMatch(text, /^ai_request_cost_count/m);
  });
});
