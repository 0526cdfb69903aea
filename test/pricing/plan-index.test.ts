import { strict as assert } from 'node:assert';
import { PlanIndex, MODEL_CACHE_LIMIT, epochDay } from '../../src/pricing/plan-index.js';
import { pricerFromTexts, plansFromText } from '../support/catalog.js';

const chatPlan = (id: string, models: string, rate: string, extra = '') => `
  - id: ${id}
    provider: openai
    operations: [chat]
    models: ${models}
    ${extra}
    charges: [{ unit: input_tokens, rate: "${rate}", per: 1000000 }]`;

const catalog = (plans: string, aliases = '') => `catalog: test\ncurrency: USD\n${aliases}plans:${plans}\n`;
const day = (d: string) => epochDay(new Date(`${d}T00:00:00Z`));

describe('plan lookup', function () {
  it('prefers an exact name to a glob and a longer glob to a shorter one', function () {
    const index = new PlanIndex(
      plansFromText(
        catalog(
          chatPlan('any', '["*"]', '9') +
            chatPlan('family', '["gpt-4o*"]', '2') +
            chatPlan('mini', '["gpt-4o-mini*"]', '1') +
            chatPlan('exact', '[gpt-4o-mini-special]', '3'),
        ),
      ),
    );
    const id = (model: string) => index.resolve('openai', 'chat', model, day('2026-01-01')).plan?.id;
    assert.equal(id('gpt-4o-mini-special'), 'exact');
    assert.equal(id('gpt-4o-mini-2024-07-18'), 'mini');
    assert.equal(id('gpt-4o-2024-08-06'), 'family');
    assert.equal(id('o3'), 'any');
  });

  it('tells unknown_model from no_plan', function () {
    const index = new PlanIndex(plansFromText(catalog(chatPlan('mini', '[gpt-4o-mini]', '1'))));
    assert.deepEqual(index.resolve('openai', 'chat', 'gpt-9', 0), { reason: 'unknown_model' });
    assert.deepEqual(index.resolve('openai', 'embeddings', 'gpt-4o-mini', 0), { reason: 'no_plan' });
    assert.deepEqual(index.resolve('acme', 'chat', 'gpt-4o-mini', 0), { reason: 'no_plan' });
  });

  it('resolves aliases (an Azure deployment name) to the canonical model', function () {
    const pricer = pricerFromTexts(catalog(chatPlan('mini', '[gpt-4o-mini]', '0.15'), 'aliases: { prod-chat-eu: gpt-4o-mini }\n'));
    const result = pricer.price({ provider: 'openai', operation: 'chat', model: 'prod-chat-eu', usage: { input_tokens: 1e6 } });
    assert.ok(result.priced);
    assert.equal(result.plan.id, 'mini');
  });

  it('picks the version of a plan in force at the date', function () {
    const plans =
      chatPlan('p', '[m]', '1', 'effective_from: 2024-01-01') +
      chatPlan('p', '[m]', '2', 'effective_from: 2025-06-01') +
      chatPlan('p', '[m]', '3', 'effective_from: 2099-01-01');
    const pricer = pricerFromTexts(catalog(plans));
    const cost = (at: string) => {
      const r = pricer.price({
        provider: 'openai',
        operation: 'chat',
        model: 'm',
        usage: { input_tokens: 1e6 },
        at: new Date(`${at}T12:00:00Z`),
      });
      return r.priced ? r.cost.toFixed() : r.reason;
    };
    assert.equal(cost('2023-12-31'), 'no_plan');
    assert.equal(cost('2024-01-01'), '1');
    assert.equal(cost('2025-05-31'), '1');
    assert.equal(cost('2025-06-01'), '2');
    assert.equal(cost('2026-11-27'), '2', 'a version in the future is not in force yet');
    assert.equal(cost('2099-01-01'), '3');
  });

  it('does not fall back to an older version that still lists a model the newer one dropped', function () {
    const plans =
      chatPlan('p', '[old-model, m]', '1', 'effective_from: 2024-01-01') + chatPlan('p', '[m]', '2', 'effective_from: 2025-01-01');
    const index = new PlanIndex(plansFromText(catalog(plans)));
    assert.equal(index.resolve('openai', 'chat', 'old-model', day('2024-06-01')).plan?.id, 'p');
    assert.deepEqual(index.resolve('openai', 'chat', 'old-model', day('2025-06-01')), { reason: 'no_plan' });
  });

  it('layers user catalogs over earlier ones: same id and date replaces, a later date supersedes', function () {
    const base = catalog(chatPlan('p', '[m]', '1', 'effective_from: 2024-01-01') + chatPlan('q', '[n]', '5'));
    const user = catalog(chatPlan('p', '[m]', '7', 'effective_from: 2024-01-01') + chatPlan('q', '[n]', '6', 'effective_from: 2026-01-01'));
    const pricer = pricerFromTexts(base, user);
    const cost = (model: string, at: string) => {
      const r = pricer.price({
        provider: 'openai',
        operation: 'chat',
        model,
        usage: { input_tokens: 1e6 },
        at: new Date(`${at}T00:00:00Z`),
      });
      return r.priced ? r.cost.toFixed() : r.reason;
    };
    assert.equal(cost('m', '2025-01-01'), '7');
    assert.equal(cost('n', '2025-12-31'), '5');
    assert.equal(cost('n', '2026-01-01'), '6');
  });

  it('keeps its per-model cache bounded whatever model names arrive', function () {
    const index = new PlanIndex(plansFromText(catalog(chatPlan('family', '["gpt-*"]', '1'))));
    for (let i = 0; i < MODEL_CACHE_LIMIT * 3; i++) {
      assert.equal(index.resolve('openai', 'chat', `gpt-${i}`, 0).plan?.id, 'family');
      assert.deepEqual(index.resolve('openai', 'chat', `hostile-${i}`, 0), { reason: 'unknown_model' });
    }
    const groups = (index as unknown as { groups: Map<string, Map<string, { cache: Map<string, unknown> }>> }).groups;
    assert.ok(groups.get('openai')!.get('chat')!.cache.size <= MODEL_CACHE_LIMIT);
  });

  it('treats glob metacharacters of regular expressions literally', function () {
    const index = new PlanIndex(plansFromText(catalog(chatPlan('dots', '["a.b*"]', '1'))));
    assert.equal(index.resolve('openai', 'chat', 'a.b-1', 0).plan?.id, 'dots');
    assert.deepEqual(index.resolve('openai', 'chat', 'axb-1', 0), { reason: 'unknown_model' });
  });
});
