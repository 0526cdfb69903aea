import { strict as assert } from 'node:assert';
import { DEMO_JOB, startDemoStack, type DemoStack } from '../../examples/demo/stack.js';
import { hasBinary } from '../support/prometheus.js';
import { committedDashboards, panelQueries, assertDashboardsHaveData } from './support.js';

/**
 * Scenario minutes per real minute: the demo's 40-minute cycle (steady, tier drift, spend spike,
 * a model the catalog lacks) runs in 30 s, so the lookback below sees all of it.
 */
const DEMO_SPEED = 80;
/** Range queries look back this far, at this step; Grafana's time variables are set to match. */
const LOOKBACK_S = 45;
const STEP_S = 3;
const TIME_VARIABLES = { __range: `${LOOKBACK_S}s`, __rate_interval: '10s', __interval: `${STEP_S}s` };

/**
 * Queries that may rightly return nothing on a fresh Prometheus, by `panel title` (all its queries)
 * or `panel title › refId`, with the reason.
 */
const NO_DATA_EXPECTED: Readonly<Record<string, string>> = {
  'Spend per hour against a day and a week earlier › B': 'offset 1d: needs a day of history',
  'Spend per hour against a day and a week earlier › C': 'offset 7d: needs a week of history',
  'Instrumentation faults per second by stage':
    'counts faults inside ai-pricetag, which healthy traffic never has (the stat beside it shows 0 through `or vector(0)`)',
};

describe('dashboards against a real Prometheus scraping the demo', function () {
  this.timeout(120_000);
  let stack: DemoStack | undefined;
  let now = 0;

  before(async function () {
    assert.ok(
      hasBinary('prometheus') && hasBinary('prometheus-alertmanager'),
      'prometheus and prometheus-alertmanager must be on PATH (apt-get install prometheus prometheus-alertmanager); .ci/run installs them',
    );
    // The demo as `npm run demo` runs it: emulator, zero-code service, Prometheus with the demo's time-scaled rules.
    stack = await startDemoStack({
      speed: DEMO_SPEED,
      prometheus: true,
      ports: { metrics: 0, prometheus: 0, alertmanager: 0, emulator: 0 },
    });
    const prometheus = stack.prometheus!;
    // Enough evaluations of the recording rules that every range query has points, and the cycle's last phase (unpriced calls) reached.
    await prometheus.waitFor(`count_over_time(job_plan:ai_cost_per_request:baseline{job="${DEMO_JOB}"}[1m])`, (n) => n >= 25, 60_000);
    await prometheus.waitFor(`sum(ai_unpriced_requests_total{job="${DEMO_JOB}"})`, (n) => n > 0, 60_000);
    now = Date.now() / 1000;
  });

  after(async function () {
    await stack?.stop();
  });

  it('returns data for every variable and every panel query, except the allow-listed', async function () {
    await assertDashboardsHaveData({
      url: stack!.prometheus!.url,
      now,
      lookbackS: LOOKBACK_S,
      stepS: STEP_S,
      timeVariables: TIME_VARIABLES,
      noDataExpected: NO_DATA_EXPECTED,
    });
  });

  it('evaluates the per-conversation budget of the demo (AiConversationCostHigh) on the demo conversations', async function () {
    // The demo's support-chat conversations finish after 6 s idle; the rule reads their cost histogram.
    const result = await stack!.prometheus!.query('budget:ai_conversation_cost:quantile{budget="demo-support-conversation"}');
    assert.equal(result.length, 1, JSON.stringify(result));
    const p90 = Number(result[0]!.value[1]);
    assert.ok(Number.isFinite(p90) && p90 > 0, `the 90th percentile support conversation costs something: ${p90}`);
    // Conversation ids (support-N, assistant-N in the demo) reach spans only, never the exposition.
    const text = await (await fetch(stack!.metricsUrl)).text();
    assert.match(text, /^ai_conversation_cost_bucket\{/m);
    assert.doesNotMatch(text, /"(support|assistant)-\d+"/);
  });

  it('allow-lists only panels that exist', function () {
    const wheres = new Set(
      [...committedDashboards().values()].flatMap(({ json }) => panelQueries(json).flatMap((q) => [q.where, q.panel.title ?? ''])),
    );
    for (const key of Object.keys(NO_DATA_EXPECTED)) assert.ok(wheres.has(key), `allow-list entry "${key}" names no panel query`);
  });
});
