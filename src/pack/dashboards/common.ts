/**
 * Factories shared by the dashboards of the pack: Prometheus queries, panels with
 * the house defaults (datasource, units, descriptions, thresholds), the
 * `$datasource` and filter variables, links between the dashboards, and the
 * assembly of rows into a dashboard (panel ids, layout).
 *
 * Metric and label names come from src/semconv.ts and recording-rule
 * names from src/pack/rules.ts; nothing here spells a series name by hand. Series are
 * named by their pull name; selectors match every naming of SERIES_NAMINGS (src/pack/series.ts).
 */
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as common from '@grafana/grafana-foundation-sdk/common';
import {
  DashboardBuilder,
  DashboardCursorSync,
  DashboardLinkBuilder,
  DashboardLinkType,
  DatasourceVariableBuilder,
  QueryVariableBuilder,
  RowBuilder,
  ThresholdsConfigBuilder,
  ThresholdsMode,
  VariableRefresh,
  VariableSort,
  type Dashboard,
  type DashboardLink,
  type DataTransformerConfig,
  type DynamicConfigValue,
  type GridPos,
  type Panel,
  type ThresholdsConfig,
} from '@grafana/grafana-foundation-sdk/dashboard';
import * as bargauge from '@grafana/grafana-foundation-sdk/bargauge';
import * as heatmap from '@grafana/grafana-foundation-sdk/heatmap';
import * as piechart from '@grafana/grafana-foundation-sdk/piechart';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import {
  ATTR_AI_COST_CURRENCY,
  ATTR_AI_INSTRUMENTATION_STAGE,
  ATTR_AI_OUTCOME,
  ATTR_AI_PRICING_CATALOG,
  ATTR_AI_PRICING_MODEL,
  ATTR_AI_PRICING_PLAN,
  ATTR_AI_PRICING_SHADOW_PLAN,
  ATTR_AI_PRICING_TIER,
  ATTR_AI_PRICING_UNPRICED_REASON,
  ATTR_AI_USAGE_UNIT,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_TOKEN_TYPE,
  PROMETHEUS_SERIES as S,
  ATTR_AI_WORK_UNIT,
  ATTR_AI_PRICING_CATALOG_STATUS,
} from '../../semconv.js';
import { RECORDS } from '../rules.js';
import { select } from '../series.js';

/** Prometheus label names: attribute names with dots as underscores, as the exporter and Prometheus' OTLP translation write them. */
export const promLabel = (attribute: string): string => attribute.replaceAll('.', '_');

export const LABEL = {
  job: 'job',
  instance: 'instance',
  provider: promLabel(ATTR_GEN_AI_PROVIDER_NAME),
  model: promLabel(ATTR_GEN_AI_REQUEST_MODEL),
  operation: promLabel(ATTR_GEN_AI_OPERATION_NAME),
  plan: promLabel(ATTR_AI_PRICING_PLAN),
  pricingModel: promLabel(ATTR_AI_PRICING_MODEL),
  tier: promLabel(ATTR_AI_PRICING_TIER),
  currency: promLabel(ATTR_AI_COST_CURRENCY),
  outcome: promLabel(ATTR_AI_OUTCOME),
  usageUnit: promLabel(ATTR_AI_USAGE_UNIT),
  shadowPlan: promLabel(ATTR_AI_PRICING_SHADOW_PLAN),
  unpricedReason: promLabel(ATTR_AI_PRICING_UNPRICED_REASON),
  catalog: promLabel(ATTR_AI_PRICING_CATALOG),
  catalogStatus: promLabel(ATTR_AI_PRICING_CATALOG_STATUS),
  stage: promLabel(ATTR_AI_INSTRUMENTATION_STAGE),
  tokenType: promLabel(ATTR_GEN_AI_TOKEN_TYPE),
  workUnit: promLabel(ATTR_AI_WORK_UNIT),
  // Labels the budget recording rules carry (src/pack/rules.ts).
  budget: 'budget',
  budgetCurrency: 'currency',
  budgetWindow: 'window',
  // Prometheus' own labels on ALERTS.
  alertName: 'alertname',
  alertState: 'alertstate',
} as const;

