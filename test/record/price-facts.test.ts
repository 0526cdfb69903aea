import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { priceFacts, type PricedFacts, type PricingContext } from '../../src/record/price-facts.js';
import { loadCatalogs } from '../../src/catalog/load.js';
import { decimal, formatDecimal } from '../../src/pricing/decimal.js';
import type { Pricer } from '../../src/pricing/pricer.js';
import type { PriceItem } from '../../src/providers/types.js';

const document = {
  catalog: 'price-call-test',
  currency: 'USD',
  plans: [
    {
      id: 'openai/gpt-4o-mini',
      provider: 'openai',
      operations: ['chat'],
      models: ['gpt-4o-mini', 'gpt-4o-mini-2024-*'],
      charges: [
        { unit: 'input_tokens', rate: '0.15', per: 1000000 },
        { unit: 'output_tokens', rate: '0.60', per: 1000000 },
      ],
    },
    {
      id: 'openai/gpt-4o',
      provider: 'openai',
      operations: ['chat'],
      models: ['gpt-4o'],
      charges: [
        { unit: 'input_tokens', rate: '2.50', per: 1000000 },
        { unit: 'output_tokens', rate: '10', per: 1000000 },
      ],
    },
    { id: 'openai/web-search', provider: 'openai', operations: ['web_search'], charges: [{ unit: 'requests', rate: '0.01' }] },
    {
      id: 'openai/speech-eur',
      provider: 'openai',
      operations: ['speech'],
      currency: 'EUR',
      charges: [{ unit: 'characters', rate: '15', per: 1000000 }],
    },
    {
      id: 'mistral/large-eur',
      provider: 'mistral_ai',
      operations: ['chat'],
      models: ['mistral-large'],
      currency: 'EUR',
      charges: [{ unit: 'input_tokens', rate: '2', per: 1000000 }],
    },
    {
      id: 'aws/comprehend-sentiment',
      provider: 'aws.comprehend',
      operations: ['sentiment'],
      charges: [{ unit: 'characters', rate: '0.0001', per: 100, increment: 100, minimum: 300 }],
    },
    {
      id: 'azure/own-chat',
      provider: 'azure-own',
      operations: ['chat'],
      models: ['gpt-4o-mini'],
      charges: [{ unit: 'input_tokens', rate: '1', per: 1000000 }],
    },
  ],
};

function load(): Pricer {
  const loaded = loadCatalogs([{ name: 't', document }], { includeDefault: false });
  assert.ok(loaded.ok, JSON.stringify(!loaded.ok && loaded.problems));
  return loaded.pricer;
}

const pricer = load();

function ctx(over: Partial<PricingContext> = {}): PricingContext {
  return { pricer, provider: 'openai', shadowPlans: new Map(), defaultCurrency: 'XTS', ...over };
}

const chat = (model: string | undefined, input = 1200, output = 100, extra: Partial<PriceItem> = {}): PriceItem => ({
  operation: 'chat',
  ...(model === undefined ? {} : { model }),
  usage: { input_tokens: input, output_tokens: output },
  ...extra,
});

/** 1200 input + 100 output tokens of gpt-4o-mini: 0.00018 + 0.00006. */
const MINI = '0.00024';

function cost(p: PricedFacts) {
  return p.cost === undefined
    ? undefined
    : {
        amount: formatDecimal(p.cost.amount),
        currency: p.cost.currency,
        source: p.cost.source,
        ...(p.cost.catalogAmount === undefined ? {} : { catalogAmount: formatDecimal(p.cost.catalogAmount) }),
      };
}

const reasonOf = (p: PricedFacts, i: number) => {
  const r = p.items[i]!.result;
  return r.priced ? undefined : r.reason;
};

