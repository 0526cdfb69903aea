/**
 * The one configuration object of the pack: windows, thresholds and
 * selectors from which the recording rules and alerts are generated (and the
 * dashboards will be). Each default says why it is what it is.
 */

export interface TierDriftConfig {
  /** Window the normal tier mix is measured over. */
  readonly baseline: string;
  /** Window the current tier mix is measured over. */
  readonly recent: string;
  /** Total variation distance between the two mixes (0 = same, 1 = disjoint) that counts as drift. */
  readonly threshold: number;
  /** Below this many calls an hour a plan's mix is noise, not drift. */
  readonly min_requests_per_hour: number;
}

export interface CostPerRequestDriftConfig {
  readonly baseline: string;
  readonly recent: string;
  /** Recent average cost per call over baseline that counts as drift. */
  readonly ratio: number;
  readonly min_requests_per_hour: number;
}

export interface AlertsConfig {
  readonly tier_drift: TierDriftConfig;
  readonly cost_per_request_drift: CostPerRequestDriftConfig;
  /** How long unpriced calls must go on before they alert (a deploy with a new model takes a catalog update). */
  readonly unpriced_for: string;
  /** Selector of the scrape targets that export ai-pricetag metrics. */
  readonly exporter_selector: string;
  /** Where runbook links point; each alert appends `#<alert-name-lowercased>`. */
  readonly runbook_url: string;
}

export const DEFAULT_ALERTS: AlertsConfig = {
  // A week of history holds weekday and weekend traffic; an hour is quick enough to act on the same day.
  tier_drift: { baseline: '7d', recent: '1h', threshold: 0.2, min_requests_per_hour: 60 },
  cost_per_request_drift: { baseline: '7d', recent: '1h', ratio: 1.5, min_requests_per_hour: 60 },
  unpriced_for: '15m',
  exporter_selector: '',
  runbook_url: 'https://github.com/ai-pricetag/ai-pricetag/blob/main/docs/runbook.md',
};

/**
 * Multi-window, multi-burn-rate alerting as in the SRE workbook, with windows
 * given for a 30-day budget and scaled to each budget's window: burning 2% of
 * the budget in 1h (14.4×) or 5% in 6h (6×) pages; 10% in 1d (3×) or 10% in 3d
 * (1×) goes to the work queue. The short window of each pair makes the alert
 * stop soon after the burn does.
 */
export const BURN_RATE_WINDOWS = [
  { severity: 'critical', long: '1h', short: '5m', factor: 14.4 },
  { severity: 'critical', long: '6h', short: '30m', factor: 6 },
  { severity: 'warning', long: '1d', short: '2h', factor: 3 },
  { severity: 'warning', long: '3d', short: '6h', factor: 1 },
] as const;

/**
 * AiBudgetForecastOverrun, as NodeFilesystemSpaceFillingUp: the trend of window spend over
 * `lookback` (written for a 30-day budget, scaled like the burn-rate windows), carried
 * `horizonShare` of the budget's window ahead: long enough to act, short enough to trust.
 */
export const FORECAST = { lookback: '6h', horizonShare: 0.1, for: '1h' } as const;

/** The reference budget window the burn-rate windows above are written for. */
export const REFERENCE_WINDOW = '30d';

/** Alert names (DESIGN.md), defined once for generator, tests and dashboards. */
export const ALERT_NAMES = {
  burnRateCritical: 'AiBudgetBurnRateCritical',
  burnRateWarning: 'AiBudgetBurnRateWarning',
  forecastOverrun: 'AiBudgetForecastOverrun',
  exhausted: 'AiBudgetExhausted',
  tierDrift: 'AiPricingTierDrift',
  costPerRequestDrift: 'AiCostPerRequestDrift',
  unpriced: 'AiUnpricedRequests',
  exporterDown: 'AiCostExporterDown',
  unitCostHigh: 'AiConversationCostHigh',
} as const;

/** How long a per-conversation quantile must stay above its budget: long enough to ride out one costly session. */
export const UNIT_COST_FOR = '30m';

/**
 * The ways ai-pricetag's series reach Prometheus that the generated rules and dashboards read
 * (src/pack/series.ts has the name of every series under each; docs/dashboards.md the settings):
 *
 * - `pull`: Prometheus scrapes @opentelemetry/exporter-prometheus (`ai_cost_total`,
 *   `gen_ai_client_operation_duration`);
 * - `UnderscoreEscapingWithSuffixes`: OTLP into Prometheus' receiver with its default
 *   `otlp.translation_strategy`, or through a Collector's Prometheus exporters with their default
 *   suffixes (`gen_ai_client_operation_duration_seconds`);
 * - `UnderscoreEscapingWithoutSuffixes`: the strategy without type and unit suffixes
 *   (Prometheus 3.6+; a Collector with `add_metric_suffixes: false`): `ai_cost`.
 *
 * Where the names differ, a selector matches all of them (`{__name__=~"ai_cost_total|ai_cost"}`).
 * The UTF-8 strategies (`NoUTF8EscapingWithSuffixes`, `NoTranslation`) also keep the dots of label
 * names (`gen_ai.provider.name`), which no query of the pack can match at the same time: unsupported.
 */
export const SERIES_NAMINGS = ['pull', 'UnderscoreEscapingWithSuffixes', 'UnderscoreEscapingWithoutSuffixes'] as const;
export type SeriesNaming = (typeof SERIES_NAMINGS)[number];