/** Series Prometheus itself writes, which the health panels read. */
export const PROMETHEUS_BUILTIN = {
  up: 'up',
  scrapeDuration: 'scrape_duration_seconds',
  scrapeSamples: 'scrape_samples_scraped',
  alerts: 'ALERTS',
} as const;

/** The classic-histogram series of a histogram instrument. */
export const histogram = (name: string) => ({ bucket: `${name}_bucket`, sum: `${name}_sum`, count: `${name}_count` }) as const;

/** Grafana's `$__range` and `$__rate_interval`, spelled once. */
export const RANGE = '$__range';
export const RATE_INTERVAL = '$__rate_interval';

// ---------------------------------------------------------------------------------------------
// Filters: template variables and the label matchers they become

/** The filters a dashboard can offer, in the order their variables appear (each narrows the next). */
export const FILTERS = ['job', 'provider', 'model', 'plan', 'tier', 'budget', 'currency'] as const;
export type Filter = (typeof FILTERS)[number];

/** `multi` filters default to All (regex `.*`, which also matches a missing label); `single` ones hold one value. */
export type FilterMode = 'multi' | 'single';
export type FilterSet = Readonly<Partial<Record<Filter, FilterMode>>>;

interface FilterDefinition {
  readonly label: string;
  readonly title: string;
  /** Series whose label values fill the variable. */
  readonly source: string;
  readonly description: string;
  /** Default of a single-value filter; none means the first value Grafana finds. */
  readonly default?: string;
}

const FILTER_DEFINITIONS: Readonly<Record<Filter, FilterDefinition>> = {
  // Every instrumented process exports the catalog info from start-up, before its first call.
  job: {
    label: LABEL.job,
    title: 'Job',
    source: S.catalogInfo,
    description: 'Jobs that export ai-pricetag metrics: the scrape job, or service.namespace/service.name of an OTLP push.',
  },
  provider: { label: LABEL.provider, title: 'Provider', source: S.requests, description: 'AI providers called (gen_ai.provider.name).' },
  model: {
    label: LABEL.model,
    title: 'Model',
    source: S.requests,
    description: 'Models requested (gen_ai.request.model; past the cardinality cap: other).',
  },
  plan: { label: LABEL.plan, title: 'Plan', source: S.cost, description: 'Catalog plans that priced the calls.' },
  tier: {
    label: LABEL.tier,
    title: 'Tier',
    source: S.cost,
    description: 'Pricing tiers the calls fell into (standard when a plan has none).',
  },
  budget: {
    label: LABEL.budget,
    title: 'Budget',
    source: RECORDS.budgetAmount,
    description: 'Budgets of the budgets file the rules were generated from.',
  },
  currency: {
    label: LABEL.currency,
    title: 'Currency',
    source: histogram(S.requestCost).count,
    description: 'Currency of the per-call cost distributions (never added across currencies).',
    default: 'USD',
  },
};

