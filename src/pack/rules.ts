/**
 * `pricetag rules`: the Prometheus recording and alerting rules of the pack,
 * generated from the budgets file and the pack configuration, in the manner
 * of the monitoring mixins (level:metric:operations recording rules, CamelCase
 * alerts with severity, summary, description and runbook_url).
 *
 * `timeScale` divides every range and `for` so tests and the demo see alerts
 * fire in seconds; budgets then also run N times faster (the even spending
 * rate is the amount over the scaled window).
 *
 * `minRange` is the shortest range selector written: a rate needs two samples in
 * its range, and a budget shorter than 30 days scales its windows down (the 5m
 * window of a 1-day budget would be 10s). Ranges below it are raised to it.
 */
import { stringify } from 'yaml';
import { PROMETHEUS_SERIES as S } from '../semconv.js';
import type { Budget, BudgetsConfig } from './budgets.js';
import { ALERT_NAMES, BURN_RATE_WINDOWS, FORECAST, REFERENCE_WINDOW, UNIT_COST_FOR } from './config.js';
import { formatDuration, parseDuration } from './duration.js';
import { select } from './series.js';

export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
  readonly labels?: Readonly<Record<string, string>>;
}

export interface AlertingRule {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

export interface RuleGroup {
  readonly name: string;
  readonly rules: readonly (RecordingRule | AlertingRule)[];
}

export interface RulesFile {
  readonly groups: readonly RuleGroup[];
}

export interface RulesOptions {
  /** Divide every range and `for` by this (1 = real time). */
  readonly timeScale?: number;
  /** Shortest range selector, after scaling; about four scrape intervals. @default 1m (none when timeScale > 1) */
  readonly minRange?: string;
}

/** Four 15-second scrapes: the shortest range that reliably holds two samples at a common interval. */
export const DEFAULT_MIN_RANGE = '1m';

/** Recording rule names, shared with the dashboards. `<w>` is a window written for a 30-day budget. */
export const RECORDS = {
  budgetRate: (w: string) => `budget:ai_cost:rate${w}`,
  budgetBurnRate: (w: string) => `budget:ai_cost:burnrate${w}`,
  budgetSpendWindow: 'budget:ai_cost:increase_window',
  budgetAmount: 'budget:ai_cost_budget:amount',
  budgetEvenRate: 'budget:ai_cost_budget:rate',
  tierRateRecent: 'job_plan_tier:ai_requests:rate_recent',
  tierRateBaseline: 'job_plan_tier:ai_requests:rate_baseline',
  tierShareRecent: 'job_plan_tier:ai_requests:share_recent',
  tierShareBaseline: 'job_plan_tier:ai_requests:share_baseline',
  tierDrift: 'job_plan:ai_requests:tier_drift',
  unitCostQuantile: 'budget:ai_conversation_cost:quantile',
  planRateRecent: 'job_plan:ai_requests:rate_recent',
  costPerRequestRecent: 'job_plan:ai_cost_per_request:recent',
  costPerRequestBaseline: 'job_plan:ai_cost_per_request:baseline',
} as const;

const quote = (v: string) => JSON.stringify(v);

function matchers(labels: Readonly<Record<string, string>>): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}=${quote(v)}`);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

export function generateRules(config: BudgetsConfig, options: RulesOptions = {}): RulesFile {
  const scale = options.timeScale ?? 1;
  if (!(scale >= 1)) throw new RangeError('timeScale must be at least 1');
  const dur = (text: string, factor = 1) => formatDuration((parseDuration(text) * factor) / scale);
  const floor = parseDuration(options.minRange ?? (scale === 1 ? DEFAULT_MIN_RANGE : '1s'));
  if (!(floor > 0)) throw new RangeError(`minRange must be a duration such as 1m, got "${options.minRange}"`);
  /** A range selector's duration: scaled, then raised to the floor. */
  const range = (text: string, factor = 1) => formatDuration(Math.max((parseDuration(text) * factor) / scale, floor));
  const runbook = (alert: string) => `${config.alerts.runbook_url}#${alert.toLowerCase()}`;
  const reference = parseDuration(REFERENCE_WINDOW);

  const budgetRecords: RecordingRule[] = [];
  const budgetAlerts: AlertingRule[] = [];
  for (const budget of config.budgets) {
    const window = parseDuration(budget.window);
    const labels = { budget: budget.name, currency: budget.currency };
    const sel = matchers({ ...budget.selector, ai_cost_currency: budget.currency });
    const of = (name: string) => `${name}{budget=${quote(budget.name)}}`;
    // Windows are written for a 30-day budget; a 7-day budget watches ranges 7/30 as long.
    const windows = [...new Set(BURN_RATE_WINDOWS.flatMap((w) => [w.long, w.short]))];
    for (const w of windows) {
      budgetRecords.push({
        record: RECORDS.budgetRate(w),
        expr: `sum(rate(${select(S.cost, sel)}[${range(w, window / reference)}]))`,
        labels,
      });
    }
    budgetRecords.push(
      { record: RECORDS.budgetAmount, expr: `vector(${budget.amount})`, labels: { ...labels, window: budget.window } },
      // The budget spread evenly over its window, per second: a burn rate of 1 spends exactly the budget.
      { record: RECORDS.budgetEvenRate, expr: `vector(${budget.amount} / ${window / scale})`, labels },
      { record: RECORDS.budgetSpendWindow, expr: `sum(increase(${select(S.cost, sel)}[${range(budget.window)}]))`, labels },
    );
    for (const w of windows) {
      budgetRecords.push({
        record: RECORDS.budgetBurnRate(w),
        expr: `${of(RECORDS.budgetRate(w))} / ignoring(window) ${of(RECORDS.budgetEvenRate)}`,
        labels,
      });
    }
    budgetAlerts.push(...budgetAlertsFor(budget, of, dur, range, window / reference, runbook));
  }

  const td = config.alerts.tier_drift;
  const cd = config.alerts.cost_per_request_drift;
  const requests = select(S.requests, 'ai_pricing_plan!=""');
  const successes = select(S.requests, 'ai_pricing_plan!=""', 'ai_outcome="success"');
  const cost = select(S.cost);
  const byTier = '(job, ai_pricing_plan, ai_pricing_tier)';
  const byPlan = '(job, ai_pricing_plan)';
  const driftRecords: RecordingRule[] = [
    { record: RECORDS.tierRateRecent, expr: `sum by ${byTier} (rate(${requests}[${range(td.recent)}]))` },
    { record: RECORDS.tierRateBaseline, expr: `sum by ${byTier} (rate(${requests}[${range(td.baseline)}]))` },
    {
      record: RECORDS.tierShareRecent,
      expr: `${RECORDS.tierRateRecent} / ignoring(ai_pricing_tier) group_left sum by ${byPlan} (${RECORDS.tierRateRecent})`,
    },
    {
      record: RECORDS.tierShareBaseline,
      expr: `${RECORDS.tierRateBaseline} / ignoring(ai_pricing_tier) group_left sum by ${byPlan} (${RECORDS.tierRateBaseline})`,
    },
    {
      // Total variation distance: half the summed share differences; tiers seen in one window only count in full.
      record: RECORDS.tierDrift,
      expr:
        `0.5 * sum by ${byPlan} (abs((${RECORDS.tierShareRecent} - ${RECORDS.tierShareBaseline}) ` +
        `or ${RECORDS.tierShareRecent} or (${RECORDS.tierShareBaseline} * -1)))`,
    },
    { record: RECORDS.planRateRecent, expr: `sum by ${byPlan} (${RECORDS.tierRateRecent})` },
    {
      record: RECORDS.costPerRequestRecent,
      expr: `sum by ${byPlan} (rate(${cost}[${range(cd.recent)}])) / sum by ${byPlan} (rate(${successes}[${range(cd.recent)}]))`,
    },
    {
      record: RECORDS.costPerRequestBaseline,
      expr: `sum by ${byPlan} (rate(${cost}[${range(cd.baseline)}])) / sum by ${byPlan} (rate(${successes}[${range(cd.baseline)}]))`,
    },
  ];

  const healthSelector = config.alerts.exporter_selector;
  const driftAlerts: AlertingRule[] = [
    {
      alert: ALERT_NAMES.tierDrift,
      expr: `${RECORDS.tierDrift} > ${td.threshold} and on ${byPlan} ${RECORDS.planRateRecent} * 3600 >= ${td.min_requests_per_hour}`,
      for: dur(td.recent, 0.25),
      labels: { severity: 'warning' },
      annotations: {
        summary: 'The mix of pricing tiers moved away from its baseline.',
        description:
          `Calls of {{ $labels.job }} under plan {{ $labels.ai_pricing_plan }} now fall into tiers differently ` +
          `than over the last ${td.baseline}: the total variation distance between the recent (${td.recent}) and baseline tier shares ` +
          `is {{ $value | humanize }} (threshold ${td.threshold}).`,
        runbook_url: runbook(ALERT_NAMES.tierDrift),
      },
    },
    {
      alert: ALERT_NAMES.costPerRequestDrift,
      expr:
        `${RECORDS.costPerRequestRecent} > ${cd.ratio} * ${RECORDS.costPerRequestBaseline} ` +
        `and on ${byPlan} ${RECORDS.planRateRecent} * 3600 >= ${cd.min_requests_per_hour}`,
      for: dur(cd.recent, 0.25),
      labels: { severity: 'warning' },
      annotations: {
        summary: 'The average cost of a call rose well above its baseline.',
        description:
          `Calls of {{ $labels.job }} under plan {{ $labels.ai_pricing_plan }} cost {{ $value | humanize }} on average over ` +
          `the last ${cd.recent}, more than ${cd.ratio}× their ${cd.baseline} average.`,
        runbook_url: runbook(ALERT_NAMES.costPerRequestDrift),
      },
    },
  ];
  const healthAlerts: AlertingRule[] = [
    {
      alert: ALERT_NAMES.unpriced,
      expr:
        `sum by (job, gen_ai_provider_name, gen_ai_request_model, ai_pricing_unpriced_reason) ` +
        `(rate(${select(S.unpricedRequests, healthSelector)}[${range('5m')}])) > 0`,
      for: dur(config.alerts.unpriced_for),
      labels: { severity: 'warning' },
      annotations: {
        summary: 'AI calls are happening that the catalog cannot price.',
        description:
          '{{ $labels.job }} makes {{ $value | humanize }} calls per second to {{ $labels.gen_ai_provider_name }} model ' +
          '{{ $labels.gen_ai_request_model }} that are not priced ({{ $labels.ai_pricing_unpriced_reason }}); ' +
          'their spend is missing from every budget.',
        runbook_url: runbook(ALERT_NAMES.unpriced),
      },
    },
    {
      alert: ALERT_NAMES.exporterDown,
      expr:
        `(${select('up', healthSelector)} == 0 ` +
        `and on (job, instance) max_over_time(${select(S.catalogInfo, healthSelector)}[${range('1d')}])) ` +
        `or absent(${select(S.catalogInfo, healthSelector)})`,
      for: dur('5m'),
      labels: { severity: 'warning' },
      annotations: {
        summary: 'A target that exports AI cost metrics is down, or none exports them.',
        description:
          '{{ if $labels.instance }}{{ $labels.job }} at {{ $labels.instance }} has not been scraped successfully' +
          '{{ else }}No service exports or pushes ai_pricing_catalog_info{{ end }}: ' +
          'AI spend is not being measured, and budget alerts cannot fire.',
        runbook_url: runbook(ALERT_NAMES.exporterDown),
      },
    },
  ];

  // Per-conversation (or other unit) budgets: a quantile of the cost of one finished unit, actual prices only.
  const unitRecords: RecordingRule[] = [];
  const unitAlerts: AlertingRule[] = [];
  for (const b of config.perUnitBudgets) {
    const sel = matchers({ ...b.selector, ai_work_unit: b.unit, ai_cost_currency: b.currency, ai_pricing_shadow_plan: '' });
    const labels = { budget: b.name, currency: b.currency, ai_work_unit: b.unit, quantile: String(b.quantile) };
    unitRecords.push({
      record: RECORDS.unitCostQuantile,
      expr: `histogram_quantile(${b.quantile}, sum by (le) (rate(${select(`${S.conversationCost}_bucket`, sel)}[${range(b.window)}])))`,
      labels,
    });
    const pct = `${Math.round(b.quantile * 100)}th percentile`;
    unitAlerts.push({
      alert: ALERT_NAMES.unitCostHigh,
      expr: `${RECORDS.unitCostQuantile}{budget=${quote(b.name)}} > ${b.amount}`,
      for: dur(UNIT_COST_FOR),
      labels: { severity: 'warning' },
      annotations: {
        summary: `A ${b.unit} costs more than its budget at the ${pct}.`,
        description:
          `The ${pct} of the cost of one ${b.unit} finished over the last ${b.window} is {{ $value | humanize }} ${b.currency}, ` +
          `above the ${b.amount} ${b.currency} budget ${b.name}.`,
        runbook_url: runbook(ALERT_NAMES.unitCostHigh),
      },
    });
  }

  return {
    groups: [
      { name: 'ai-pricetag-budgets', rules: budgetRecords },
      { name: 'ai-pricetag-budget-alerts', rules: budgetAlerts },
      { name: 'ai-pricetag-drift', rules: driftRecords },
      { name: 'ai-pricetag-drift-alerts', rules: driftAlerts },
      { name: 'ai-pricetag-health-alerts', rules: healthAlerts },
      ...(unitRecords.length === 0
        ? []
        : [
            { name: 'ai-pricetag-unit-budgets', rules: unitRecords },
            { name: 'ai-pricetag-unit-budget-alerts', rules: unitAlerts },
          ]),
    ],
  };
}

