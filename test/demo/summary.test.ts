import { strict as assert } from 'node:assert';
import type { Sample } from '../../examples/demo/exposition.js';
import { DemoSummary } from '../../examples/demo/summary.js';

const requests = (plan: string, tier: string, value: number): Sample => ({
  name: 'ai_requests_total',
  labels: { gen_ai_provider_name: 'tavily', ai_pricing_plan: plan, ai_pricing_tier: tier, ai_outcome: 'success' },
  value,
});
const cost = (provider: string, value: number, currency = 'USD'): Sample => ({
  name: 'ai_cost_total',
  labels: { gen_ai_provider_name: provider, ai_cost_currency: currency, gen_ai_request_model: 'm', ai_pricing_tier: 't' },
  value,
});

describe('demo live summary', function () {
  it('compares the recent tier mix with the steady phase, and computes the spend rate over the recent window', function () {
    const summary = new DemoSummary();
    const t0 = 1_000_000;
    summary.update([requests('tavily/search', 'basic', 90), requests('tavily/search', 'advanced', 10), cost('tavily', 1)], 'steady', t0);
    summary.update(
      [requests('tavily/search', 'basic', 95), requests('tavily/search', 'advanced', 25), cost('tavily', 2)],
      'tier-drift',
      t0 + 5000,
    );
    summary.update(
      [requests('tavily/search', 'basic', 100), requests('tavily/search', 'advanced', 60), cost('tavily', 3), cost('deepl', 0.5, 'EUR')],
      'tier-drift',
      t0 + 20_000,
    );
    const final = summary.final(20, [{ name: 'AiPricingTierDrift', severity: 'warning', detail: '' }]);
    // Baseline: the last scrape of the steady phase (90/10); recent: the last 15 s (5 basic, 35 advanced).
    assert.deepEqual(final.tierMix['tavily/search'], {
      baseline: { basic: 0.9, advanced: 0.1 },
      recent: { basic: 5 / 40, advanced: 35 / 40 },
    });
    assert.deepEqual(final.spend, { tavily: { USD: 3 }, deepl: { EUR: 0.5 } });
    assert.deepEqual(final.phasesSeen, ['steady', 'tier-drift']);
    assert.deepEqual(final.alertsReceived, ['AiPricingTierDrift']);
    const text = summary.render({
      elapsedSeconds: 20,
      phase: 'tier-drift',
      speed: 40,
      received: [],
      urls: [['metrics', 'http://x/metrics']],
      notes: [],
    });
    assert.match(text, /now \$0\.0667\/s/, 'USD spend over the last 15 s: $1 in 15 s');
    assert.match(text, /tavily\/search\s+advanced 10%, basic 90% {2}→ {2}advanced 88%, basic 13%/);
    assert.match(text, /deepl\s+0\.5000 EUR/);
  });

  it('shows budgets and firing alerts when Prometheus runs, and says so when it does not', function () {
    const summary = new DemoSummary();
    summary.update([cost('openai', 1)], 'spend-spike');
    const withProm = summary.render({
      elapsedSeconds: 61,
      phase: 'spend-spike',
      speed: 40,
      budgets: [{ budget: 'demo-monthly', currency: 'USD', amount: 2000, spent: 12.5, burn: { '5m': 20.25, '1h': 15 } }],
      firing: [{ name: 'AiBudgetBurnRateCritical', severity: 'critical', detail: 'demo-monthly' }],
      received: [{ name: 'AiBudgetBurnRateCritical', severity: 'critical', detail: 'demo-monthly' }],
      urls: [],
      notes: [],
    });
    assert.match(withProm, /1:01 elapsed/);
    assert.match(withProm, /demo-monthly\s+burn rate 5m 20\.3× {2}1h 15\.0× {2}spent \$12\.5000 of \$2000\.0000/);
    assert.match(withProm, /Alerts firing: AiBudgetBurnRateCritical \(critical, demo-monthly\)/);
    assert.match(withProm, /Received by the webhook: AiBudgetBurnRateCritical/);
    const without = summary.render({
      elapsedSeconds: 1,
      phase: undefined,
      speed: 40,
      received: [],
      urls: [],
      notes: ['Prometheus is not on PATH'],
    });
    assert.doesNotMatch(without, /Budgets|Alerts firing/);
    assert.match(without, /Prometheus is not on PATH/);
  });
});