/** Which filters apply to a series: only labels the series carries are matched. */
const SERIES_FILTERS: Readonly<Record<string, readonly Filter[]>> = {
  [S.cost]: ['job', 'provider', 'model', 'plan', 'tier', 'currency'],
  [S.requests]: ['job', 'provider', 'model', 'plan', 'tier', 'currency'],
  [S.usage]: ['job', 'provider', 'model', 'plan', 'tier'],
  [S.requestCost]: ['job', 'provider', 'model', 'plan', 'tier', 'currency'],
  [S.costShadow]: ['job', 'plan', 'currency'],
  [S.unpricedRequests]: ['job', 'provider', 'model'],
  [S.catalogInfo]: ['job'],
  [S.rate]: ['job', 'plan', 'tier', 'currency'],
  [S.instrumentationErrors]: ['job'],
  [S.tokenUsage]: ['job', 'provider', 'model'],
  [S.operationDuration]: ['job', 'provider', 'model'],
  [S.conversationCost]: ['job', 'provider', 'currency'],
  [S.conversationRequests]: ['job', 'provider'],
  [S.conversationDuration]: ['job', 'provider'],
  [S.conversationsActive]: ['job'],
  [S.conversationEvictions]: ['job'],
  [RECORDS.tierRateRecent]: ['job', 'plan', 'tier'],
  [RECORDS.tierRateBaseline]: ['job', 'plan', 'tier'],
  [RECORDS.tierShareRecent]: ['job', 'plan', 'tier'],
  [RECORDS.tierShareBaseline]: ['job', 'plan', 'tier'],
  [RECORDS.tierDrift]: ['job', 'plan'],
  [RECORDS.planRateRecent]: ['job', 'plan'],
  [RECORDS.costPerRequestRecent]: ['job', 'plan'],
  [RECORDS.costPerRequestBaseline]: ['job', 'plan'],
  [PROMETHEUS_BUILTIN.up]: ['job'],
  [PROMETHEUS_BUILTIN.scrapeDuration]: ['job'],
  [PROMETHEUS_BUILTIN.scrapeSamples]: ['job'],
};

function filtersOf(series: string): readonly Filter[] {
  // The budget recording rules (level `budget`, RECORDS.budget*) carry only budget and currency.
  if (series.startsWith('budget:')) return ['budget'];
  return SERIES_FILTERS[series] ?? SERIES_FILTERS[series.replace(/_(bucket|sum|count)$/, '')] ?? [];
}

/** A label matcher with a quoted value: `eq('ai_outcome', 'error')` → `ai_outcome="error"`. */
export const eq = (label: string, value: string): string => `${label}=${JSON.stringify(value)}`;
export const neq = (label: string, value: string): string => `${label}!=${JSON.stringify(value)}`;
export const matches = (label: string, regex: string): string => `${label}=~${JSON.stringify(regex)}`;

/** Selectors narrowed by a dashboard's filters: `of(series, ...matchers)` matches each filter the series carries. */
export class Selectors {
  constructor(readonly filters: FilterSet) {}

  /** The same filters without some (a panel that shows every plan, say). */
  without(...dropped: Filter[]): Selectors {
    return new Selectors(Object.fromEntries(Object.entries(this.filters).filter(([f]) => !dropped.includes(f as Filter))) as FilterSet);
  }

  of(series: string, ...extra: string[]): string {
    const applicable = filtersOf(series);
    const parts: string[] = [];
    for (const filter of FILTERS) {
      const mode = this.filters[filter];
      if (mode === undefined || !applicable.includes(filter)) continue;
      const { label } = FILTER_DEFINITIONS[filter];
      parts.push(mode === 'multi' ? `${label}=~"$${filter}"` : `${label}="$${filter}"`);
    }
    parts.push(...extra);
    return select(series, ...parts);
  }
}

// ---------------------------------------------------------------------------------------------
// Variables

/** The Prometheus datasource every panel and variable reads: a variable, so one dashboard serves any Prometheus. */
export const DATASOURCE: { readonly type: string; readonly uid: string } = { type: 'prometheus', uid: '${datasource}' };
/** The uid of the Prometheus datasource the docker-compose Grafana provisions; the variable's default. */
export const DEFAULT_DATASOURCE_UID = 'prometheus';

export function datasourceVariable(): DatasourceVariableBuilder {
  return new DatasourceVariableBuilder('datasource')
    .label('Data source')
    .description('The Prometheus that scrapes the instrumented services and evaluates the ai-pricetag rules.')
    .type('prometheus')
    .current({ selected: true, text: DEFAULT_DATASOURCE_UID, value: DEFAULT_DATASOURCE_UID });
}