function budgetAlertsFor(
  budget: Budget,
  of: (name: string) => string,
  dur: (text: string, factor?: number) => string,
  range: (text: string, factor?: number) => string,
  windowFactor: number,
  runbook: (alert: string) => string,
): AlertingRule[] {
  const label = { budget: budget.name, currency: budget.currency };
  const what = `Budget ${budget.name} (${budget.amount} ${budget.currency} per ${budget.window})`;
  const pairs = (severity: string) =>
    BURN_RATE_WINDOWS.filter((w) => w.severity === severity)
      .map((w) => `(${of(RECORDS.budgetBurnRate(w.long))} > ${w.factor} and ${of(RECORDS.budgetBurnRate(w.short))} > ${w.factor})`)
      .join(' or ');
  const spend = of(RECORDS.budgetSpendWindow);
  const amount = `ignoring(window) ${of(RECORDS.budgetAmount)}`;
  return [
    {
      alert: ALERT_NAMES.burnRateCritical,
      expr: pairs('critical'),
      for: dur('2m', windowFactor),
      labels: { ...label, severity: 'critical' },
      annotations: {
        summary: 'AI spend is burning through a budget fast.',
        description:
          `${what} is being spent at {{ $value | humanize }} times the rate that would use it up exactly by the end of the window: ` +
          `at this pace it runs out within days.`,
        runbook_url: runbook(ALERT_NAMES.burnRateCritical),
      },
    },
    {
      alert: ALERT_NAMES.burnRateWarning,
      expr: pairs('warning'),
      for: dur('15m', windowFactor),
      labels: { ...label, severity: 'warning' },
      annotations: {
        summary: 'AI spend is burning a budget faster than it can last.',
        description: `${what} is being spent at {{ $value | humanize }} times its even rate: it will run out before the window ends.`,
        runbook_url: runbook(ALERT_NAMES.burnRateWarning),
      },
    },
    {
      alert: ALERT_NAMES.forecastOverrun,
      // As NodeFilesystemSpaceFillingUp: the recent trend of window spend, projected a tenth of the window ahead.
      expr:
        `predict_linear(${spend}[${range(FORECAST.lookback, windowFactor)}], ` +
        `${parseDuration(dur(budget.window, FORECAST.horizonShare))}) > ${amount} and ${spend} < ${amount}`,
      for: dur(FORECAST.for, windowFactor),
      labels: { ...label, severity: 'warning' },
      annotations: {
        summary: 'The recent spending trend projects a budget overrun.',
        description: `${what}: spend over the window is projected to reach {{ $value | humanize }} ${budget.currency}, above the budget.`,
        runbook_url: runbook(ALERT_NAMES.forecastOverrun),
      },
    },
    {
      alert: ALERT_NAMES.exhausted,
      expr: `${spend} >= ${amount}`,
      for: dur('1m'),
      labels: { ...label, severity: 'critical' },
      annotations: {
        summary: 'A budget is used up.',
        description: `${what}: {{ $value | humanize }} ${budget.currency} spent over the last ${budget.window}, at or above the budget.`,
        runbook_url: runbook(ALERT_NAMES.exhausted),
      },
    },
  ];
}

/** The rules file as YAML, with a header saying it is generated. */
export function renderRules(rules: RulesFile, source: string, timeScale = 1, minRange?: string): string {
  const flags = `${timeScale === 1 ? '' : ` --time-scale ${timeScale}`}${minRange === undefined ? '' : ` --min-range ${minRange}`}`;
  const header = [
    `# Generated by \`pricetag rules --budgets ${source}${flags}\`: do not edit by hand.`,
    '# Recording rules are named level:metric:operations; alerts carry severity, summary, description and runbook_url.',
  ].join('\n');
  return `${header}\n${stringify(rules, { lineWidth: 0, aliasDuplicateObjects: false })}`;
}
