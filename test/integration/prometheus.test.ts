import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { decimal, sumDecimals } from '../../src/pricing/decimal.js';
import { loadFixture } from '../support/fixtures.js';
import { hasBinary, startPrometheus, type Prometheus } from '../support/prometheus.js';
import { ReplayServer, bodyBytes } from '../support/replay-server.js';

/** Starts test/apps/metrics-app.ts; resolves with the process and its metrics port once its calls are done. */
async function startService(env: Record<string, string>): Promise<{ child: ChildProcess; port: number }> {
  const app = new URL('../apps/metrics-app.ts', import.meta.url).pathname;
  const child = spawn(process.execPath, ['--import', 'tsx', app], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  for await (const line of lines) {
    const m = /^ready (\d+)$/.exec(line);
    if (m) return { child, port: Number(m[1]) };
  }
  throw new Error('the service exited before it was ready');
}

describe('a real Prometheus scraping two instrumented services', function () {
  this.timeout(120_000);
  let provider: ReplayServer;
  let prometheus: Prometheus | undefined;
  const services: ChildProcess[] = [];

  before(async function () {
    assert.ok(hasBinary('prometheus'), 'prometheus is not on PATH: install it (Debian: apt-get install prometheus); .ci/run does');
    provider = await new ReplayServer().start();
    const chat = loadFixture('openai', 'chat-cached');
    const basic = loadFixture('tavily', 'search-basic');
    const advanced = loadFixture('tavily', 'search-advanced');
    provider.handle((req, body, res) => {
      const request = JSON.parse(body.toString('utf8')) as { model?: string; search_depth?: string };
      const fixture = req.url?.includes('/search') ? (request.search_depth === 'advanced' ? advanced : basic) : chat;
      let reply = bodyBytes(fixture);
      // A model the catalog does not know, reported as such by the provider.
      if (request.model === 'gpt-99') reply = Buffer.from(reply.toString('utf8').replaceAll('gpt-4o-mini-2024-07-18', 'gpt-99'));
      res.writeHead(200, { 'content-type': 'application/json' }).end(reply);
    });
    const calls = [
      { provider: 'openai', base: '/openai/v1', path: '/chat/completions', body: chat.request.body, times: 3 },
      {
        provider: 'openai',
        base: '/openai/v1',
        path: '/chat/completions',
        body: { ...(chat.request.body as object), model: 'gpt-99' },
        times: 1,
      },
      { provider: 'tavily', base: '/tavily', path: '/search', body: basic.request.body, times: 2 },
      { provider: 'tavily', base: '/tavily', path: '/search', body: advanced.request.body, times: 1 },
    ];
    const env = { PROVIDER_ORIGIN: provider.origin, CALLS: JSON.stringify(calls) };
    const started = await Promise.all([startService(env), startService(env)]);
    services.push(...started.map((s) => s.child));
    const targets = started.map((s) => `'127.0.0.1:${s.port}'`).join(', ');
    prometheus = await startPrometheus(
      `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: ai-service\n    static_configs:\n      - targets: [${targets}]\n`,
    );
    await prometheus.waitFor('count(up{job="ai-service"} == 1)', (v) => v === 2);
    await prometheus.waitFor('count(count by (instance) (ai_cost_total))', (v) => v === 2);
  });

  after(async function () {
    for (const s of services) s.kill('SIGTERM');
    await Promise.all(services.map((s) => (s.exitCode !== null ? undefined : once(s, 'exit'))));
    await prometheus?.stop();
    await provider?.stop();
  });

  it('sums the cost of every call of every instance to the exact expected total', async function () {
    // Per service: 3 × $0.0003369 (gpt-4o-mini), 2 × $0.008 (Tavily basic), 1 × $0.016 (advanced); gpt-99 is unpriced.
    const perService = sumDecimals([
      decimal('0.0003369'),
      decimal('0.0003369'),
      decimal('0.0003369'),
      decimal('0.008'),
      decimal('0.008'),
      decimal('0.016'),
    ]);
    const expected = Number(perService.times(2).toFixed());
    // Each scraped series is the nearest double to its exact decimal sum…
    const series = await prometheus!.query('ai_cost_total');
    const exact: Record<string, string> = {
      'openai/gpt-4o-mini standard': '0.0010107',
      'tavily/search basic': '0.016',
      'tavily/search advanced': '0.016',
    };
    assert.equal(series.length, 6, 'three priced series per instance');
    for (const s of series)
      assert.equal(Number(s.value[1]), Number(exact[`${s.metric.ai_pricing_plan} ${s.metric.ai_pricing_tier}`]), JSON.stringify(s.metric));
    // …and PromQL adds series as float64, so the total is exact to float64 rounding.
    const [total] = await prometheus!.query('sum(ai_cost_total)');
    assert.ok(Math.abs(Number(total!.value[1]) - expected) <= expected * 4 * Number.EPSILON, `${total!.value[1]} vs ${expected}`);
    const byTier = await prometheus!.query('sum by (ai_pricing_tier) (ai_cost_total{gen_ai_provider_name="tavily"})');
    assert.deepEqual(Object.fromEntries(byTier.map((r) => [r.metric.ai_pricing_tier, Number(r.value[1])])), {
      basic: 0.032,
      advanced: 0.032,
    });
    const requests = await prometheus!.query('sum by (ai_outcome) (ai_requests_total)');
    assert.deepEqual(
      requests.map((r) => [r.metric.ai_outcome, r.value[1]]),
      [['success', '14']],
    );
  });

  it('shows the unpriced calls and the catalog in use', async function () {
    const unpriced = await prometheus!.query('sum by (gen_ai_request_model, ai_pricing_unpriced_reason) (ai_unpriced_requests_total)');
    assert.deepEqual(
      unpriced.map((r) => [r.metric.gen_ai_request_model, r.metric.ai_pricing_unpriced_reason, r.value[1]]),
      [['gpt-99', 'unknown_model', '2']],
    );
    const catalogs = await prometheus!.query('ai_pricing_catalog_info');
    assert.equal(catalogs.length, 2, 'one series per instance');
    assert.ok(catalogs.every((c) => c.metric.ai_pricing_catalog === 'ai-pricetag-default-2026-11'));
  });

  it('answers a what-if in PromQL: the same token usage at another plan’s unit prices', async function () {
    // Usage by unit times the gpt-4.1-nano unit prices in force, joined on the unit.
    const expr =
      'sum(sum by (ai_usage_unit) (ai_usage_total{ai_pricing_plan="openai/gpt-4o-mini"}) * on (ai_usage_unit) ' +
      'group_left max by (ai_usage_unit) (ai_pricing_rate{ai_pricing_plan="openai/gpt-4o-mini"}))';
    const [value] = await prometheus!.query(expr);
    // Repricing gpt-4o-mini's own usage at its own rates gives back its cost: 6 calls × $0.0003369.
    assert.ok(Math.abs(Number(value!.value[1]) - 0.0020214) < 1e-12, value!.value[1]);
  });
});
