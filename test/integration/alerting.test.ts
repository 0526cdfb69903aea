import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { validateBudgetsText } from '../../src/pack/budgets.js';
import { generateRules, renderRules } from '../../src/pack/rules.js';
import { startAlertmanager, type Alertmanager } from '../support/alertmanager.js';
import { loadFixture } from '../support/fixtures.js';
import { hasBinary, startPrometheus, type Prometheus } from '../support/prometheus.js';
import { ReplayServer, bodyBytes } from '../support/replay-server.js';

/** Time runs 100× faster: the 1h/5m burn windows become 36s/3s, a 1h recent window 36s. */
const TIME_SCALE = 100;

describe('end to end: instrumented service → Prometheus (time-scaled rules) → Alertmanager → webhook', function () {
  this.timeout(180_000);
  let provider: ReplayServer;
  let service: ChildProcess | undefined;
  let prometheus: Prometheus | undefined;
  let alertmanager: Alertmanager | undefined;
  let dir: string;

  before(async function () {
    assert.ok(
      hasBinary('prometheus') && hasBinary('prometheus-alertmanager'),
      'prometheus and prometheus-alertmanager must be on PATH (apt-get install prometheus prometheus-alertmanager); .ci/run installs them',
    );
    provider = await new ReplayServer().start();
    const basic = loadFixture('tavily', 'search-basic');
    const advanced = loadFixture('tavily', 'search-advanced');
    provider.handle((_req, body, res) => {
      const depth = (JSON.parse(body.toString('utf8')) as { search_depth?: string }).search_depth;
      res.writeHead(200, { 'content-type': 'application/json' }).end(bodyBytes(depth === 'advanced' ? advanced : basic));
    });
    const app = new URL('../apps/traffic-app.ts', import.meta.url).pathname;
    service = spawn(process.execPath, ['--import', 'tsx', app], {
      env: { ...process.env, PROVIDER_ORIGIN: provider.origin, RATE: '20' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let port = 0;
    for await (const line of createInterface({ input: service.stdout! })) {
      const m = /^ready (\d+)$/.exec(line);
      if (m) {
        port = Number(m[1]);
        break;
      }
    }
    assert.ok(port > 0, 'the service started');

    // $10 over 30 days, time-scaled: the even rate is $10 / 25,920 s; 20 searches/s at $0.008–$0.016 burn it far faster.
    const budgets = validateBudgetsText(
      'budgets:\n  - { name: e2e, amount: 10, currency: USD, window: 30d }\n' +
        'alerts:\n  tier_drift: { baseline: 7d, recent: 1h, threshold: 0.2, min_requests_per_hour: 60 }\n',
      'e2e-budgets.yaml',
    );
    assert.ok(budgets.ok);
    dir = mkdtempSync(join(tmpdir(), 'pricetag-e2e-'));
    writeFileSync(
      join(dir, 'rules.yml'),
      renderRules(generateRules(budgets.config, { timeScale: TIME_SCALE }), 'e2e-budgets.yaml', TIME_SCALE),
    );
    alertmanager = await startAlertmanager();
    prometheus = await startPrometheus(
      [
        'global:',
        '  scrape_interval: 1s',
        '  evaluation_interval: 1s',
        `rule_files: ['${join(dir, 'rules.yml')}']`,
        'alerting:',
        '  alertmanagers:',
        `    - static_configs: [{ targets: ['${alertmanager.target}'] }]`,
        'scrape_configs:',
        '  - job_name: search-api',
        `    static_configs: [{ targets: ['127.0.0.1:${port}'] }]`,
        '',
      ].join('\n'),
    );
  });

  after(async function () {
    service?.kill('SIGTERM');
    if (service !== undefined && service.exitCode === null) await once(service, 'exit');
    await prometheus?.stop();
    await alertmanager?.stop();
    await provider?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('delivers AiBudgetBurnRateCritical for the budget being burnt', async function () {
    const alert = await alertmanager!.waitForAlert('AiBudgetBurnRateCritical', 90_000);
    assert.equal(alert.labels.budget, 'e2e');
    assert.equal(alert.labels.severity, 'critical');
    assert.match(alert.annotations.description ?? '', /^Budget e2e \(10 USD per 30d\) is being spent at [\d.]+k? times/);
    assert.match(alert.annotations.runbook_url ?? '', /docs\/runbook\.md#aibudgetburnratecritical$/);
  });

  it('delivers AiPricingTierDrift once searches move from basic to advanced depth', async function () {
    // Let Prometheus see a baseline of basic searches first (30 s is 50 min at this time scale).
    await prometheus!.waitFor('sum(increase(ai_requests_total{ai_pricing_tier="basic"}[1m]))', (v) => v >= 500, 60_000);
    service!.kill('SIGUSR2');
    const alert = await alertmanager!.waitForAlert('AiPricingTierDrift', 120_000).catch(async (e: Error) => {
      const debug = await Promise.all(
        [
          'job_plan_tier:ai_requests:share_recent',
          'job_plan_tier:ai_requests:share_baseline',
          'job_plan:ai_requests:tier_drift',
          'job_plan:ai_requests:rate_recent',
          'ALERTS',
        ].map(async (q) => `${q}: ${JSON.stringify(await prometheus!.query(q))}`),
      );
      throw new Error(`${e.message}\n${debug.join('\n')}`);
    });
    assert.equal(alert.labels.ai_pricing_plan, 'tavily/search');
    assert.equal(alert.labels.job, 'search-api');
    const [drift] = await prometheus!.query('job_plan:ai_requests:tier_drift{ai_pricing_plan="tavily/search"}');
    assert.ok(Number(drift!.value[1]) > 0.2, `drift ${drift!.value[1]}`);
  });
});