/** A `label_values` variable; its source is narrowed by the filters before it, so choices stay consistent. */
export function filterVariable(filter: Filter, mode: FilterMode, before: Selectors): QueryVariableBuilder {
  const def = FILTER_DEFINITIONS[filter];
  const query = `label_values(${before.of(def.source)}, ${def.label})`;
  const variable = new QueryVariableBuilder(filter)
    .label(def.title)
    .description(def.description)
    .query(query)
    .definition(query)
    .datasource(DATASOURCE)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc);
  if (mode === 'multi') {
    // `.*` rather than a list of the values seen: it also matches series without the label (unpriced calls have no tier).
    return variable.multi(true).includeAll(true).allValue('.*').current({ selected: true, text: 'All', value: '$__all' });
  }
  variable.multi(false).includeAll(false);
  return def.default === undefined ? variable : variable.current({ selected: true, text: def.default, value: def.default });
}

// ---------------------------------------------------------------------------------------------
// Units, thresholds, links

/** Grafana unit ids used by the pack. */
export const UNIT = {
  /** Money: dollars for USD series; legends start with the currency code, and other currencies show plain numbers. */
  money: 'currencyUSD',
  share: 'percentunit',
  perSecond: 'reqps',
  count: 'short',
  seconds: 's',
  /** A multiple of a reference: burn rates, cost ratios. */
  times: 'suffix:×',
  none: 'none',
} as const;
export type Unit = (typeof UNIT)[keyof typeof UNIT];

/** Legends of money series start with the currency label, which the non-USD unit override keys on. */
const CURRENCY_LEGEND = /^\{\{(ai_cost_currency|currency)\}\}/;
const NON_USD = '^(?!USD\\b)';

export interface Step {
  readonly value: number;
  readonly color: string;
}

function thresholdsOf(steps: readonly Step[], base = 'green'): ThresholdsConfigBuilder {
  const sorted = [...steps].sort((a, b) => a.value - b.value);
  return new ThresholdsConfigBuilder()
    .mode(ThresholdsMode.Absolute)
    .steps([{ value: null, color: base }, ...sorted.map((s) => ({ value: s.value, color: s.color }))]);
}

export interface DashboardRef {
  readonly uid: string;
  readonly title: string;
}

/** A link that opens another dashboard of the pack with the same time range and variables. */
export function linkTo(target: DashboardRef): DashboardLinkBuilder {
  return new DashboardLinkBuilder(`Open ${target.title}`)
    .type(DashboardLinkType.Link)
    .url(`/d/${target.uid}?\${__url_time_range}&\${__all_variables}`)
    .tooltip(`The ${target.title} dashboard, same time range and filters`)
    .targetBlank(false);
}

// ---------------------------------------------------------------------------------------------
// Queries and panels

export interface Query {
  readonly expr: string;
  /** Legend template; money legends start with `{{ai_cost_currency}}` (or `{{currency}}` for budgets). */
  readonly legend?: string;
  /** Evaluate once at the end of the range (totals over `$__range`, tables, bar gauges). */
  readonly instant?: boolean;
  readonly format?: 'table' | 'heatmap';
}

export function prometheusQuery(query: Query, refId: string): prometheus.DataqueryBuilder {
  const builder = new prometheus.DataqueryBuilder()
    .datasource(DATASOURCE)
    .refId(refId)
    .expr(query.expr)
    .legendFormat(query.legend ?? '__auto');
  if (query.instant === true) builder.instant();
  else builder.range();
  if (query.format === 'table') builder.format(prometheus.PromQueryFormat.Table);
  if (query.format === 'heatmap') builder.format(prometheus.PromQueryFormat.Heatmap);
  return builder;
}

export interface PanelOptions {
  readonly title: string;
  /** How to read the panel: what is shown, what good and bad look like. */
  readonly description: string;
  readonly unit: Unit;
  readonly queries: readonly Query[];
  readonly width?: number;
  readonly height?: number;
  readonly links?: readonly DashboardRef[];
  readonly thresholds?: readonly Step[];
  /** Colour below the first threshold. @default green */
  readonly belowThresholds?: string;
  readonly min?: number;
  readonly max?: number;
  readonly decimals?: number;
}