describe('priceFacts', function () {
  it('prices a successful call with its plan', function () {
    const p = priceFacts(ctx(), { items: [chat('gpt-4o-mini')] }, 'success');
    assert.deepEqual(cost(p), { amount: MINI, currency: 'USD', source: 'catalog' });
    assert.equal(p.unpricedReason, undefined);
    assert.equal(p.main, p.items[0]);
    assert.equal(formatDecimal(p.items[0]!.charged!), MINI);
    assert.ok(p.items[0]!.result.priced && p.items[0]!.result.plan.id === 'openai/gpt-4o-mini');
  });

  describe('a failed call', function () {
    it('costs 0 in the currency of its plan, keeping the price it would have had', function () {
      const p = priceFacts(ctx({ provider: 'mistral_ai' }), { items: [chat('mistral-large')] }, 'error');
      assert.deepEqual(cost(p), { amount: '0', currency: 'EUR', source: 'catalog' });
      assert.equal(formatDecimal(p.items[0]!.charged!), '0');
      assert.ok(p.items[0]!.result.priced);
      assert.equal(formatDecimal(p.items[0]!.result.cost), '0.0024');
      assert.equal(p.unpricedReason, undefined);
    });

    it('costs 0 in the default currency when no plan was found or nothing was used', function () {
      assert.deepEqual(cost(priceFacts(ctx(), { items: [chat('no-such-model')] }, 'error')), {
        amount: '0',
        currency: 'XTS',
        source: 'catalog',
      });
      assert.deepEqual(cost(priceFacts(ctx(), { items: [], noUsage: true }, 'error')), { amount: '0', currency: 'XTS', source: 'catalog' });
    });

    it('costs 0 even when the response reported a charge', function () {
      const p = priceFacts(ctx(), { items: [chat('gpt-4o-mini')], providerCost: { amount: '0.5', currency: 'USD' } }, 'error');
      assert.deepEqual(cost(p), { amount: '0', currency: 'USD', source: 'catalog' });
    });
  });

  it('is unpriced no_usage, never free, when there are no items', function () {
    const p = priceFacts(ctx(), { items: [], noUsage: true }, 'success');
    assert.equal(p.unpricedReason, 'no_usage');
    assert.equal(p.cost, undefined);
    assert.equal(p.main, undefined);
    assert.deepEqual(p.items, []);
  });

  describe('model fallback', function () {
    it('prices an unknown model with a known fallbackModel', function () {
      const p = priceFacts(ctx(), { items: [chat('my-deployment', 1200, 100, { fallbackModel: 'gpt-4o-mini' })] }, 'success');
      assert.deepEqual(cost(p), { amount: MINI, currency: 'USD', source: 'catalog' });
      assert.equal(p.unpricedReason, undefined);
      assert.ok(p.items[0]!.result.priced && p.items[0]!.result.plan.id === 'openai/gpt-4o-mini');
    });

    it('keeps unknown_model when the fallback is unknown too', function () {
      const p = priceFacts(ctx(), { items: [chat('my-deployment', 1, 1, { fallbackModel: 'other-deployment' })] }, 'success');
      assert.equal(p.unpricedReason, 'unknown_model');
      assert.equal(p.cost, undefined);
    });

    it('prefers the model to the fallback when both are known', function () {
      const p = priceFacts(ctx(), { items: [chat('gpt-4o', 1200, 100, { fallbackModel: 'gpt-4o-mini' })] }, 'success');
      assert.ok(p.items[0]!.result.priced && p.items[0]!.result.plan.id === 'openai/gpt-4o');
    });
  });

  describe('pricedAs', function () {
    it('prices with the other provider plans when this provider has none', function () {
      const p = priceFacts(ctx({ provider: 'azure.ai.openai', pricedAs: 'openai' }), { items: [chat('gpt-4o-mini')] }, 'success');
      assert.deepEqual(cost(p), { amount: MINI, currency: 'USD', source: 'catalog' });
      assert.equal(p.unpricedReason, undefined);
    });

    it('tries the fallback model under the other provider', function () {
      const p = priceFacts(
        ctx({ provider: 'azure.ai.openai', pricedAs: 'openai' }),
        { items: [chat('prod-chat', 1200, 100, { fallbackModel: 'gpt-4o-mini-2024-07-18' })] },
        'success',
      );
      assert.deepEqual(cost(p), { amount: MINI, currency: 'USD', source: 'catalog' });
    });

    it('is no_plan without pricedAs', function () {
      const p = priceFacts(ctx({ provider: 'azure.ai.openai' }), { items: [chat('gpt-4o-mini')] }, 'success');
      assert.equal(p.unpricedReason, 'no_plan');
      assert.equal(p.cost, undefined);
    });

    it('is not used when the provider has plans of its own', function () {
      const p = priceFacts(ctx({ provider: 'azure-own', pricedAs: 'openai' }), { items: [chat('gpt-4o-mini', 1000000, 0)] }, 'success');
      assert.deepEqual(cost(p), { amount: '1', currency: 'USD', source: 'catalog' });
    });
  });

  describe('provider-reported cost', function () {
    it('wins, and keeps the catalog amount to compare', function () {
      const p = priceFacts(ctx(), { items: [chat('gpt-4o-mini')], providerCost: { amount: '0.000312', currency: 'USD' } }, 'success');
      assert.deepEqual(cost(p), { amount: '0.000312', currency: 'USD', source: 'provider', catalogAmount: MINI });
      assert.equal(p.unpricedReason, undefined);
      assert.equal(formatDecimal(p.items[0]!.charged!), MINI);
    });

    it('wins when the catalog cannot price the call', function () {
      const p = priceFacts(ctx(), { items: [chat('no-such-model')], providerCost: { amount: '0.02', currency: 'USD' } }, 'success');
      assert.deepEqual(cost(p), { amount: '0.02', currency: 'USD', source: 'provider' });
      assert.equal(p.unpricedReason, undefined);
    });
  });

  describe('itemsAreParts', function () {
    const part = (characters: number, operation = 'sentiment'): PriceItem => ({ operation, usage: { characters } });
    const comprehend = ctx({ provider: 'aws.comprehend' });

    it('costs the sum of its priced parts (each with its own minimum)', function () {
      const p = priceFacts(comprehend, { items: [part(42), part(1001), part(300)], itemsAreParts: true }, 'success');
      // 300 (minimum) + 1100 + 300 characters at 0.0001 per 100
      assert.deepEqual(cost(p), { amount: '0.0017', currency: 'USD', source: 'catalog' });
      assert.equal(p.unpricedReason, undefined);
      assert.equal(p.main, p.items[0]);
    });

    it('reports why a part could not be priced, and takes the first priced part as main', function () {
      const p = priceFacts(
        comprehend,
        { items: [part(42, 'no_such_op'), part(1001), part(5, 'other_op')], itemsAreParts: true },
        'success',
      );
      assert.equal(p.main, p.items[1]);
      assert.deepEqual(cost(p), { amount: '0.0011', currency: 'USD', source: 'catalog' });
      assert.equal(p.unpricedReason, 'no_plan');
      assert.equal(p.items[0]!.charged, undefined);
    });

    it('is unpriced with the first part reason when no part is priced', function () {
      const p = priceFacts(comprehend, { items: [part(1, 'x'), part(2, 'y')], itemsAreParts: true }, 'success');
      assert.equal(p.main, p.items[0]);
      assert.equal(p.unpricedReason, 'no_plan');
      assert.equal(p.cost, undefined);
    });

    it('sums any priced parts exactly (property)', function () {
      fc.assert(
        fc.property(fc.array(fc.integer({ min: 0, max: 100000 }), { minLength: 1, maxLength: 12 }), (sizes) => {
          const p = priceFacts(comprehend, { items: sizes.map((n) => part(n)), itemsAreParts: true }, 'success');
          // Each part is billed in 100-character units, 3 units minimum, at 0.0001 per unit.
          const units = sizes.reduce((total, n) => total + Math.max(3, Math.ceil(n / 100)), 0);
          assert.equal(cost(p)?.amount, formatDecimal(decimal(units).times(decimal('0.0001'))));
        }),
        { numRuns: 200 },
      );
    });
  });

  describe('shadow plans', function () {
    it('prices a priced item under each alternative plan', function () {
      const shadowPlans = new Map([['openai/gpt-4o-mini', ['openai/gpt-4o', 'openai/missing']]]);
      const p = priceFacts(ctx({ shadowPlans }), { items: [chat('gpt-4o-mini')] }, 'success');
      const shadows = p.items[0]!.shadows.map((s) => [s.plan, s.result.priced ? formatDecimal(s.result.cost) : s.result.reason]);
      // gpt-4o rates on the same usage: 1200 × 2.5/1e6 + 100 × 10/1e6
      assert.deepEqual(shadows, [
        ['openai/gpt-4o', '0.004'],
        ['openai/missing', 'no_plan'],
      ]);
      // Shadows never change what the call costs.
      assert.deepEqual(cost(p), { amount: MINI, currency: 'USD', source: 'catalog' });
    });

    it('gives no shadows to an unpriced item, nor to a plan without alternatives', function () {
      const shadowPlans = new Map([['openai/gpt-4o-mini', ['openai/gpt-4o']]]);
      const p = priceFacts(ctx({ shadowPlans }), { items: [chat('nope'), chat('gpt-4o')] }, 'success');
      assert.deepEqual(p.items[0]!.shadows, []);
      assert.deepEqual(p.items[1]!.shadows, []);
    });

    it('prices shadows of a failed call too, while the call costs 0', function () {
      const shadowPlans = new Map([['openai/gpt-4o-mini', ['openai/gpt-4o']]]);
      const p = priceFacts(ctx({ shadowPlans }), { items: [chat('gpt-4o-mini')] }, 'error');
      assert.equal(p.items[0]!.shadows.length, 1);
      assert.deepEqual(cost(p), { amount: '0', currency: 'USD', source: 'catalog' });
    });
  });

  describe('extra items', function () {
    it('adds a tool item to the call cost', function () {
      const tool: PriceItem = { operation: 'web_search', usage: { requests: 2 } };
      const p = priceFacts(ctx(), { items: [chat('gpt-4o-mini'), tool] }, 'success');
      assert.deepEqual(cost(p), { amount: '0.02024', currency: 'USD', source: 'catalog' });
      assert.equal(p.main, p.items[0]);
      assert.equal(formatDecimal(p.items[1]!.charged!), '0.02');
    });

    it('leaves an item priced in another currency out of the call cost, recording it on its own', function () {
      const speech: PriceItem = { operation: 'speech', usage: { characters: 1000 } };
      const p = priceFacts(ctx(), { items: [chat('gpt-4o-mini'), speech] }, 'success');
      assert.deepEqual(cost(p), { amount: MINI, currency: 'USD', source: 'catalog' });
      assert.ok(p.items[1]!.result.priced && p.items[1]!.result.plan.currency === 'EUR');
      assert.equal(formatDecimal(p.items[1]!.charged!), '0.015');
    });

    it('takes the call currency from its own item, not from an extra item', function () {
      const speech: PriceItem = { operation: 'speech', usage: { characters: 1000 } };
      const p = priceFacts(ctx(), { items: [speech, chat('gpt-4o-mini')] }, 'success');
      assert.deepEqual(cost(p), { amount: '0.015', currency: 'EUR', source: 'catalog' });
    });

    it('is unpriced when the call own item is, whatever the extras', function () {
      const tool: PriceItem = { operation: 'web_search', usage: { requests: 1 } };
      const p = priceFacts(ctx(), { items: [chat('nope'), tool] }, 'success');
      assert.equal(p.unpricedReason, 'unknown_model');
      assert.equal(p.cost, undefined);
      assert.equal(reasonOf(p, 0), 'unknown_model');
      assert.equal(formatDecimal(p.items[1]!.charged!), '0.01');
    });
  });
});
