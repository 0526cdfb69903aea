/**
 * The Prometheus name of every series the pack reads under each naming of SERIES_NAMINGS, and
 * the selectors the rules and dashboards are written with: the plain name where every naming
 * agrees, a `__name__` matcher of all of them where they do not, so one rules file and one set
 * of dashboards serve a scraped exporter and an OTLP push alike.
 *
 * - pull (@opentelemetry/exporter-prometheus 0.301): dots become underscores, monotonic sums end
 *   in `_total`, units are never appended (PROMETHEUS_SERIES).
 * - UnderscoreEscapingWithSuffixes (Prometheus' OTLP translation, prometheus/otlptranslator
 *   metric_namer.go): the same, plus a unit suffix: `s` → `_seconds`; `{token}` (an annotation)
 *   adds none; a unit outside its table, such as `USD`, is appended as it is. Our own instruments
 *   carry no unit (`ai.conversation.duration_seconds` has it in its name), so only the GenAI
 *   semantic-convention histograms differ, and their names and units are the conventions'.
 * - UnderscoreEscapingWithoutSuffixes: no `_total` and no unit.
 *
 * Histograms are listed by their base name; `_bucket`, `_sum` and `_count` follow it in every
 * naming. test/pack/otlp-names.test.ts checks this table against the real exporter's scrape and
 * the real SDK's OTLP payload.
 */
import { PROMETHEUS_SERIES as S } from '../semconv.js';
import { SERIES_NAMINGS, type SeriesNaming } from './config.js';

type SeriesKey = keyof typeof S;

/** Each series as [pull, UnderscoreEscapingWithSuffixes, UnderscoreEscapingWithoutSuffixes], in SERIES_NAMINGS order. */
export const SERIES_NAMES: { readonly [K in SeriesKey]: readonly [(typeof S)[K], string, string] } = {
  cost: [S.cost, 'ai_cost_total', 'ai_cost'],
  requests: [S.requests, 'ai_requests_total', 'ai_requests'],
  usage: [S.usage, 'ai_usage_total', 'ai_usage'],
  requestCost: [S.requestCost, 'ai_request_cost', 'ai_request_cost'],
  costShadow: [S.costShadow, 'ai_cost_shadow_total', 'ai_cost_shadow'],
  unpricedRequests: [S.unpricedRequests, 'ai_unpriced_requests_total', 'ai_unpriced_requests'],
  catalogInfo: [S.catalogInfo, 'ai_pricing_catalog_info', 'ai_pricing_catalog_info'],
  rate: [S.rate, 'ai_pricing_rate', 'ai_pricing_rate'],
  instrumentationErrors: [S.instrumentationErrors, 'ai_instrumentation_errors_total', 'ai_instrumentation_errors'],
  tokenUsage: [S.tokenUsage, 'gen_ai_client_token_usage', 'gen_ai_client_token_usage'],
  operationDuration: [S.operationDuration, 'gen_ai_client_operation_duration_seconds', 'gen_ai_client_operation_duration'],
  usageCost: [S.usageCost, 'gen_ai_usage_cost_USD', 'gen_ai_usage_cost'],
  conversationCost: [S.conversationCost, 'ai_conversation_cost', 'ai_conversation_cost'],
  conversationRequests: [S.conversationRequests, 'ai_conversation_requests', 'ai_conversation_requests'],
  conversationDuration: [S.conversationDuration, 'ai_conversation_duration_seconds', 'ai_conversation_duration_seconds'],
  conversationsActive: [S.conversationsActive, 'ai_conversations_active', 'ai_conversations_active'],
  conversationEvictions: [S.conversationEvictions, 'ai_conversation_evictions_total', 'ai_conversation_evictions'],
};

const HISTOGRAM_PARTS = ['_bucket', '_sum', '_count'] as const;
const BY_PULL_NAME = new Map<string, readonly string[]>(Object.values(SERIES_NAMES).map((names) => [names[0], names]));

/** The name of a series (by its pull name, histograms also as `<name>_bucket` etc.) under one naming. */
export function seriesName(series: string, naming: SeriesNaming): string {
  const index = SERIES_NAMINGS.indexOf(naming);
  const direct = BY_PULL_NAME.get(series);
  if (direct !== undefined) return direct[index]!;
  for (const part of HISTOGRAM_PARTS) {
    const base = series.endsWith(part) ? BY_PULL_NAME.get(series.slice(0, -part.length)) : undefined;
    if (base !== undefined) return `${base[index]!}${part}`;
  }
  // Recording rules and Prometheus' own series are named alike everywhere.
  return series;
}

/** Every name of a series under the namings the pack reads, pull name first, each once. */
export function seriesNames(series: string, namings: readonly SeriesNaming[] = SERIES_NAMINGS): string[] {
  return [...new Set(namings.map((n) => seriesName(series, n)))];
}

/**
 * A selector of `series` (its pull name) under every naming, narrowed by label matchers
 * (`job="x"`, or whole selectors `{job="x",…}`, whose braces are dropped):
 * `ai_pricing_catalog_info{job="x"}`, or `{__name__=~"ai_cost_total|ai_cost",job="x"}`.
 */
export function select(series: string, ...matchers: string[]): string {
  const inner = matchers
    .map((m) =>
      m
        .trim()
        .replace(/^\{|\}$/g, '')
        .trim(),
    )
    .filter((m) => m !== '');
  const names = seriesNames(series);
  if (names.length > 1) return `{${[`__name__=~"${names.join('|')}"`, ...inner].join(',')}}`;
  return inner.length === 0 ? names[0]! : `${names[0]!}{${inner.join(',')}}`;
}
