import { strict as assert } from 'node:assert';
import { loadBudgetsFile } from '../../src/pack/budgets.js';
import { generateRules } from '../../src/pack/rules.js';
import { seriesNames } from '../../src/pack/series.js';
import { PROMETHEUS_SERIES as S } from '../../src/semconv.js';
import {
  checkPromQL,
  committedDashboards,
  labelValues,
  panelQueries,
  placeholderValues,
  root,
  substitute,
  variableQuery,
  type DashboardJson,
} from './support.js';

/** Series Prometheus writes itself, each with why a dashboard may read it. */
const PROMETHEUS_BUILTINS: Readonly<Record<string, string>> = {
  up: 'scrape health of each target (instrumentation health, exporter down)',
  scrape_duration_seconds: 'scrape duration of each target',
  scrape_samples_scraped: 'samples per scrape: the cardinality of an exporter',
  ALERTS: 'alerts pending or firing, as the rule manager records them',
};

/** Histogram instruments: Prometheus serves them as _bucket, _sum and _count series. */
const HISTOGRAMS = [
  S.requestCost,
  S.tokenUsage,
  S.operationDuration,
  S.usageCost,
  S.conversationCost,
  S.conversationRequests,
  S.conversationDuration,
];

function knownSeries(): Set<string> {
  const names = new Set<string>(Object.values(S));
  for (const h of HISTOGRAMS) for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${h}${suffix}`);
  // The same series as an OTLP push names them (src/pack/series.ts).
  for (const name of [...names]) for (const other of seriesNames(name)) names.add(other);
  const budgets = loadBudgetsFile(`${root}alerts/budgets.example.yaml`);
  assert.ok(budgets.ok);
  for (const group of generateRules(budgets.config).groups) for (const rule of group.rules) if ('record' in rule) names.add(rule.record);
  for (const name of Object.keys(PROMETHEUS_BUILTINS)) names.add(name);
  return names;
}

/** Every PromQL text of a dashboard (panel queries, and the selectors of label_values variables), variables substituted. */
function expressions(dashboard: DashboardJson): { where: string; expr: string }[] {
  const values = placeholderValues(dashboard);
  const out = panelQueries(dashboard).map((q) => ({ where: q.where, expr: substitute(q.expr, values) }));
  for (const v of dashboard.templating.list.filter((x) => x.type === 'query')) {
    const lv = labelValues(variableQuery(v));
    assert.ok(lv !== undefined, `${dashboard.uid}: variable ${v.name} is a label_values query`);
    out.push({ where: `variable ${v.name}`, expr: substitute(lv.selector, values) });
  }
  return out;
}

function problems(expr: string, known: ReadonlySet<string>): string[] {
  const { errors, metrics } = checkPromQL(expr);
  return [...errors.map((e) => `parse error ${e}`), ...metrics.filter((m) => !known.has(m)).map((m) => `unknown metric ${m}`)];
}

describe('dashboards: PromQL', function () {
  const dashboards = [...committedDashboards().values()].map((d) => d.json);
  const known = knownSeries();

  it('parses every panel query and variable query with the PromQL grammar, Grafana variables substituted', function () {
    let count = 0;
    for (const d of dashboards) {
      for (const { where, expr } of expressions(d)) {
        count++;
        const { errors } = checkPromQL(expr);
        assert.deepEqual(errors, [], `${d.uid} / ${where}: ${expr}`);
      }
    }
    assert.ok(count > 50, `checked ${count} expressions`);
  });

  it('reads only series of src/telemetry (under any naming), recorded by the pack rules, or built into Prometheus', function () {
    const used = new Set<string>();
    for (const d of dashboards) {
      for (const { where, expr } of expressions(d)) {
        const { metrics } = checkPromQL(expr);
        assert.ok(metrics.length > 0, `${d.uid} / ${where} reads no series: ${expr}`);
        for (const m of metrics) {
          assert.ok(known.has(m), `${d.uid} / ${where}: ${m} is not an ai-pricetag series, a recording rule or an allowed built-in`);
          used.add(m);
        }
      }
    }
    // The instruments the pack is about are all on some dashboard.
    for (const s of [
      S.cost,
      S.requests,
      S.usage,
      S.costShadow,
      S.unpricedRequests,
      S.catalogInfo,
      S.instrumentationErrors,
      `${S.requestCost}_bucket`,
      `${S.tokenUsage}_bucket`,
    ]) {
      assert.ok(used.has(s), `no dashboard reads ${s}`);
    }
  });

  it('uses only variables its dashboard defines (or Grafana built-ins)', function () {
    for (const d of dashboards) {
      const values = placeholderValues(d);
      for (const q of panelQueries(d)) assert.doesNotThrow(() => substitute(q.expr, values), `${d.uid} / ${q.where}`);
    }
  });

  it('catches broken expressions, unknown series and undefined variables', function () {
    for (const broken of [
      'sum(rate(ai_cost_total[5m])',
      'ai_cost_total{job=}',
      'sum by (job) rate(ai_cost_total[5m])',
      'ai_cost_total[$__range]',
      'rate(ai_cost_total[5m]) +',
    ]) {
      assert.ok(
        problems(broken, known).some((p) => p.startsWith('parse error')),
        broken,
      );
    }
    assert.deepEqual(problems('sum(rate(ai_costs_total[5m])) / sum(rate(ai_requests_total[5m]))', known), [
      'unknown metric ai_costs_total',
    ]);
    assert.deepEqual(problems('job_plan:ai_requests:tier_drif > 0.2', known), ['unknown metric job_plan:ai_requests:tier_drif']);
    assert.deepEqual(problems('budget:ai_cost:burnrate1h > 14.4 and up == 1', known), []);
    assert.throws(() => substitute('rate(ai_cost_total{team=~"$team"}[5m])', { __range: '1h' }), /unknown variable \$team/);
    assert.equal(
      substitute('increase(ai_cost_total{job=~"${job}"}[$__range])', { job: '.*', __range: '1h' }),
      'increase(ai_cost_total{job=~".*"}[1h])',
    );
  });
});