/** What every panel builder of the SDK offers that the shared setup needs. */
interface CommonPanelBuilder<T> extends cog.Builder<Panel> {
  title(title: string): T;
  description(description: string): T;
  datasource(ref: { type?: string; uid?: string }): T;
  withTarget(target: cog.Builder<cog.Dataquery>): T;
  unit(unit: string): T;
  span(w: number): T;
  height(h: number): T;
  links(links: cog.Builder<DashboardLink>[]): T;
  thresholds(thresholds: cog.Builder<ThresholdsConfig>): T;
  min(min: number): T;
  max(max: number): T;
  decimals(decimals: number): T;
  overrideByRegexp(regexp: string, properties: DynamicConfigValue[]): T;
}

/** A panel builder the dashboard assembly can number. */
export interface PanelBuilder extends cog.Builder<Panel> {
  id(id: number): unknown;
  gridPos(gridPos: GridPos): unknown;
}

/** Grafana's grid is 24 columns wide. */
const GRID_WIDTH = 24;

const REF_IDS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

function setUp<T extends CommonPanelBuilder<T>>(builder: T, options: PanelOptions, defaults: { width: number; height: number }): T {
  if (options.description.trim() === '') throw new Error(`panel "${options.title}" needs a description`);
  if (options.unit === UNIT.money) {
    const bad = options.queries.find((q) => !CURRENCY_LEGEND.test(q.legend ?? ''));
    if (bad !== undefined)
      throw new Error(`money panel "${options.title}": legend "${bad.legend ?? ''}" must start with the currency label`);
  }
  builder
    .title(options.title)
    .description(options.description)
    .datasource(DATASOURCE)
    .unit(options.unit)
    .span(options.width ?? defaults.width)
    .height(options.height ?? defaults.height);
  options.queries.forEach((q, i) => builder.withTarget(prometheusQuery(q, REF_IDS[i]!)));
  if (options.unit === UNIT.money) builder.overrideByRegexp(NON_USD, [{ id: 'unit', value: UNIT.count }]);
  if (options.links !== undefined) builder.links(options.links.map(linkTo));
  if (options.thresholds !== undefined) builder.thresholds(thresholdsOf(options.thresholds, options.belowThresholds));
  if (options.min !== undefined) builder.min(options.min);
  if (options.max !== undefined) builder.max(options.max);
  if (options.decimals !== undefined) builder.decimals(options.decimals);
  return builder;
}

export interface TimeseriesOptions extends PanelOptions {
  /** Stack series (shares of a whole, spend by part). */
  readonly stack?: boolean;
  /** Draw the thresholds as dashed lines (alert thresholds). */
  readonly drawThresholds?: boolean;
  /** Series whose display name matches this regexp are drawn dashed (limits, baselines). */
  readonly dashed?: string;
}

export function timeseriesPanel(options: TimeseriesOptions): timeseries.PanelBuilder {
  const panel = setUp(new timeseries.PanelBuilder(), options, { width: 12, height: 8 })
    .lineWidth(1)
    .fillOpacity(options.stack === true ? 60 : 10)
    .showPoints(common.VisibilityMode.Never)
    .spanNulls(false)
    .legend(
      new common.VizLegendOptionsBuilder()
        .showLegend(true)
        .displayMode(common.LegendDisplayMode.List)
        .placement(common.LegendPlacement.Bottom),
    )
    .tooltip(new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending))
    .thresholdsStyle(
      new common.GraphThresholdsStyleConfigBuilder().mode(
        options.drawThresholds === true ? common.GraphThresholdsStyleMode.Dashed : common.GraphThresholdsStyleMode.Off,
      ),
    );
  if (options.stack === true) panel.stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal));
  if (options.dashed !== undefined) {
    panel.overrideByRegexp(options.dashed, [
      { id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } },
      { id: 'custom.fillOpacity', value: 0 },
    ]);
  }
  return panel;
}

