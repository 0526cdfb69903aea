// The pack on OTLP-named series, end to end as far as this machine allows: the zero-code demo
// service pushes its metrics with the real SDK's OTLP/JSON exporter to test/support/otlp-receiver.ts;
// each push is translated as Prometheus' OTLP receiver would (test/support/otlp-translate.ts, no
// Prometheus with that receiver being installable here) under UnderscoreEscapingWithSuffixes and
// UnderscoreEscapingWithoutSuffixes, and one real Prometheus per strategy ingests its translation
// (scraped with honor_labels, so job and instance are those of the push) and evaluates the demo
// rules. Every dashboard query then returns data on both, as it does on the pulled names
// (test/dashboards/real-data.test.ts).
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEMO_CONVERSATION_IDLE_MS,
  DEMO_JOB,
  DEMO_MIN_RANGE,
  DEMO_SHADOW_PLANS,
  DEMO_TIME_SCALE,
  ROOT,
  loadDemoBudgets,
} from '../../examples/demo/stack.js';
import { startEmulator, type Emulator } from '../../examples/emulator/server.js';
import { generateRules, renderRules } from '../../src/pack/rules.js';
import { select, seriesName } from '../../src/pack/series.js';
import { PROMETHEUS_SERIES as S } from '../../src/semconv.js';
import { assertDashboardsHaveData } from '../dashboards/support.js';
import { otlpReceiver, type OtlpReceiver } from '../support/otlp-receiver.js';
import { toExposition, translateOtlp, type OtlpMetricsRequest } from '../support/otlp-translate.js';
import { hasBinary, startPrometheus, type Prometheus } from '../support/prometheus.js';

const STRATEGIES = ['UnderscoreEscapingWithSuffixes', 'UnderscoreEscapingWithoutSuffixes'] as const;
type Strategy = (typeof STRATEGIES)[number];
/** As test/dashboards/real-data.test.ts: the demo's 40-minute cycle in 30 s, looked back on over 45 s. */
const DEMO_SPEED = 80;
const LOOKBACK_S = 45;
const STEP_S = 3;
const TIME_VARIABLES = { __range: `${LOOKBACK_S}s`, __rate_interval: '10s', __interval: `${STEP_S}s` };

const NO_DATA_EXPECTED: Readonly<Record<string, string>> = {
  'Spend per hour against a day and a week earlier › B': 'offset 1d: needs a day of history',
  'Spend per hour against a day and a week earlier › C': 'offset 7d: needs a week of history',
  'Instrumentation faults per second by stage': 'healthy traffic has no faults inside ai-pricetag',
  // Prometheus writes up and scrape_* for the targets it scrapes, none for an OTLP push.
  'Exporter targets up': 'an OTLP push has no up series',
  'Scrape duration': 'an OTLP push has no scrape_duration_seconds',
  'Samples per scrape': 'an OTLP push has no scrape_samples_scraped',
};

