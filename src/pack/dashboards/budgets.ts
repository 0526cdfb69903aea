/**
 * Budgets: how much of each budget is spent over its window, how fast it
 * burns (the multi-window burn rates the alerts use, thresholds drawn), and
 * where the current trend ends (projection, time to exhaustion). Reads only
 * the budget recording rules of `pricetag rules`.
 */
import type { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { BURN_RATE_WINDOWS, FORECAST } from '../config.js';
import { RECORDS } from '../rules.js';
import {
  LABEL,
  Selectors,
  UNIT,
  assembleDashboard,
  barGaugePanel,
  statPanel,
  timeseriesPanel,
  type FilterSet,
  type Step,
} from './common.js';
import { DASHBOARDS } from './refs.js';

const FILTERS: FilterSet = { budget: 'multi' };

/**
 * The projection of AiBudgetForecastOverrun for a 30-day budget (FORECAST in src/pack/config.ts).
 * A range in PromQL cannot vary per series, so the lookback stays that of a 30-day budget; the
 * horizon is each budget's own (its window is amount / even rate).
 */
const FORECAST_LOOKBACK = FORECAST.lookback;
const FORECAST_HORIZON_SHARE = FORECAST.horizonShare;

/** Burn-rate thresholds as colours, mildest first. */
const BURN_COLORS = ['yellow', 'orange', 'red', 'dark-red'];

function burnSteps(factors: readonly number[]): Step[] {
  return [...new Set(factors)].sort((a, b) => a - b).map((value, i) => ({ value, color: BURN_COLORS[i] ?? 'dark-red' }));
}

export function budgetsDashboard(): DashboardBuilder {
  const sel = new Selectors(FILTERS);
  const spend = sel.of(RECORDS.budgetSpendWindow);
  const amount = sel.of(RECORDS.budgetAmount);
  const evenRate = sel.of(RECORDS.budgetEvenRate);
  const W = LABEL.budgetWindow;
  const money = `{{${LABEL.budgetCurrency}}} {{${LABEL.budget}}}`;
  const [first] = BURN_RATE_WINDOWS;
  const burnPanel = (severity: 'critical' | 'warning', title: string, description: string) => {
    const pairs = BURN_RATE_WINDOWS.filter((w) => w.severity === severity);
    return timeseriesPanel({
      title,
      description,
      unit: UNIT.times,
      drawThresholds: true,
      thresholds: burnSteps(pairs.map((w) => w.factor)),
      queries: pairs.flatMap((w) => [
        { expr: sel.of(RECORDS.budgetBurnRate(w.long)), legend: `{{${LABEL.budget}}} ${w.long} (> ${w.factor}×)` },
        { expr: sel.of(RECORDS.budgetBurnRate(w.short)), legend: `{{${LABEL.budget}}} ${w.short} (> ${w.factor}×)` },
      ]),
    });
  };

  return assembleDashboard({
    ref: DASHBOARDS.budgets,
    description:
      'Budgets of the ai-pricetag pack: ' +
      'spend over each window against its limit, burn rates with the alert thresholds, projection and time to exhaustion.',
    filters: FILTERS,
    from: 'now-7d',
    rows: [
      {
        title: 'Are we OK?',
        panels: [
          barGaugePanel({
            title: 'Budget used over its window',
            description:
              "Spend over each budget's rolling window divided by its amount. Orange from 80%; red at 100%, where AiBudgetExhausted fires.",
            unit: UNIT.share,
            height: 6,
            min: 0,
            max: 1,
            thresholds: [
              { value: 0.8, color: 'orange' },
              { value: 1, color: 'red' },
            ],
            queries: [{ expr: `${spend} / ignoring(${W}) ${amount}`, legend: `{{${LABEL.budget}}}`, instant: true }],
          }),
          statPanel({
            title: `Burn rate over the ${first.long} window`,
            description:
              `Spend rate over the ${first.long} window (named for a 30-day budget and scaled to each budget's window) divided ` +
              `by the rate that spends exactly the budget by the end of its window. 1 lasts the window; ` +
              `colours mark the alert thresholds (${BURN_RATE_WINDOWS.map((w) => `${w.factor}× over ${w.long}`).join(', ')}).`,
            unit: UNIT.times,
            height: 6,
            width: 6,
            sparkline: true,
            thresholds: burnSteps(BURN_RATE_WINDOWS.map((w) => w.factor)),
            queries: [{ expr: sel.of(RECORDS.budgetBurnRate(first.long)), legend: `{{${LABEL.budget}}}` }],
          }),
          statPanel({
            title: 'Spent over the window',
            description: "Spend over each budget's rolling window, in the budget's currency. Compare with the limit in the panel below.",
            unit: UNIT.money,
            height: 6,
            width: 5,
            queries: [{ expr: spend, legend: money, instant: true }],
          }),
          statPanel({
            title: 'Time to exhaustion at the current pace',
            description:
              `What is left of each budget divided by its spend rate over the ${first.long} window. ` +
              `A rough guide: spend also leaves a rolling window as it ages. Budgets not being spent show no value.`,
            unit: UNIT.seconds,
            height: 6,
            width: 5,
            queries: [
              {
                expr: `clamp_min(${amount} - ignoring(${W}) ${spend}, 0) / (${sel.of(RECORDS.budgetRate(first.long))} > 0)`,
                legend: `{{${LABEL.budget}}}`,
                instant: true,
              },
            ],
          }),
        ],
      },
      {
        title: 'Spend against the limit',
        panels: [
          timeseriesPanel({
            title: 'Spend over the window against the limit',
            description:
              "Spend over each budget's rolling window (solid) and its amount (dashed). " +
              'The solid line reaching the dashed one is AiBudgetExhausted.',
            unit: UNIT.money,
            width: 8,
            dashed: 'limit$',
            queries: [
              { expr: spend, legend: `${money} spent` },
              { expr: amount, legend: `${money} limit` },
            ],
          }),
          timeseriesPanel({
            title: 'Projected window spend',
            description:
              `Where spend over the window is heading: its trend over the last ${FORECAST_LOOKBACK}, ` +
              `carried ${FORECAST_HORIZON_SHARE * 100}% of the budget's window ahead, as AiBudgetForecastOverrun does. ` +
              `A projection above the dashed limit while spend is still below it is what that alert warns about.`,
            unit: UNIT.money,
            width: 8,
            dashed: 'limit$',
            queries: [
              {
                expr:
                  `predict_linear(${spend}[${FORECAST_LOOKBACK}], 0) ` +
                  `+ deriv(${spend}[${FORECAST_LOOKBACK}]) * ${FORECAST_HORIZON_SHARE} * (${amount} / ignoring(${W}) ${evenRate})`,
                legend: `${money} projected`,
              },
              { expr: amount, legend: `${money} limit` },
            ],
          }),
          timeseriesPanel({
            title: 'Spend per hour against the even rate',
            description:
              `Spend per hour over the ${first.long} window (solid) and the even rate that spends exactly the budget over its window ` +
              `(dashed). Above the dashed line the budget runs out before its window ends.`,
            unit: UNIT.money,
            width: 8,
            dashed: 'even rate$',
            queries: [
              { expr: `${sel.of(RECORDS.budgetRate(first.long))} * 3600`, legend: `${money} spend rate` },
              { expr: `${evenRate} * 3600`, legend: `${money} even rate` },
            ],
          }),
        ],
      },
      {
        title: 'How fast is it burning?',
        panels: [
          burnPanel(
            'critical',
            'Fast burn (pages): burn rate against the critical thresholds',
            'Burn rates of the pairs of windows behind AiBudgetBurnRateCritical. It fires when both windows of a pair are above their ' +
              'line (dashed): the long window proves the burn is real, the short one that it is still going on.',
          ),
          burnPanel(
            'warning',
            'Slow burn (tickets): burn rate against the warning thresholds',
            'Burn rates of the pairs of windows behind AiBudgetBurnRateWarning: a slower burn that still ends the budget before its ' +
              'window does. It fires when both windows of a pair are above their line (dashed).',
          ),
        ],
      },
    ],
  });
}
