import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { decimal, formatDecimal, fromScaledInteger, sumDecimals, ZERO } from '../../src/pricing/decimal.js';
import { pricePlan } from '../../src/pricing/price.js';
import { classifyPricingModel } from '../../src/pricing/pricing-model.js';
import type { PriceTag } from '../../src/pricing/types.js';
import { designExample, plansFromText, planFromText } from '../support/catalog.js';

const [gpt4oMini, tavily, comprehend, gemini] = plansFromText(designExample());

function priced(result: ReturnType<typeof pricePlan>): PriceTag {
  assert.ok(result.priced, `expected a price, got ${JSON.stringify(result)}`);
  return result;
}

describe('pricePlan on the DESIGN.md examples', function () {
  it('prices a token plan per charge, exactly', function () {
    const tag = priced(pricePlan(gpt4oMini!, { input_tokens: 1200, cached_input_tokens: 300, output_tokens: 100 }));
    assert.equal(tag.tier.name, 'standard');
    assert.equal(tag.tier.pricingModel, 'per_token');
    // 1200×0.15/1e6 + 300×0.075/1e6 + 100×0.6/1e6
    assert.deepEqual(
      tag.breakdown.map((l) => formatDecimal(l.amount)),
      ['0.00018', '0.0000225', '0.00006'],
    );
    assert.equal(formatDecimal(tag.cost), '0.0002625');
  });

  it('selects the search-depth tier of a per-request plan', function () {
    const basic = priced(pricePlan(tavily!, {}, { search_depth: 'basic' }));
    const advanced = priced(pricePlan(tavily!, {}, { search_depth: 'advanced' }));
    assert.equal(basic.tier.name, 'basic');
    assert.equal(formatDecimal(basic.cost), '0.008');
    assert.equal(advanced.tier.name, 'advanced');
    assert.equal(formatDecimal(advanced.cost), '0.016');
    assert.equal(advanced.tier.pricingModel, 'per_request');
    assert.equal(advanced.breakdown[0]!.quantity, 1, 'every call is one request');
  });

  it('is no_tier, never zero, when no tier matches', function () {
    const result = pricePlan(tavily!, {}, { search_depth: 'ultra' });
    assert.deepEqual({ priced: result.priced, reason: !result.priced && result.reason }, { priced: false, reason: 'no_tier' });
    const missing = pricePlan(tavily!, {}, {});
    assert.equal(missing.priced, false);
  });

  it('bills 100-character units with a 3-unit minimum', function () {
    const small = priced(pricePlan(comprehend!, { characters: 42 }));
    assert.equal(small.breakdown[0]!.billed, 300);
    assert.equal(formatDecimal(small.cost), '0.0003');
    const large = priced(pricePlan(comprehend!, { characters: 1001 }));
    assert.equal(large.breakdown[0]!.billed, 1100);
    assert.equal(formatDecimal(large.cost), '0.0011');
    assert.equal(large.tier.pricingModel, 'per_unit');
  });

  it('switches to the long-context tier above 200,000 input tokens (upto is inclusive)', function () {
    const at = priced(pricePlan(gemini!, { input_tokens: 200_000, output_tokens: 1000 }));
    assert.equal(at.tier.name, 'standard');
    assert.equal(formatDecimal(at.cost), '0.26');
    const above = priced(pricePlan(gemini!, { input_tokens: 200_001, output_tokens: 1000 }));
    assert.equal(above.tier.name, 'long-context');
    assert.equal(formatDecimal(above.cost), '0.5150025');
  });
});

describe('pricing model', function () {
  it('classifies charged units', function () {
    assert.equal(classifyPricingModel(['requests']), 'per_request');
    assert.equal(classifyPricingModel(['input_tokens', 'output_tokens', 'cached_input_tokens']), 'per_token');
    assert.equal(classifyPricingModel(['characters']), 'per_unit');
    assert.equal(classifyPricingModel(['requests', 'input_tokens']), 'blended');
    assert.equal(classifyPricingModel(['images', 'characters']), 'blended');
  });
});

describe('exact money', function () {
  it('sums a million priced calls to the exact decimal total', function () {
    this.timeout(120_000);
    let total = ZERO;
    let expectedNanoDollars = 0n;
    let floatTotal = 0;
    for (let i = 0; i < 1_000_000; i++) {
      const usage = { input_tokens: 1 + ((i * 7919) % 20_000), cached_input_tokens: (i * 104_729) % 5000, output_tokens: (i * 31) % 3000 };
      const tag = priced(pricePlan(gpt4oMini!, usage));
      total = total.plus(tag.cost);
      floatTotal += Number(tag.cost.toFixed());
      // Independent integer arithmetic in units of 1e-9 USD: rates 150, 75 and 600 nano-dollars per 1,000 tokens.
      expectedNanoDollars += BigInt(usage.input_tokens * 150 + usage.cached_input_tokens * 75 + usage.output_tokens * 600);
    }
    assert.equal(total.times(1e9).toFixed(), expectedNanoDollars.toString());
    // The same sum in floats drifts: this is what exact decimals protect against.
    assert.notEqual(String(floatTotal), formatDecimal(total));
  });
});

