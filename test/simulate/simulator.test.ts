import { strict as assert } from 'node:assert';
import BigImport from 'big.js';
import type { BigConstructor } from 'big.js';
import fc from 'fast-check';
import { loadCatalogs } from '../../src/catalog/load.js';
import { decimal, formatDecimal, sumDecimals } from '../../src/pricing/decimal.js';
import { pricePlan } from '../../src/pricing/price.js';
import type { PriceTag } from '../../src/pricing/types.js';
import { decimalFromBigInt, formatApproximate } from '../../src/simulate/aggregate.js';
import { costUnderPlan, newCallCost } from '../../src/simulate/call-cost.js';
import { generateUsageLog } from '../../src/simulate/generate.js';
import { simulateBuffer, type ScenarioReport } from '../../src/simulate/simulator.js';
import { designExample, planFromText, pricerFromTexts } from '../support/catalog.js';

const Big = (BigImport as unknown as BigConstructor)();

const line = (call: Record<string, unknown>): string => JSON.stringify(call);
const log = (...calls: Record<string, unknown>[]): Buffer => Buffer.from(calls.map(line).join('\n') + '\n');
const total = (s: ScenarioReport, currency = 'USD'): string | undefined => {
  const c = s.currencies.find((x) => x.currency === currency);
  return c === undefined ? undefined : formatDecimal(c.total);
};
const chat = (input: number, output: number, extra: Record<string, unknown> = {}) => ({
  provider: 'openai',
  operation: 'chat',
  model: 'gpt-4o-mini',
  usage: { input_tokens: input, output_tokens: output },
  ...extra,
});