describe('the pack on series pushed over OTLP (real SDK, translated as Prometheus does, real Prometheus)', function () {
  this.timeout(180_000);
  let emulator: Emulator | undefined;
  let receiver: OtlpReceiver | undefined;
  let bridge: http.Server | undefined;
  let service: ChildProcess | undefined;
  const prometheus = new Map<Strategy, Prometheus>();
  let dir: string | undefined;
  let now = 0;
  let stderr = '';

  /** The latest metrics push (cumulative: it holds every series). */
  const latest = () => receiver?.bodies.findLast((b) => b.path === '/v1/metrics')?.body as OtlpMetricsRequest | undefined;

  before(async function () {
    assert.ok(hasBinary('prometheus'), 'prometheus is not on PATH: apt-get install prometheus');
    assert.ok(existsSync(join(ROOT, 'dist/register.js')), 'dist/register.js is missing: npm run build');
    receiver = await otlpReceiver();
    // What each Prometheus ingests: the latest push, translated under its strategy.
    bridge = http.createServer((req, res) => {
      const strategy = STRATEGIES.find((s) => req.url === `/metrics/${s}`);
      const body = latest();
      if (strategy === undefined || body === undefined) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(toExposition(translateOtlp(body, { strategy })));
    });
    bridge.listen(0, '127.0.0.1');
    await once(bridge, 'listening');
    const bridgeTarget = `127.0.0.1:${(bridge.address() as AddressInfo).port}`;

    emulator = await startEmulator({ port: 0, seed: 1, errorRate: 0.01 });
    service = spawn(
      process.execPath,
      ['--import', 'tsx', '--import', 'ai-pricetag/register', join(ROOT, 'examples/demo-service/main.ts')],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          EMULATOR_URL: emulator.origin,
          DEMO_SPEED: String(DEMO_SPEED),
          DEMO_SEED: '1',
          OTEL_SERVICE_NAME: DEMO_JOB,
          OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=demo',
          OTEL_METRICS_EXPORTER: 'otlp',
          OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'http/json',
          OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `${receiver.url}/v1/metrics`,
          OTEL_METRIC_EXPORT_INTERVAL: '1000',
          OTEL_TRACES_EXPORTER: 'none',
          PRICETAG_ENDPOINTS: emulator.pricetagEndpoints,
          PRICETAG_CATALOGS: join(ROOT, 'examples/demo/catalog.yaml'),
          PRICETAG_SHADOW_PLANS: DEMO_SHADOW_PLANS,
          PRICETAG_BAGGAGE_LABELS: 'feature',
          PRICETAG_WORK_UNIT_IDLE_MS: DEMO_CONVERSATION_IDLE_MS,
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    service.stderr!.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-10_000)));

    dir = mkdtempSync(join(tmpdir(), 'pricetag-otlp-'));
    const rulesFile = join(dir, 'demo.rules.yml');
    const rules = generateRules(loadDemoBudgets(), { timeScale: DEMO_TIME_SCALE, minRange: DEMO_MIN_RANGE });
    writeFileSync(rulesFile, renderRules(rules, 'examples/demo/budgets.yaml', DEMO_TIME_SCALE, DEMO_MIN_RANGE));
    for (const strategy of STRATEGIES) {
      const config = [
        'global:',
        '  scrape_interval: 1s',
        '  evaluation_interval: 1s',
        `rule_files: [${JSON.stringify(rulesFile)}]`,
        'scrape_configs:',
        '  - job_name: otlp-receiver',
        '    honor_labels: true',
        `    metrics_path: /metrics/${strategy}`,
        `    static_configs: [{ targets: [${JSON.stringify(bridgeTarget)}] }]`,
        '',
      ].join('\n');
      prometheus.set(strategy, await startPrometheus(config));
    }
    // As real-data.test.ts: enough rule evaluations for every range query, and the cycle's unpriced phase reached.
    for (const [strategy, p] of prometheus) {
      const job = `job="${DEMO_JOB}"`;
      await p
        .waitFor(`count_over_time(job_plan:ai_cost_per_request:baseline{${job}}[1m])`, (n) => n >= 25, 90_000)
        .catch((err: Error) => {
          throw new Error(`${strategy}: ${err.message}\nservice stderr:\n${stderr}`);
        });
      await p.waitFor(`sum(${select(S.unpricedRequests, job)})`, (n) => n > 0, 60_000);
    }
    now = Date.now() / 1000;
  });

  after(async function () {
    if (service !== undefined && service.exitCode === null && service.signalCode === null) {
      service.kill('SIGTERM');
      await once(service, 'exit');
    }
    for (const p of prometheus.values()) await p.stop();
    await emulator?.close();
    bridge?.close();
    receiver?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('ingests the push under names of its strategy, with job and instance from the resource', async function () {
    for (const [strategy, p] of prometheus) {
      const names = new Set(
        ((await (await fetch(`${p.url}/api/v1/label/__name__/values`)).json()) as { data: string[] }).data.filter(
          (n) => n.startsWith('ai_') || n.startsWith('gen_ai_'),
        ),
      );
      for (const pull of [S.cost, S.requests, `${S.operationDuration}_bucket`, S.catalogInfo])
        assert.ok(names.has(seriesName(pull, strategy)), `${strategy}: ${seriesName(pull, strategy)} in ${[...names].join(' ')}`);
      const other = strategy === 'UnderscoreEscapingWithSuffixes' ? 'UnderscoreEscapingWithoutSuffixes' : 'UnderscoreEscapingWithSuffixes';
      assert.ok(!names.has(seriesName(S.cost, other)), `${strategy}: no ${seriesName(S.cost, other)}`);
      // The zero-code SDK's service instance detector gives each process a random service.instance.id.
      const instanceId = latest()?.resourceMetrics?.[0]?.resource?.attributes?.find((a) => a.key === 'service.instance.id')?.value
        ?.stringValue;
      assert.match(instanceId ?? '', /^[0-9a-f-]{36}$/);
      const info = await p.query(S.catalogInfo);
      assert.ok(info.length > 0);
      for (const r of info) {
        assert.equal(r.metric.job, DEMO_JOB, 'job: service.name');
        assert.equal(r.metric.instance, instanceId, 'instance: service.instance.id');
        assert.equal(r.metric.otel_scope_name, undefined, 'no scope labels without promote_scope_metadata');
      }
      const target = await p.query('target_info');
      assert.equal(target[0]?.metric.deployment_environment_name, 'demo', 'target_info: the other resource attributes');
      // No up series for the push: job and instance are the service's, not the scrape's.
      assert.deepEqual(await p.query(`up{job="${DEMO_JOB}"}`), []);
    }
  });

  for (const strategy of STRATEGIES) {
    it(`${strategy}: returns data for every variable and every panel query, except the allow-listed`, async function () {
      await assertDashboardsHaveData({
        url: prometheus.get(strategy)!.url,
        now,
        lookbackS: LOOKBACK_S,
        stepS: STEP_S,
        timeVariables: TIME_VARIABLES,
        noDataExpected: NO_DATA_EXPECTED,
      });
    });

    it(`${strategy}: evaluates the budget and per-conversation rules`, async function () {
      const p = prometheus.get(strategy)!;
      const spent = await p.query('budget:ai_cost:increase_window{budget="demo-monthly"}');
      assert.ok(spent.length === 1 && Number(spent[0]!.value[1]) > 0, JSON.stringify(spent));
      const p90 = await p.query('budget:ai_conversation_cost:quantile{budget="demo-support-conversation"}');
      assert.ok(p90.length === 1 && Number(p90[0]!.value[1]) > 0, JSON.stringify(p90));
      const latency = await p.query(`histogram_quantile(0.5, sum(rate(${select(`${S.operationDuration}_bucket`)}[10s])) by (le))`);
      assert.ok(latency.length === 1 && Number(latency[0]!.value[1]) > 0, `call latency from ${seriesName(S.operationDuration, strategy)}`);
    });
  }
});
