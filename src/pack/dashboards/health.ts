/**
 * Instrumentation health: is every AI call measured? Unpriced calls by
 * reason, catalog versions, failed calls, faults inside the instrumentation,
 * call latency, and whether Prometheus scrapes the exporters at all.
 */
import type { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { PROMETHEUS_SERIES as S } from '../../semconv.js';
import {
  LABEL,
  PROMETHEUS_BUILTIN,
  RANGE,
  RATE_INTERVAL,
  Selectors,
  UNIT,
  assembleDashboard,
  eq,
  histogram,
  statPanel,
  tablePanel,
  timeseriesPanel,
  type FilterSet,
} from './common.js';
import { DASHBOARDS } from './refs.js';

const FILTERS: FilterSet = { job: 'multi', provider: 'multi', model: 'multi' };

/** A target counts as an ai-pricetag exporter once it has exported the catalog info within a day (as AiCostExporterDown reads it). */
const EXPORTER_MEMORY = '1d';

export function healthDashboard(): DashboardBuilder {
  const sel = new Selectors(FILTERS);
  const J = LABEL.job;
  const I = LABEL.instance;
  const exporters = `max_over_time(${sel.of(S.catalogInfo)}[${EXPORTER_MEMORY}])`;
  /** A Prometheus series of the scrape targets that export ai-pricetag metrics only. */
  const ofExporters = (series: string) => `${sel.of(series)} and on (${J}, ${I}) ${exporters}`;
  const calls = `sum(increase(${sel.of(S.requests)}[${RANGE}]))`;
  const callTargets = [J, LABEL.provider, LABEL.model];
  const duration = histogram(S.operationDuration);
  const latency = (q: number) => ({
    expr: `histogram_quantile(${q}, sum by (le, ${LABEL.provider}) (rate(${sel.of(duration.bucket)}[${RATE_INTERVAL}])))`,
    legend: `{{${LABEL.provider}}} p${q * 100}`,
  });

  return assembleDashboard({
    ref: DASHBOARDS.health,
    description:
      'Instrumentation health: ' +
      'unpriced and failed calls, catalog versions, faults inside ai-pricetag, call latency and scrape health of the exporters.',
    filters: FILTERS,
    rows: [
      {
        title: 'Are we measuring everything?',
        panels: [
          statPanel({
            title: 'Exporter targets up',
            description:
              `Share of the scrape targets that export ai-pricetag metrics (seen within ${EXPORTER_MEMORY}) whose last scrape succeeded. ` +
              `Below 100% spend is going unmeasured: AiCostExporterDown. Scraped targets only: Prometheus writes no up series ` +
              `for services that push over OTLP.`,
            unit: UNIT.share,
            width: 6,
            belowThresholds: 'red',
            thresholds: [{ value: 1, color: 'green' }],
            queries: [
              {
                expr: `sum(${ofExporters(PROMETHEUS_BUILTIN.up)}) / count(${ofExporters(PROMETHEUS_BUILTIN.up)})`,
                legend: 'up',
                instant: true,
              },
            ],
          }),
          statPanel({
            title: 'Unpriced share of calls',
            description:
              'Calls over the range that could not be priced, as a share of all calls. Their spend is missing from every budget ' +
              'and dashboard: anything above 0 needs a catalog entry (see the table below and AiUnpricedRequests).',
            unit: UNIT.share,
            width: 6,
            thresholds: [{ value: 0.000001, color: 'orange' }],
            queries: [
              {
                expr: `(sum(increase(${sel.of(S.unpricedRequests)}[${RANGE}])) or vector(0)) / ${calls}`,
                legend: 'unpriced',
                instant: true,
              },
            ],
          }),
          statPanel({
            title: 'Failed calls share',
            description:
              'Calls over the range whose outcome was an error (HTTP error, network failure), as a share of all calls. ' +
              'Failed calls are counted at no cost.',
            unit: UNIT.share,
            width: 6,
            thresholds: [
              { value: 0.01, color: 'orange' },
              { value: 0.05, color: 'red' },
            ],
            queries: [
              {
                expr: `(sum(increase(${sel.of(S.requests, eq(LABEL.outcome, 'error'))}[${RANGE}])) or vector(0)) / ${calls}`,
                legend: 'failed',
                instant: true,
              },
            ],
          }),
          statPanel({
            title: 'Instrumentation faults over the range',
            description:
              'Faults caught inside ai-pricetag over the range ' +
              '(the calls themselves went on unharmed, but may be missing from the metrics). Should be 0; see the panel by stage below.',
            unit: UNIT.count,
            width: 6,
            thresholds: [{ value: 1, color: 'red' }],
            queries: [
              { expr: `sum(increase(${sel.of(S.instrumentationErrors)}[${RANGE}])) or vector(0)`, legend: 'faults', instant: true },
            ],
          }),
        ],
      },
      {
        title: 'Unpriced calls',
        panels: [
          timeseriesPanel({
            title: 'Unpriced calls per second by reason',
            description:
              'Calls that could not be priced, by reason: ' +
              'unknown_model (the catalog has the provider but not this model), no_plan (nothing prices this provider and operation), ' +
              'no_tier (no tier matched), no_usage (a response without usage, e.g. a stream), error.',
            unit: UNIT.perSecond,
            links: [DASHBOARDS.spend],
            queries: [
              {
                expr:
                  `sum by (${[...callTargets, LABEL.unpricedReason].join(', ')}) ` +
                  `(rate(${sel.of(S.unpricedRequests)}[${RATE_INTERVAL}]))`,
                legend: `{{${LABEL.unpricedReason}}}: {{${LABEL.provider}}} {{${LABEL.model}}} ({{${J}}})`,
              },
            ],
          }),
          tablePanel({
            title: 'Unpriced calls over the range',
            description:
              'Unpriced calls over the range by job, provider, model, operation and reason: ' +
              'the rows to add to a catalog (pricetag validate, then PRICETAG_CATALOGS) or to look into.',
            unit: UNIT.count,
            queries: [
              {
                expr:
                  `sum by (${[...callTargets, LABEL.operation, LABEL.unpricedReason].join(', ')}) ` +
                  `(increase(${sel.of(S.unpricedRequests)}[${RANGE}]))`,
                format: 'table',
                instant: true,
              },
            ],
            columns: {
              [J]: 'Job',
              [LABEL.provider]: 'Provider',
              [LABEL.model]: 'Model',
              [LABEL.operation]: 'Operation',
              [LABEL.unpricedReason]: 'Reason',
              Value: 'Calls',
            },
          }),
        ],
      },
      {
        title: 'Catalog, failures and faults',
        panels: [
          tablePanel({
            title: 'Catalog version per job',
            description:
              'The price catalog versions each instance loaded (ai_pricing_catalog_info). ' +
              'Instances of one job with different versions price the same call differently: roll the catalog out everywhere. ' +
              'Status invalid: a configured catalog file left out for its problems (see the service log), so its prices are not used.',
            unit: UNIT.none,
            width: 8,
            queries: [
              {
                expr: `max by (${J}, ${I}, ${LABEL.catalog}, ${LABEL.catalogStatus}) (${sel.of(S.catalogInfo)})`,
                format: 'table',
                instant: true,
              },
            ],
            columns: { [J]: 'Job', [I]: 'Instance', [LABEL.catalog]: 'Catalog version', [LABEL.catalogStatus]: 'Status' },
            hidden: ['Value'],
          }),
          timeseriesPanel({
            title: 'Failed calls per second',
            description:
              'Calls whose outcome was an error, by job, provider and model. ' +
              'A spike here with spend flat is failures, not savings; retries may follow.',
            unit: UNIT.perSecond,
            width: 8,
            queries: [
              {
                expr: `sum by (${callTargets.join(', ')}) (rate(${sel.of(S.requests, eq(LABEL.outcome, 'error'))}[${RATE_INTERVAL}]))`,
                legend: `{{${LABEL.provider}}} {{${LABEL.model}}} ({{${J}}})`,
              },
            ],
          }),
          timeseriesPanel({
            title: 'Instrumentation faults per second by stage',
            description:
              'Faults caught inside ai-pricetag, by the stage where they happened (capture, recognition, pricing, recording). ' +
              'Empty is healthy; anything else is a bug to report with the stage.',
            unit: UNIT.perSecond,
            width: 8,
            queries: [
              {
                expr: `sum by (${J}, ${LABEL.stage}) (rate(${sel.of(S.instrumentationErrors)}[${RATE_INTERVAL}]))`,
                legend: `{{${LABEL.stage}}} ({{${J}}})`,
              },
            ],
          }),
          timeseriesPanel({
            title: 'Call latency by provider',
            description:
              'Median and 95th percentile duration of AI calls by provider (gen_ai.client.operation.duration). ' +
              'Slow calls hold connections and streams open; a jump often comes with failures.',
            unit: UNIT.seconds,
            width: 24,
            queries: [latency(0.5), latency(0.95)],
          }),
        ],
      },
      {
        title: 'Scrape health',
        panels: [
          timeseriesPanel({
            title: 'Exporter targets up',
            description:
              'Per target that exports ai-pricetag metrics: 1 when the last scrape succeeded, 0 when it failed. ' +
              'A target at 0 leaves a gap in spend. Scraped targets only (an OTLP push has no up series).',
            unit: UNIT.count,
            width: 8,
            min: 0,
            max: 1,
            queries: [{ expr: ofExporters(PROMETHEUS_BUILTIN.up), legend: `{{${J}}} {{${I}}}` }],
          }),
          timeseriesPanel({
            title: 'Scrape duration',
            description:
              'How long Prometheus takes to scrape each exporter (scraped targets only). ' +
              'Growing with samples per scrape means label cardinality is growing (see docs/metrics.md for the bounds).',
            unit: UNIT.seconds,
            width: 8,
            queries: [{ expr: ofExporters(PROMETHEUS_BUILTIN.scrapeDuration), legend: `{{${J}}} {{${I}}}` }],
          }),
          timeseriesPanel({
            title: 'Samples per scrape',
            description:
              'Samples each exporter returns per scrape (scraped targets only): ' +
              'the series count of ai-pricetag and everything else the process exports. ' +
              'Steady is healthy; steady growth is new label values (models, attribution) being added.',
            unit: UNIT.count,
            width: 8,
            queries: [{ expr: ofExporters(PROMETHEUS_BUILTIN.scrapeSamples), legend: `{{${J}}} {{${I}}}` }],
          }),
        ],
      },
    ],
  });
}