describe('simulate: pricing a workload', function () {
  const index = pricerFromTexts(designExample()).index;

  it('prices actual calls by catalog lookup and every call under each what-if plan', function () {
    const report = simulateBuffer(
      log(
        chat(1200, 0),
        chat(1_000_000, 1_000_000),
        { provider: 'tavily', operation: 'search', usage: {}, dimensions: { search_depth: 'advanced' } },
        { provider: 'openai', operation: 'chat', model: 'gpt-99', usage: { input_tokens: 5 } },
      ),
      { index, plans: ['google/gemini-2.5-pro', 'tavily/search'], at: new Date('2026-11-27T00:00:00Z') },
    );
    const [actual, gemini, tavily] = report.scenarios;
    assert.equal(report.calls, 4);
    // 0.00018 + (0.15 + 0.6) + 0.016
    assert.deepEqual([actual!.name, actual!.priced, actual!.unpriced, total(actual!)], ['actual', 3, { unknown_model: 1 }, '0.76618']);
    // Every call under Gemini 2.5 Pro: 1200 × 1.25/M; 1M × 2.5/M + 1M × 15/M (long-context tier); 0; 5 × 1.25/M.
    assert.equal(gemini!.priced, 4);
    assert.equal(total(gemini!), formatDecimal(decimal('0.0015').plus('2.5').plus('15').plus('0.00000625')));
    // Tavily prices by search_depth: only the search call has a tier.
    assert.deepEqual([tavily!.priced, tavily!.unpriced, total(tavily!)], [1, { no_tier: 3 }, '0.016']);
  });

  it('prices calls logged under ai-pricetag 0.1 provider ids as the ids that replace them', function () {
    const gemini = { model: 'gemini-2.5-pro', usage: { input_tokens: 1000, output_tokens: 100 } };
    const report = simulateBuffer(
      log(
        { provider: 'google', operation: 'chat', ...gemini },
        { provider: 'gcp.gemini', operation: 'generate_content', ...gemini },
        { provider: 'aws-comprehend', operation: 'sentiment', usage: { characters: 250 } },
      ),
      { index, at: new Date('2026-11-27T00:00:00Z') },
    );
    const [actual] = report.scenarios;
    // 2 × (1000 × 1.25/M + 100 × 10/M) + 300 characters × 0.0001/100
    assert.deepEqual([actual!.priced, actual!.unpriced, total(actual!)], [3, {}, '0.0048']);
  });

  it('prices each call with the plans in force at its time, or on --at', function () {
    const calls = log(chat(1_000_000, 0, { time: '2024-07-17T23:00:00Z' }), chat(1_000_000, 0, { time: '2024-07-18T01:00:00+00:00' }));
    const byTime = simulateBuffer(calls, { index, plans: ['openai/gpt-4o-mini'] });
    assert.deepEqual([byTime.scenarios[0]!.unpriced, total(byTime.scenarios[0]!)], [{ no_plan: 1 }, '0.15']);
    assert.deepEqual(byTime.scenarios[1]!.unpriced, { no_plan: 1 });
    const onDay = simulateBuffer(calls, { index, at: new Date('2024-07-18T00:00:00Z') });
    assert.equal(total(onDay.scenarios[0]!), '0.3');
    const noTime = simulateBuffer(log(chat(1_000_000, 0)), { index, now: new Date('2024-01-01T00:00:00Z') });
    assert.deepEqual(noTime.scenarios[0]!.unpriced, { no_plan: 1 });
  });

  it('reports the per-call distribution and mean', function () {
    // Output tokens at 0.6 per million: costs 0.6, 1.2, …, 6.0.
    const calls = Array.from({ length: 10 }, (_, i) => chat(0, (10 - i) * 1_000_000));
    const [actual] = simulateBuffer(log(...calls), { index, at: new Date('2026-11-27') }).scenarios;
    const usd = actual!.currencies[0]!;
    assert.equal(formatDecimal(usd.total), '33');
    assert.equal(formatDecimal(usd.mean!), '3.3');
    assert.deepEqual([usd.calls.count, usd.calls.p50, usd.calls.p90, usd.calls.p99, usd.calls.max], [10, 3, 5.4, 6, 6]);
    assert.ok(Math.abs(usd.calls.topShare! - 6 / 33) < 1e-12);
  });

  it('groups calls by conversation', function () {
    const report = simulateBuffer(
      log(
        chat(0, 1_000_000, { conversation_id: 'a' }), // 0.6
        chat(0, 500_000, { conversation_id: 'a' }), // 0.3
        chat(0, 100_000, { conversation_id: 'b' }), // 0.06
        { provider: 'openai', operation: 'chat', model: 'gpt-99', usage: {}, conversation_id: 'b' },
        { provider: 'openai', operation: 'chat', model: 'gpt-99', usage: {}, conversation_id: 'c' },
        chat(0, 1_000_000), // no conversation
      ),
      { index, groupByConversation: true, at: new Date('2026-11-27') },
    );
    assert.deepEqual([report.conversations, report.callsWithoutConversation], [3, 1]);
    const actual = report.scenarios[0]!;
    assert.equal(actual.conversationsWithUnpriced, 2);
    // Conversations with a priced call: a = 0.9, b = 0.06 (c has none).
    const v = actual.currencies[0]!.conversations!;
    assert.deepEqual(
      [v.count, v.p50, v.p90, v.max].map((x) => formatApproximate(x!)),
      ['2', '0.06', '0.9', '0.9'],
    );
    assert.ok(Math.abs(v.topShare! - 0.9 / 0.96) < 1e-12);
  });

  it('keeps each currency apart', function () {
    const eur = `
catalog: eu
currency: EUR
plans:
  - { id: deepl/api-pro, provider: deepl, operations: [translation], charges: [{ unit: characters, rate: "20", per: 1000000 }] }
`;
    const report = simulateBuffer(log(chat(1_000_000, 0), { provider: 'deepl', operation: 'translation', usage: { characters: 1000 } }), {
      index: pricerFromTexts(designExample(), eur).index,
      plans: ['deepl/api-pro'],
      at: new Date('2026-11-27'),
    });
    const [actual, deepl] = report.scenarios;
    assert.deepEqual(
      actual!.currencies.map((c) => [c.currency, formatDecimal(c.total), c.priced]),
      [
        ['USD', '0.15', 1],
        ['EUR', '0.02', 1],
      ],
    );
    assert.deepEqual([total(deepl!, 'EUR'), deepl!.priced], ['0.02', 2]);
  });

  it('sums to an independent big.js total for random rates and quantities (property)', function () {
    const rate = fc.tuple(fc.nat(10 ** 8), fc.integer({ min: 0, max: 9 })).map(([c, s]) => new Big(c).div(new Big(10).pow(s)).toFixed());
    const call = fc.record({
      plan: fc.constantFrom('a', 'b'),
      input: fc.nat(10 ** 7),
      output: fc.nat(10 ** 6),
      conversation: fc.constantFrom('x', 'y', undefined),
    });
    fc.assert(
      fc.property(
        rate,
        rate,
        rate,
        fc.constantFrom(1, 1000, 1_000_000),
        fc.array(call, { minLength: 1, maxLength: 60 }),
        (ra, rb, rc, per, calls) => {
          const catalog =
            `
catalog: t
currency: USD
plans:
  - { id: p/a, provider: p, operations: [chat], models: [a], charges: [{ unit: input_tokens, rate: "${ra}", per: ${per} }, ` +
            `{ unit: output_tokens, rate: "${rb}", per: 1000 }] }
  - { id: p/b, provider: p, operations: [chat], models: [b], charges: [{ unit: input_tokens, rate: "${rc}" }] }
`;
          const report = simulateBuffer(
            log(
              ...calls.map((c) => ({
                provider: 'p',
                operation: 'chat',
                model: c.plan,
                usage: { input_tokens: c.input, output_tokens: c.output },
                conversation_id: c.conversation,
              })),
            ),
            { index: pricerFromTexts(catalog).index, plans: ['p/a'], groupByConversation: true },
          );
          let actual = new Big(0);
          let whatIf = new Big(0);
          for (const c of calls) {
            const underA = new Big(ra).times(c.input).div(per).plus(new Big(rb).times(c.output).div(1000));
            actual = actual.plus(c.plan === 'a' ? underA : new Big(rc).times(c.input));
            whatIf = whatIf.plus(underA);
          }
          assert.equal(total(report.scenarios[0]!), actual.toFixed());
          assert.equal(total(report.scenarios[1]!), whatIf.toFixed());
        },
      ),
      { numRuns: 60 },
    );
  });

  it('sums a generated workload exactly: the same total as adding every price tag as a decimal', function () {
    this.timeout(60_000);
    const loaded = loadCatalogs([]);
    assert.ok(loaded.ok);
    const lines = [...generateUsageLog({ lines: 50_000, seed: 7 })];
    const at = new Date('2026-11-27T00:00:00Z');
    const report = simulateBuffer(Buffer.from(lines.join('')), { index: loaded.pricer.index, plans: ['anthropic/claude-haiku-4-5'], at });
    const tags = lines.map((l) => {
      const call = JSON.parse(l) as {
        provider: string;
        operation: string;
        model?: string;
        usage: Record<string, number>;
        dimensions?: Record<string, string>;
      };
      return loaded.pricer.price({ ...call, at });
    });
    const priced = tags.filter((t): t is PriceTag => t.priced);
    assert.equal(report.scenarios[0]!.priced, priced.length);
    assert.equal(total(report.scenarios[0]!), formatDecimal(sumDecimals(priced.map((t) => t.cost))));
    const haiku = lines.map((l) => {
      const call = JSON.parse(l) as { usage: Record<string, number>; dimensions?: Record<string, string> };
      return loaded.pricer.priceWithPlan('anthropic/claude-haiku-4-5', call.usage, call.dimensions, at) as PriceTag;
    });
    assert.equal(total(report.scenarios[1]!), formatDecimal(sumDecimals(haiku.map((t) => t.cost))));
    // The generator is deterministic: the same seed gives the same log.
    const small = (seed: number) => [...generateUsageLog({ lines: 50, seed })].join('');
    assert.equal(small(7), small(7));
    assert.notEqual(small(7), small(8));
  });
});

