/**
 * Tier drift: is the mix of pricing tiers moving away from its baseline (the
 * distance AiPricingTierDrift alerts on, with its threshold and volume floor)?
 * How did the mix change? What does a call cost now against then, and which
 * usage sizes explain it?
 */
import type { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { PROMETHEUS_SERIES as S } from '../../semconv.js';
import { RECORDS } from '../rules.js';
import {
  LABEL,
  RATE_INTERVAL,
  Selectors,
  UNIT,
  assembleDashboard,
  barGaugePanel,
  eq,
  heatmapPanel,
  histogram,
  neq,
  timeseriesPanel,
  type FilterSet,
} from './common.js';
import { DASHBOARDS, type DashboardsConfig } from './refs.js';

// One plan at a time: tier shares are shares of one plan's calls, and only then do they stack to 100%.
const FILTERS: FilterSet = { job: 'multi', provider: 'multi', model: 'multi', plan: 'single', tier: 'multi' };

export function tierDriftDashboard(config: DashboardsConfig): DashboardBuilder {
  const td = config.alerts.tier_drift;
  const cd = config.alerts.cost_per_request_drift;
  const sel = new Selectors(FILTERS);
  const allPlans = sel.without('plan');
  // Shares are of all the plan's calls: the tier filter narrows the usage panels, not the mix.
  const mix = sel.without('tier');
  const T = LABEL.tier;
  const P = LABEL.plan;
  /** Shares of each tier in the calls of the selected jobs and plan, from a per-tier rate. */
  const shares = (rates: string) => `sum by (${T}) (${rates}) / ignoring(${T}) group_left sum(${rates})`;
  const priced = mix.of(S.requests, neq(P, ''));
  /** A cost-per-call recording rule with its plan's currency attached, for the unit. */
  const withCurrency = (record: string) =>
    `${sel.of(record)} * on (${LABEL.job}, ${P}) group_left (${LABEL.currency}) ` +
    `group by (${LABEL.job}, ${P}, ${LABEL.currency}) (${sel.without('provider', 'model', 'tier').of(S.cost)})`;
  const tokens = histogram(S.tokenUsage);
  const tokenHeatmap = (type: 'input' | 'output') =>
    heatmapPanel({
      title: `${type === 'input' ? 'Input' : 'Output'} tokens per call`,
      description:
        `How many ${type} tokens calls carry (gen_ai.client.token.usage, all models of the selected providers): ` +
        `each column is a time slice, darker cells hold more calls. ` +
        `A band moving up means bigger ${type === 'input' ? 'prompts (and context-size tiers)' : 'answers'}.`,
      unit: UNIT.count,
      log: true,
      queries: [
        {
          expr: `sum by (le) (increase(${sel.of(tokens.bucket, eq(LABEL.tokenType, type))}[${RATE_INTERVAL}]))`,
          legend: '{{le}}',
          format: 'heatmap',
        },
      ],
    });

  return assembleDashboard({
    ref: DASHBOARDS.tierDrift,
    description:
      `Tier drift: the share of calls per pricing tier, recent (${td.recent}) against baseline (${td.baseline}), ` +
      `the distance AiPricingTierDrift alerts on, cost per call and the usage sizes behind it.`,
    filters: FILTERS,
    rows: [
      {
        title: 'Are we OK?',
        panels: [
          timeseriesPanel({
            title: 'Tier drift distance, every plan',
            description:
              `Total variation distance between each plan's recent (${td.recent}) and baseline (${td.baseline}) tier shares: 0 is the ` +
              `same mix, 1 a completely different one. AiPricingTierDrift fires above the dashed line (${td.threshold}) when the plan ` +
              `makes at least ${td.min_requests_per_hour} calls an hour. Shows every plan, so the one drifting can be picked above.`,
            unit: UNIT.share,
            min: 0,
            drawThresholds: true,
            thresholds: [{ value: td.threshold, color: 'red' }],
            queries: [{ expr: allPlans.of(RECORDS.tierDrift), legend: `{{${LABEL.job}}} {{${P}}}` }],
          }),
          timeseriesPanel({
            title: 'Calls per hour under each plan, recent window',
            description:
              `Calls per hour under each plan over the recent window (${td.recent}). ` +
              `Below the dashed line (${td.min_requests_per_hour} an hour) a plan's tier mix is noise and drift does not alert.`,
            unit: UNIT.count,
            drawThresholds: true,
            thresholds: [{ value: td.min_requests_per_hour, color: 'green' }],
            queries: [{ expr: `${allPlans.of(RECORDS.planRateRecent)} * 3600`, legend: `{{${LABEL.job}}} {{${P}}}` }],
          }),
        ],
      },
      {
        title: 'How did the mix change? ($plan)',
        panels: [
          timeseriesPanel({
            title: 'Tier mix, recent window',
            description:
              `Share of the plan's calls in each tier over the recent window (${td.recent}), stacked to 100%. ` +
              `Compare with the baseline beside it: a band that grew is the drift.`,
            unit: UNIT.share,
            stack: true,
            min: 0,
            max: 1,
            queries: [{ expr: shares(mix.of(RECORDS.tierRateRecent)), legend: `{{${T}}}` }],
          }),
          timeseriesPanel({
            title: 'Tier mix, baseline window',
            description:
              `Share of the plan's calls in each tier over the baseline window (${td.baseline}), stacked to 100%: ` +
              `the normal mix the recent one is compared with.`,
            unit: UNIT.share,
            stack: true,
            min: 0,
            max: 1,
            queries: [{ expr: shares(mix.of(RECORDS.tierRateBaseline)), legend: `{{${T}}}` }],
          }),
          timeseriesPanel({
            title: 'Tier mix per rate interval',
            description:
              "Share of the plan's calls in each tier, from the raw counters at the dashboard's resolution, stacked to 100%: " +
              'shows when the mix moved, to the minute.',
            unit: UNIT.share,
            stack: true,
            min: 0,
            max: 1,
            queries: [{ expr: shares(`rate(${priced}[${RATE_INTERVAL}])`), legend: `{{${T}}}` }],
          }),
          barGaugePanel({
            title: 'Tier shares now: recent against baseline',
            description:
              "Each tier's share of the plan's calls now, recent window against baseline. " +
              'Pairs of bars of different length are the tiers that moved.',
            unit: UNIT.share,
            width: 12,
            min: 0,
            max: 1,
            queries: [
              { expr: shares(mix.of(RECORDS.tierRateRecent)), legend: `{{${T}}} recent`, instant: true },
              { expr: shares(mix.of(RECORDS.tierRateBaseline)), legend: `{{${T}}} baseline`, instant: true },
            ],
          }),
        ],
      },
      {
        title: 'What does a call cost? ($plan)',
        panels: [
          timeseriesPanel({
            title: 'Cost per call: recent against baseline',
            description:
              `Average cost of a successful call under the plan, over the recent window (${cd.recent}, solid) and the baseline ` +
              `(${cd.baseline}, dashed), per job. A drifting tier mix shows up here as money.`,
            unit: UNIT.money,
            dashed: 'baseline$',
            links: [DASHBOARDS.pricingFit],
            queries: [
              { expr: withCurrency(RECORDS.costPerRequestRecent), legend: `{{${LABEL.currency}}} {{${LABEL.job}}} recent` },
              { expr: withCurrency(RECORDS.costPerRequestBaseline), legend: `{{${LABEL.currency}}} {{${LABEL.job}}} baseline` },
            ],
          }),
          timeseriesPanel({
            title: 'Cost per call, recent over baseline',
            description:
              `Recent average cost per call divided by the baseline one. AiCostPerRequestDrift fires above the dashed line ` +
              `(${cd.ratio}×) when the plan makes at least ${cd.min_requests_per_hour} calls an hour.`,
            unit: UNIT.times,
            drawThresholds: true,
            thresholds: [{ value: cd.ratio, color: 'red' }],
            queries: [
              { expr: `${sel.of(RECORDS.costPerRequestRecent)} / ${sel.of(RECORDS.costPerRequestBaseline)}`, legend: `{{${LABEL.job}}}` },
            ],
          }),
        ],
      },
      {
        title: 'Why? Usage per call',
        panels: [
          timeseriesPanel({
            title: 'Average usage per call by unit ($plan)',
            description:
              'Billable quantity per successful call, by unit (tokens by kind, characters, images…). ' +
              'Tiers chosen by size (long context, character minimums) move when these do.',
            unit: UNIT.count,
            width: 24,
            queries: [
              {
                expr:
                  `sum by (${LABEL.usageUnit}) (rate(${sel.of(S.usage)}[${RATE_INTERVAL}])) ` +
                  `/ ignoring(${LABEL.usageUnit}) group_left ` +
                  `sum(rate(${sel.of(S.requests, eq(LABEL.outcome, 'success'))}[${RATE_INTERVAL}]))`,
                legend: `{{${LABEL.usageUnit}}}`,
              },
            ],
          }),
          tokenHeatmap('input'),
          tokenHeatmap('output'),
        ],
      },
    ],
  });
}
