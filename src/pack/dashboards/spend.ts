/**
 * AI spend overview: are we OK (spend, pace, budgets, alerts)? Where does the
 * money go (provider, model, operation, plan, job, pricing model, tier)? What
 * changed (against a day and a week earlier, cost per call, volume)?
 */
import type { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { PROMETHEUS_SERIES as S } from '../../semconv.js';
import { ALERT_NAMES } from '../config.js';
import { RECORDS } from '../rules.js';
import {
  LABEL,
  PROMETHEUS_BUILTIN,
  RANGE,
  RATE_INTERVAL,
  Selectors,
  UNIT,
  assembleDashboard,
  barGaugePanel,
  eq,
  matches,
  pieChartPanel,
  statPanel,
  tablePanel,
  timeseriesPanel,
  type FilterSet,
} from './common.js';
import { DASHBOARDS } from './refs.js';

const FILTERS: FilterSet = { job: 'multi', provider: 'multi', model: 'multi', tier: 'multi' };

export function spendDashboard(): DashboardBuilder {
  const sel = new Selectors(FILTERS);
  const cost = sel.of(S.cost);
  const successes = sel.of(S.requests, eq(LABEL.outcome, 'success'));
  const C = LABEL.currency;
  /** Spend per hour by some labels (always by currency: amounts in different currencies never add). */
  const perSecond = (selector: string, by: readonly string[]) => `sum by (${[C, ...by].join(', ')}) (rate(${selector}[${RATE_INTERVAL}]))`;
  const hourly = (by: readonly string[]) => `${perSecond(cost, by)} * 3600`;
  const overRange = (by: readonly string[]) => `sum by (${[C, ...by].join(', ')}) (increase(${cost}[${RANGE}]))`;
  const legend = (by: readonly string[]) => [C, ...by].map((l) => `{{${l}}}`).join(' ');
  const byLabel = (title: string, label: string, what: string, width = 8) =>
    timeseriesPanel({
      title: `Spend per hour by ${title}`,
      description:
        `Spend rate (per hour) by ${what}, stacked: the top of the stack is the total. ` +
        `A band that widens is where spend grows; hover for each ${what}'s share.`,
      unit: UNIT.money,
      stack: true,
      width,
      queries: [{ expr: hourly([label]), legend: legend([label]) }],
    });
  const alertNames = Object.values(ALERT_NAMES).join('|');

  return assembleDashboard({
    ref: DASHBOARDS.spend,
    description: 'AI spend from ai-pricetag metrics: totals and pace, where the money goes, and what changed.',
    filters: FILTERS,
    rows: [
      {
        title: 'Are we OK?',
        panels: [
          statPanel({
            title: 'Spend over the range',
            description:
              'Total charged for AI calls over the selected time range, ' +
              'per currency (choose "This month so far" for the month to date). Counter resets from restarts are absorbed.',
            unit: UNIT.money,
            queries: [{ expr: overRange([]), legend: legend([]), instant: true }],
          }),
          statPanel({
            title: 'Spend per hour now',
            description:
              'The current pace of spend, per hour, over the last rate interval. ' +
              'The sparkline shows the pace across the range: a step up is a change in traffic or price.',
            unit: UNIT.money,
            sparkline: true,
            queries: [{ expr: hourly([]), legend: legend([]) }],
          }),
          statPanel({
            title: 'AI calls over the range',
            description: 'Number of AI calls over the selected range, priced or not, successful or not.',
            unit: UNIT.count,
            queries: [{ expr: `sum(increase(${sel.of(S.requests)}[${RANGE}]))`, legend: 'calls', instant: true }],
          }),
          statPanel({
            title: 'Average cost per call',
            description:
              'Spend over the range divided by the successful calls over the range, per currency. ' +
              'Compare with the cost-per-call panels below to see when it moved.',
            unit: UNIT.money,
            queries: [{ expr: `${overRange([])} / sum by (${C}) (increase(${successes}[${RANGE}]))`, legend: legend([]), instant: true }],
          }),
          statPanel({
            title: 'Most used budget',
            description:
              'The highest share of any budget spent over its window (from the budget recording rules; no data without them). ' +
              'Orange from 80%, red when a budget is used up.',
            unit: UNIT.share,
            thresholds: [
              { value: 0.8, color: 'orange' },
              { value: 1, color: 'red' },
            ],
            links: [DASHBOARDS.budgets],
            queries: [
              {
                expr: `max(${RECORDS.budgetSpendWindow} / ignoring(${LABEL.budgetWindow}) ${RECORDS.budgetAmount})`,
                legend: 'budget used',
                instant: true,
              },
            ],
          }),
          statPanel({
            title: 'Firing cost alerts',
            description:
              'Alerts of the ai-pricetag pack firing now (budgets, drift, unpriced calls, exporter). ' +
              '0 is good; follow the link to the budgets, or see Alertmanager and docs/runbook.md.',
            unit: UNIT.count,
            thresholds: [{ value: 1, color: 'red' }],
            links: [DASHBOARDS.budgets],
            queries: [
              {
                expr:
                  `count(${PROMETHEUS_BUILTIN.alerts}{${eq(LABEL.alertState, 'firing')},${matches(LABEL.alertName, alertNames)}}) ` +
                  `or vector(0)`,
                legend: 'firing',
                instant: true,
              },
            ],
          }),
        ],
      },
      {
        title: 'Where does the money go?',
        panels: [
          byLabel('provider', LABEL.provider, 'provider', 12),
          byLabel('model', LABEL.model, 'model', 12),
          byLabel('operation', LABEL.operation, 'operation'),
          byLabel('plan', LABEL.plan, 'catalog plan'),
          byLabel('job', LABEL.job, 'job (service)'),
          barGaugePanel({
            title: 'Top 10 models over the range',
            description:
              'The ten models that cost the most over the selected range, per currency. ' +
              'Long bars are where a cheaper model or a smaller prompt saves the most.',
            unit: UNIT.money,
            queries: [{ expr: `topk(10, ${overRange([LABEL.model])})`, legend: legend([LABEL.model]), instant: true }],
          }),
          pieChartPanel({
            title: 'Spend by pricing model over the range',
            description:
              'Spend over the range by how the plans charge: per_request (a flat price per call), per_token, per_unit (characters, ' +
              'images, seconds…) or blended. Token-priced spend follows prompt sizes; per-request spend follows call counts.',
            unit: UNIT.money,
            queries: [{ expr: overRange([LABEL.pricingModel]), legend: legend([LABEL.pricingModel]), instant: true }],
          }),
          barGaugePanel({
            title: 'Spend by plan and tier over the range',
            description:
              'Spend over the range by catalog plan and pricing tier. ' +
              'A costly tier growing (advanced search, long context) is what the tier-drift dashboard explains.',
            unit: UNIT.money,
            links: [DASHBOARDS.tierDrift],
            queries: [
              { expr: overRange([LABEL.plan, LABEL.tier]), legend: `{{${C}}} {{${LABEL.plan}}} / {{${LABEL.tier}}}`, instant: true },
            ],
          }),
          tablePanel({
            title: 'Spend and calls by job, provider, model and operation over the range',
            description:
              "One row per job, provider, model, operation and currency: spend (in the row's currency) and calls over the range. " +
              'Rows without spend are unpriced calls (see the instrumentation health dashboard). Sort by a column header.',
            unit: UNIT.none,
            width: 24,
            height: 9,
            links: [DASHBOARDS.health],
            queries: [
              { expr: overRange([LABEL.job, LABEL.provider, LABEL.model, LABEL.operation]), format: 'table', instant: true },
              {
                expr:
                  `sum by (${[LABEL.job, LABEL.provider, LABEL.model, LABEL.operation, C].join(', ')}) ` +
                  `(increase(${sel.of(S.requests)}[${RANGE}]))`,
                format: 'table',
                instant: true,
              },
            ],
            columns: {
              [LABEL.job]: 'Job',
              [LABEL.provider]: 'Provider',
              [LABEL.model]: 'Model',
              [LABEL.operation]: 'Operation',
              [C]: 'Currency',
              'Value #A': 'Spend',
              'Value #B': 'Calls',
            },
            columnUnits: { Calls: UNIT.count },
            decimals: 4,
          }),
        ],
      },
      {
        title: 'What changed?',
        panels: [
          timeseriesPanel({
            title: 'Spend per hour against a day and a week earlier',
            description:
              'The spend rate now (solid) against the same time a day and a week earlier (dashed). ' +
              'A gap that opens is a change in traffic or price; the same shape a day earlier is the daily cycle.',
            unit: UNIT.money,
            dashed: 'earlier$',
            queries: [
              { expr: hourly([]), legend: `{{${C}}} now` },
              { expr: `sum by (${C}) (rate(${cost}[${RATE_INTERVAL}] offset 1d)) * 3600`, legend: `{{${C}}} a day earlier` },
              { expr: `sum by (${C}) (rate(${cost}[${RATE_INTERVAL}] offset 7d)) * 3600`, legend: `{{${C}}} a week earlier` },
            ],
          }),
          timeseriesPanel({
            title: 'Average cost per call by plan',
            description:
              'Spend divided by successful calls, per plan. A plan whose calls got more expensive while volume stayed flat points ' +
              'at bigger prompts or a costlier tier (see the tier-drift dashboard).',
            unit: UNIT.money,
            links: [DASHBOARDS.tierDrift],
            queries: [
              {
                expr: `${perSecond(cost, [LABEL.plan])} / ${perSecond(successes, [LABEL.plan])}`,
                legend: legend([LABEL.plan]),
              },
            ],
          }),
          timeseriesPanel({
            title: 'Calls per second by provider and plan',
            description:
              'Call volume by provider and plan (calls without a plan are unpriced). ' +
              'Spend that grows with volume here is more traffic; spend that grows without it is price or size.',
            unit: UNIT.perSecond,
            queries: [
              {
                expr: `sum by (${LABEL.provider}, ${LABEL.plan}) (rate(${sel.of(S.requests)}[${RATE_INTERVAL}]))`,
                legend: `{{${LABEL.provider}}} {{${LABEL.plan}}}`,
              },
            ],
          }),
          timeseriesPanel({
            title: 'Billable usage per second by unit',
            description:
              'Billable quantities per second by unit (input, cached and output tokens, characters, images, requests…). ' +
              'A unit that grows faster than calls means bigger calls.',
            unit: UNIT.count,
            queries: [
              { expr: `sum by (${LABEL.usageUnit}) (rate(${sel.of(S.usage)}[${RATE_INTERVAL}]))`, legend: `{{${LABEL.usageUnit}}}` },
            ],
          }),
        ],
      },
    ],
  });
}