describe('simulate: cost without a breakdown', function () {
  const plan = planFromText(
    `
catalog: t
currency: USD
plans:
  - id: p
    provider: x
    operations: [chat]
    tiers:
      - { name: small, when: { input_tokens: { upto: 1000 } }, ` +
      `charges: [{ unit: input_tokens, rate: "1", per: 1000 }, { unit: requests, rate: "0.01" }] }
      - { name: mid, when: { input_tokens: { above: 1000, upto: 5000 }, quality: [hd] }, ` +
      `charges: [{ unit: input_tokens, rate: "2", per: 1000, increment: 100 }] }
      - { name: odd, when: { input_tokens: { above: 5000, upto: 9000 } }, charges: [{ unit: input_tokens, rate: "3", per: 7 }] }
      - { name: big, when: { input_tokens: { above: 9000 } }, ` +
      `charges: [{ unit: input_tokens, rate: "3", per: 1000, minimum: 10000 }, { unit: output_tokens, rate: "0.5", per: 8 }] }
`,
  );

  it('gives the very cost pricePlan gives, on and off the integer fast path (property)', function () {
    const out = newCallCost();
    fc.assert(
      fc.property(
        fc.nat(20_000),
        fc.oneof(fc.nat(10 ** 6), fc.double({ min: 0, max: 10 ** 15, noNaN: true })),
        fc.constantFrom('hd', 'sd'),
        (q, output, quality) => {
          const usage = { input_tokens: q, output_tokens: output };
          const expected = pricePlan(plan, usage, { quality });
          costUnderPlan(plan, usage, { quality }, out);
          if (!expected.priced) {
            assert.deepEqual([out.kind, out.reason], ['unpriced', expected.reason]);
            return;
          }
          assert.notEqual(out.kind, 'unpriced');
          const cost = out.kind === 'scaled' ? decimalFromBigInt(BigInt(out.coefficient), out.scale) : out.cost!;
          assert.equal(formatDecimal(cost), formatDecimal(expected.cost));
        },
      ),
    );
  });
});