describe('pricing properties', function () {
  const tiered = planFromText(
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
      - { name: mid, when: { input_tokens: { above: 1000, upto: 5000 }, quality: [hd, "4k"] }, ` +
      `charges: [{ unit: input_tokens, rate: "2", per: 1000, increment: 100 }] }
      - { name: big, when: { input_tokens: { above: 5000 } }, ` +
      `charges: [{ unit: input_tokens, rate: "3", per: 1000, minimum: 6000 }, { unit: output_tokens, rate: "0.5", per: 7 }] }
`,
  );

  it('never lowers the cost when a quantity grows within the same tier', function () {
    fc.assert(
      fc.property(fc.nat(20_000), fc.nat(500), fc.nat(20_000), fc.constantFrom('hd', '4k', 'sd'), (q, dq, out, quality) => {
        const a = pricePlan(tiered, { input_tokens: q, output_tokens: out }, { quality });
        const b = pricePlan(tiered, { input_tokens: q + dq, output_tokens: out + dq }, { quality });
        if (a.priced && b.priced && a.tier === b.tier) assert.ok(b.cost.gte(a.cost));
      }),
    );
  });

  it('selects exactly the first matching tier, or reports no_tier', function () {
    fc.assert(
      fc.property(fc.nat(20_000), fc.constantFrom('hd', '4k', 'sd', undefined), (q, quality) => {
        const dims: Record<string, string> = quality === undefined ? {} : { quality };
        const result = pricePlan(tiered, { input_tokens: q }, dims);
        const matching = [
          q <= 1000 ? 'small' : '',
          q > 1000 && q <= 5000 && (quality === 'hd' || quality === '4k') ? 'mid' : '',
          q > 5000 ? 'big' : '',
        ].filter(Boolean);
        assert.ok(matching.length <= 1);
        if (matching.length === 0) assert.ok(!result.priced && result.reason === 'no_tier');
        else assert.equal(result.priced && result.tier.name, matching[0]);
      }),
    );
  });

  it('makes the cost the exact sum of its breakdown', function () {
    fc.assert(
      fc.property(fc.nat(50_000), fc.nat(50_000), (q, out) => {
        const result = pricePlan(tiered, { input_tokens: q, output_tokens: out }, { quality: 'hd' });
        assert.ok(result.priced);
        assert.ok(result.cost.eq(sumDecimals(result.breakdown.map((l) => l.amount))));
      }),
    );
  });
});

describe('integer fast path', function () {
  it('builds the same decimal as parsing its text', function () {
    fc.assert(
      fc.property(fc.maxSafeNat(), fc.integer({ min: 0, max: 30 }), (coefficient, scale) => {
        const expected = decimal(coefficient)
          .div(10 ** 0)
          .times(decimal(1).div(decimal(10).pow(scale)));
        const built = fromScaledInteger(coefficient, scale);
        assert.ok(built.eq(expected));
        assert.equal(formatDecimal(built), formatDecimal(expected));
        assert.equal(formatDecimal(built.plus('0.5')), formatDecimal(expected.plus('0.5')));
      }),
    );
  });

  it('prices exactly as decimal arithmetic does, whatever the rates and quantities', function () {
    const rateArb = fc
      .tuple(fc.nat(10 ** 9), fc.integer({ min: 0, max: 12 }))
      .map(([c, s]) => formatDecimal(decimal(c).div(decimal(10).pow(s))));
    fc.assert(
      fc.property(rateArb, rateArb, fc.constantFrom(1, 100, 1000, 1_000_000), fc.nat(), fc.nat(10 ** 7), (r1, r2, per, q1, q2) => {
        const plan = planFromText(
          `
catalog: t
currency: USD
plans:
  - { id: p, provider: x, operations: [chat], charges: [{ unit: input_tokens, rate: "${r1}", per: ${per} }, ` +
            `{ unit: output_tokens, rate: "${r2}", per: 1000, increment: 7 }] }
`,
        );
        const tag = priced(pricePlan(plan, { input_tokens: q1, output_tokens: q2 }));
        const billed2 = Math.ceil(q2 / 7) * 7;
        const expected = decimal(r1).times(q1).div(per).plus(decimal(r2).times(billed2).div(1000));
        assert.equal(formatDecimal(tag.cost), formatDecimal(expected));
      }),
    );
  });
});

describe('derived quantities', function () {
  it('tests a long-context threshold on the whole prompt (prompt_tokens) while billing each token kind once', function () {
    const plan = planFromText(`
catalog: t
currency: USD
plans:
  - id: p
    provider: anthropic
    operations: [chat]
    tiers:
      - name: standard
        when: { prompt_tokens: { upto: 200000 } }
        charges: [{ unit: input_tokens, rate: "3", per: 1000000 }, { unit: cached_input_tokens, rate: "0.3", per: 1000000 }]
      - name: long-context
        charges: [{ unit: input_tokens, rate: "6", per: 1000000 }, { unit: cached_input_tokens, rate: "0.6", per: 1000000 }]
`);
    const mostlyCached = priced(pricePlan(plan, { input_tokens: 1000, cached_input_tokens: 199_000, cache_write_tokens: 1 }));
    assert.equal(mostlyCached.tier.name, 'long-context');
    assert.equal(formatDecimal(mostlyCached.cost), '0.1254');
    const within = priced(pricePlan(plan, { input_tokens: 1000, cached_input_tokens: 199_000 }));
    assert.equal(within.tier.name, 'standard');
  });
});