export interface StatOptions extends PanelOptions {
  /** Show the trend under the number (range queries only). */
  readonly sparkline?: boolean;
}

export function statPanel(options: StatOptions): stat.PanelBuilder {
  return setUp(new stat.PanelBuilder(), options, { width: 4, height: 5 })
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .graphMode(options.sparkline === true ? common.BigValueGraphMode.Area : common.BigValueGraphMode.None)
    .colorMode(options.thresholds === undefined ? common.BigValueColorMode.None : common.BigValueColorMode.Value)
    .textMode(common.BigValueTextMode.ValueAndName)
    .justifyMode(common.BigValueJustifyMode.Auto);
}

export function barGaugePanel(options: PanelOptions): bargauge.PanelBuilder {
  return setUp(new bargauge.PanelBuilder(), options, { width: 8, height: 8 })
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .orientation(common.VizOrientation.Horizontal)
    .displayMode(common.BarGaugeDisplayMode.Gradient)
    .valueMode(common.BarGaugeValueMode.Color)
    .namePlacement(common.BarGaugeNamePlacement.Top)
    .showUnfilled(true);
}

export function pieChartPanel(options: PanelOptions): piechart.PanelBuilder {
  return setUp(new piechart.PanelBuilder(), options, { width: 8, height: 8 })
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .pieType(piechart.PieChartType.Donut)
    .displayLabels([piechart.PieChartLabels.Percent])
    .legend(
      new piechart.PieChartLegendOptionsBuilder()
        .showLegend(true)
        .displayMode(common.LegendDisplayMode.Table)
        .placement(common.LegendPlacement.Right)
        .values([piechart.PieChartLegendValues.Value, piechart.PieChartLegendValues.Percent]),
    );
}

export interface TableOptions extends PanelOptions {
  /** Column renames, applied after the queries are merged into one table (`Value #A` → `Spend`). */
  readonly columns?: Readonly<Record<string, string>>;
  /** Columns left out of the table. */
  readonly hidden?: readonly string[];
  /** Per-column units, by the column's final name. */
  readonly columnUnits?: Readonly<Record<string, Unit>>;
}

export function tablePanel(options: TableOptions): table.PanelBuilder {
  if (options.queries.some((q) => q.format !== 'table' || q.instant !== true))
    throw new Error(`table "${options.title}": queries must be instant, in table format`);
  const transformations: DataTransformerConfig[] = [];
  if (options.queries.length > 1) transformations.push({ id: 'merge', options: {} });
  const excludeByName = Object.fromEntries(['Time', ...(options.hidden ?? [])].map((c) => [c, true]));
  transformations.push({ id: 'organize', options: { excludeByName, renameByName: { ...options.columns } } });
  const panel = setUp(new table.PanelBuilder(), options, { width: 12, height: 8 })
    .showHeader(true)
    .cellHeight(common.TableCellHeight.Sm)
    .transformations(transformations);
  for (const [column, unit] of Object.entries(options.columnUnits ?? {})) panel.overrideByName(column, [{ id: 'unit', value: unit }]);
  return panel;
}

export interface HeatmapOptions extends PanelOptions {
  /** Log scale for the buckets (money and token buckets grow by powers). */
  readonly log?: boolean;
}

export function heatmapPanel(options: HeatmapOptions): heatmap.PanelBuilder {
  const yAxis = new heatmap.YAxisConfigBuilder().unit(options.unit).axisPlacement(common.AxisPlacement.Left);
  if (options.log === true) yAxis.scaleDistribution(new common.ScaleDistributionConfigBuilder().type(common.ScaleDistribution.Log).log(10));
  return setUp(new heatmap.PanelBuilder(), options, { width: 12, height: 8 })
    .calculate(false)
    .yAxis(yAxis)
    .rowsFrame(new heatmap.RowsHeatmapOptionsBuilder().layout(common.HeatmapCellLayout.Le))
    .color(
      new heatmap.HeatmapColorOptionsBuilder()
        .mode(heatmap.HeatmapColorMode.Scheme)
        .scheme('Oranges')
        .scale(heatmap.HeatmapColorScale.Exponential)
        .exponent(0.5)
        .steps(64)
        .fill('dark-orange')
        .reverse(false),
    )
    .cellGap(1)
    .showValue(common.VisibilityMode.Never)
    .showLegend()
    .tooltip(new heatmap.HeatmapTooltipBuilder().mode(common.TooltipDisplayMode.Single).yHistogram(true).showColorScale(true));
}

// ---------------------------------------------------------------------------------------------
// Dashboards

export interface Row {
  readonly title: string;
  readonly panels: readonly PanelBuilder[];
}

export interface DashboardSpec {
  readonly ref: DashboardRef;
  readonly description: string;
  readonly filters: FilterSet;
  readonly rows: readonly Row[];
  /** Default time range: `now-24h` unless a dashboard needs a longer view. */
  readonly from?: string;
}

export const TAG = 'ai-pricetag';

/**
 * The built dashboard, minus what the SDK adds that Grafana would get wrong: every link the SDK
 * builds carries `placement: inControlsMenu` (grafana-foundation-sdk issue 1272), which hides it
 * in the dashboard-controls menu; without it links show above the panels, where Grafana's own
 * editor puts them.
 */
export function buildDashboard(builder: DashboardBuilder): Dashboard {
  const dashboard = builder.build();
  const links: DashboardLink[] = [
    ...(dashboard.links ?? []),
    ...(dashboard.panels ?? []).flatMap((p) => ('links' in p ? (p.links ?? []) : [])),
  ];
  for (const link of links) delete link.placement;
  return dashboard;
}

/** A dashboard: datasource and filter variables, links to the rest of the pack, rows top to bottom, ids 1…n. */
export function assembleDashboard(spec: DashboardSpec): DashboardBuilder {
  const builder = new DashboardBuilder(spec.ref.title)
    .uid(spec.ref.uid)
    .description(spec.description)
    .tags([TAG])
    .editable()
    .tooltip(DashboardCursorSync.Crosshair)
    .timezone('browser')
    .refresh('1m')
    .time({ from: spec.from ?? 'now-24h', to: 'now' })
    .link(
      new DashboardLinkBuilder('ai-pricetag dashboards')
        .type(DashboardLinkType.Dashboards)
        .tags([TAG])
        .asDropdown(false)
        .includeVars(true)
        .keepTime(true)
        .icon('dashboard'),
    )
    .withVariable(datasourceVariable());
  let before: FilterSet = {};
  for (const filter of FILTERS) {
    const mode = spec.filters[filter];
    if (mode === undefined) continue;
    builder.withVariable(filterVariable(filter, mode, new Selectors(before)));
    before = { ...before, [filter]: mode };
  }
  // Laid out here rather than by the SDK, which lets a panel run past the 24th column instead of wrapping it.
  let id = 0;
  let x = 0;
  let y = 0;
  let lineHeight = 0;
  const newLine = () => {
    y += lineHeight;
    x = 0;
    lineHeight = 0;
  };
  for (const row of spec.rows) {
    newLine();
    builder.withRow(new RowBuilder(row.title).id(++id).gridPos({ x: 0, y, w: GRID_WIDTH, h: 1 }));
    y += 1;
    for (const panel of row.panels) {
      const { w, h } = panel.build().gridPos ?? { w: GRID_WIDTH, h: 8 };
      if (x + w > GRID_WIDTH) newLine();
      panel.id(++id);
      panel.gridPos({ x, y, w, h });
      builder.withPanel(panel);
      x += w;
      lineHeight = Math.max(lineHeight, h);
    }
  }
  return builder;
}
