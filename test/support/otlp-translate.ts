/**
 * Prometheus' OTLP ingestion, as far as the tests need it: an OTLP/JSON metrics request (as
 * @opentelemetry/exporter-metrics-otlp-http posts it) turned into the Prometheus samples the
 * receiver at /api/v1/otlp/v1/metrics would store, under each `otlp.translation_strategy`.
 *
 * No Prometheus with the OTLP receiver can be installed here: Debian's packages (2.42 in
 * bookworm, 2.53 in trixie, 3.5 in sid) are built without it (Debian changelog 2.53.1+ds-1:
 * "Disable OTLP Ingestion endpoint", #1080354), and no npm package ships a Prometheus server.
 * So this follows the rules of the translator's source, written from reading it:
 *
 * - metric names: github.com/prometheus/otlptranslator v1.0.0 (commit 57de713e, 2025-09-09,
 *   the version prometheus/prometheus v3.14.0 requires), metric_namer.go (MetricNamer.Build:
 *   normalizeName with suffixes, the plain escaping without, buildMetricName for UTF-8),
 *   unit_namer.go (buildUnitSuffixes, cleanUpUnit; the unit table of metric_namer.go),
 *   strategy.go (which strategies escape, which add suffixes);
 * - label names: the same module's label_namer.go and strconv.go, with Prometheus 3.14's
 *   defaults `label_name_underscore_sanitization: true`, `label_name_preserve_multiple_underscores: true`;
 * - samples: prometheus/prometheus v3.14.0 (commit d7598b71, 2026-08-17),
 *   storage/remote/otlptranslator/prometheusremotewrite/metrics_to_prw.go (metric types, delta
 *   temporality refused, job from service.namespace/service.name, instance from
 *   service.instance.id, promoted resource attributes, scope labels) and helper.go
 *   (createAttributes: colliding labels joined with `;`, data point attributes before promoted
 *   ones; classic histograms as `_bucket` with `le` from strconv.FormatFloat(bound, 'f', -1),
 *   `_sum`, `_count`; addResourceTargetInfo: `target_info` of the non-identifying resource attributes).
 *
 * The strategies: UnderscoreEscapingWithSuffixes (the default), NoUTF8EscapingWithSuffixes and
 * NoTranslation (Prometheus 3.0+), UnderscoreEscapingWithoutSuffixes (3.6+, config/config.go).
 * Exponential histograms, summaries and native-histogram conversion are left out: ai-pricetag
 * records none.
 */

export type TranslationStrategy =
  'UnderscoreEscapingWithSuffixes' | 'UnderscoreEscapingWithoutSuffixes' | 'NoUTF8EscapingWithSuffixes' | 'NoTranslation';

const escapes = (s: TranslationStrategy) => s === 'UnderscoreEscapingWithSuffixes' || s === 'UnderscoreEscapingWithoutSuffixes';
const addsSuffixes = (s: TranslationStrategy) => s === 'UnderscoreEscapingWithSuffixes' || s === 'NoUTF8EscapingWithSuffixes';

// ---------------------------------------------------------------------------------------------
// OTLP/JSON, the parts the SDK's JSON serialiser writes for ai-pricetag's instruments

interface AnyValue {
  readonly stringValue?: string;
  readonly boolValue?: boolean;
  readonly intValue?: number | string;
  readonly doubleValue?: number;
}
interface KeyValue {
  readonly key: string;
  readonly value?: AnyValue;
}
interface NumberDataPoint {
  readonly attributes?: readonly KeyValue[];
  readonly timeUnixNano?: number | string;
  readonly asDouble?: number;
  readonly asInt?: number | string;
}
interface HistogramDataPoint {
  readonly attributes?: readonly KeyValue[];
  readonly timeUnixNano?: number | string;
  readonly count?: number | string;
  readonly sum?: number;
  readonly bucketCounts?: readonly (number | string)[];
  readonly explicitBounds?: readonly number[];
}
export interface OtlpMetric {
  readonly name: string;
  readonly unit?: string;
  readonly description?: string;
  readonly sum?: {
    readonly dataPoints?: readonly NumberDataPoint[];
    readonly aggregationTemporality?: number;
    readonly isMonotonic?: boolean;
  };
  readonly gauge?: { readonly dataPoints?: readonly NumberDataPoint[] };
  readonly histogram?: { readonly dataPoints?: readonly HistogramDataPoint[]; readonly aggregationTemporality?: number };
}
export interface OtlpMetricsRequest {
  readonly resourceMetrics?: readonly {
    readonly resource?: { readonly attributes?: readonly KeyValue[] };
    readonly scopeMetrics?: readonly {
      readonly scope?: { readonly name?: string; readonly version?: string; readonly attributes?: readonly KeyValue[] };
      readonly schemaUrl?: string;
      readonly metrics?: readonly OtlpMetric[];
    }[];
  }[];
}

/** The otlptranslator's metric types, as far as the SDK's instruments go. */
export type MetricType = 'counter' | 'non-monotonic-counter' | 'gauge' | 'histogram';

export function metricType(metric: OtlpMetric): MetricType {
  if (metric.histogram !== undefined) return 'histogram';
  if (metric.sum !== undefined) return metric.sum.isMonotonic === true ? 'counter' : 'non-monotonic-counter';
  if (metric.gauge !== undefined) return 'gauge';
  throw new Error(`metric ${metric.name}: not a sum, gauge or explicit-bucket histogram`);
}

/** pcommon.Value.AsString for the scalar kinds. */
function asString(value: AnyValue | undefined): string {
  if (value === undefined) return '';
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return String(value.boolValue);
  if (value.intValue !== undefined) return String(value.intValue);
  if (value.doubleValue !== undefined) return formatFloat(value.doubleValue);
  return '';
}

/** strconv.FormatFloat(v, 'f', -1, 64): the shortest decimal that reads back as v, never an exponent. */
export function formatFloat(v: number): string {
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (Number.isNaN(v)) return 'NaN';
  const text = String(v);
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (m === null) return text;
  const [, sign, lead, rest = '', exp] = m;
  const digits = `${lead}${rest}`;
  const point = 1 + Number(exp);
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  return `${sign}${digits.padEnd(point, '0')}${digits.length > point ? `.${digits.slice(point)}` : ''}`;
}

// ---------------------------------------------------------------------------------------------
// Names (otlptranslator v1.0.0)

/** metric_namer.go's unitMap and perUnitMap. */
const UNITS: Readonly<Record<string, string>> = {
  d: 'days',
  h: 'hours',
  min: 'minutes',
  s: 'seconds',
  ms: 'milliseconds',
  us: 'microseconds',
  ns: 'nanoseconds',
  By: 'bytes',
  KiBy: 'kibibytes',
  MiBy: 'mebibytes',
  GiBy: 'gibibytes',
  TiBy: 'tibibytes',
  KBy: 'kilobytes',
  MBy: 'megabytes',
  GBy: 'gigabytes',
  TBy: 'terabytes',
  m: 'meters',
  V: 'volts',
  A: 'amperes',
  J: 'joules',
  W: 'watts',
  g: 'grams',
  Cel: 'celsius',
  Hz: 'hertz',
  '1': '',
  '%': 'percent',
};
const PER_UNITS: Readonly<Record<string, string>> = { s: 'second', m: 'minute', h: 'hour', d: 'day', w: 'week', mo: 'month', y: 'year' };

const isMetricChar = (c: string) => /^[a-zA-Z0-9:]$/.test(c);
const tokens = (name: string, keep: (c: string) => boolean) =>
  [...name]
    .map((c) => (keep(c) ? c : ' '))
    .join('')
    .split(' ')
    .filter((t) => t !== '');

/** buildUnitSuffixes: the main unit and `per_` unit of a UCUM unit; annotations in braces add nothing. */
function unitSuffixes(unit: string): [main: string, per: string] {
  const [mainOtel = '', perOtel] = splitOnce(unit, '/');
  const main = mainOtel.trim() !== '' && !/[{}]/.test(mainOtel) ? (UNITS[mainOtel.trim()] ?? mainOtel.trim()) : '';
  let per = '';
  if (perOtel !== undefined && perOtel !== '') {
    const p = perOtel.trim();
    if (p !== '' && !/[{}]/.test(p)) per = PER_UNITS[p] ?? p;
    if (per !== '') per = `per_${per}`;
  }
  return [main, per];
}

function splitOnce(text: string, sep: string): [string, string?] {
  const i = text.indexOf(sep);
  return i < 0 ? [text] : [text.slice(0, i), text.slice(i + 1)];
}

/** cleanUpUnit: invalid characters to `_`, runs of `_` collapsed, a leading `_` dropped. */
function cleanUpUnit(unit: string): string {
  return [...unit]
    .map((c) => (isMetricChar(c) ? c : '_'))
    .join('')
    .replace(/_+/g, '_')
    .replace(/^_/, '');
}

const trimSuffixAndDelimiter = (name: string, suffix: string) =>
  name.endsWith(suffix) && name.length > suffix.length + 1 ? name.slice(0, name.length - suffix.length - 1) : name;

/** MetricNamer.Build under a strategy. */
export function metricName(name: string, unit: string, type: MetricType, strategy: TranslationStrategy): string {
  const suffixes = addsSuffixes(strategy);
  if (!escapes(strategy)) {
    // buildMetricName: the name as it is, suffixes appended unit first, then _total, then _ratio.
    if (!suffixes) return name;
    let out = name;
    const after: string[] = [];
    if (unit === '1' && type === 'gauge') {
      out = trimSuffixAndDelimiter(out, 'ratio');
      after.unshift('_ratio');
    }
    if (type === 'counter') {
      out = trimSuffixAndDelimiter(out, 'total');
      after.unshift('_total');
    }
    const [main, per] = unitSuffixes(unit);
    if (per !== '') {
      out = trimSuffixAndDelimiter(out, per);
      after.unshift(`_${per}`);
    }
    if (main !== '' && !out.endsWith(main)) out = `${out}_${main}`;
    return `${out}${after.join('')}`;
  }
  if (!suffixes) {
    // Characters other than [a-zA-Z0-9:_] split the name; the parts are joined with `_`.
    const plain = tokens(name, (c) => isMetricChar(c) || c === '_').join('_');
    return /^\d/.test(plain) ? `_${plain}` : plain;
  }
  // normalizeName: `_` splits too (runs of underscores collapse), then unit, _total and _ratio tokens.
  let parts = tokens(name, isMetricChar);
  const [rawMain, rawPer] = unitSuffixes(unit);
  let main = cleanUpUnit(rawMain);
  let per = cleanUpUnit(rawPer);
  if (parts.includes(main)) main = '';
  if (per === 'per_') per = '';
  else {
    per = per.replace(/_$/, '');
    if (parts.includes(per)) per = '';
  }
  if (per !== '') main = main.replace(/_$/, '');
  if (main !== '') parts.push(main);
  if (per !== '') parts.push(per);
  if (type === 'counter') parts = [...parts.filter((t) => t !== 'total'), 'total'];
  if (unit === '1' && type === 'gauge') parts = [...parts.filter((t) => t !== 'ratio'), 'ratio'];
  const normalized = parts.join('_');
  return /^\d/.test(normalized) ? `_${normalized}` : normalized;
}

/** LabelNamer.Build with Prometheus 3.14's defaults. */
export function labelName(attribute: string, strategy: TranslationStrategy): string {
  if (!escapes(strategy)) return attribute;
  let out = [...attribute].map((c) => (/^[a-zA-Z0-9]$/.test(c) ? c : '_')).join('');
  if (/^\d/.test(out)) out = `key_${out}`;
  else if (out.startsWith('_') && !out.startsWith('__')) out = `key${out}`;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Samples

export interface TranslationOptions {
  /** `otlp.translation_strategy`. @default UnderscoreEscapingWithSuffixes */
  readonly strategy?: TranslationStrategy;
  /** `otlp.promote_resource_attributes`. */
  readonly promoteResourceAttributes?: readonly string[];
  /** `otlp.keep_identifying_resource_attributes`: service.* also on target_info. */
  readonly keepIdentifyingResourceAttributes?: boolean;
  /** `otlp.promote_scope_metadata`: otel_scope_name, otel_scope_version (and attributes) on every series. */
  readonly promoteScopeMetadata?: boolean;
}

export interface PromSample {
  readonly name: string;
  /** Labels other than `__name__`, empty values dropped (Prometheus stores none). */
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
  readonly timestampMs: number;
  /** The OTLP metric the sample came from (`target_info`: none). */
  readonly metric?: string;
}

const IDENTIFYING = ['service.namespace', 'service.name', 'service.instance.id'];
const nanosToMs = (t: number | string | undefined) => (t === undefined ? 0 : Number(BigInt(t) / 1_000_000n));

/** createAttributes: attributes (sorted, sanitised, collisions joined with `;`), promoted ones, job and instance, scope. */
function labelsOf(
  attributes: readonly KeyValue[],
  strategy: TranslationStrategy,
  context: { promoted: Record<string, string>; job?: string; instance?: string; scope: Record<string, string> },
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { key, value } of [...attributes].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))) {
    const name = labelName(key, strategy);
    const text = asString(value);
    out[name] = out[name] !== undefined && out[name] !== '' ? `${out[name]};${text}` : text;
  }
  for (const [k, v] of Object.entries(context.promoted)) if (out[k] === undefined || out[k] === '') out[k] = v;
  if (context.job !== undefined) out.job = context.job;
  if (context.instance !== undefined) out.instance = context.instance;
  Object.assign(out, context.scope);
  for (const k of Object.keys(out)) if (out[k] === '') delete out[k];
  return out;
}

/** The samples Prometheus stores for one OTLP/JSON metrics request. */
export function translateOtlp(request: OtlpMetricsRequest, options: TranslationOptions = {}): PromSample[] {
  const strategy = options.strategy ?? 'UnderscoreEscapingWithSuffixes';
  const samples: PromSample[] = [];
  for (const rm of request.resourceMetrics ?? []) {
    const resource = rm.resource?.attributes ?? [];
    const get = (key: string) => resource.find((a) => a.key === key);
    const service = get('service.name');
    const namespace = get('service.namespace');
    const instanceId = get('service.instance.id');
    const job =
      service === undefined ? undefined : `${namespace === undefined ? '' : `${asString(namespace.value)}/`}${asString(service.value)}`;
    const instance = instanceId === undefined ? undefined : asString(instanceId.value);
    const promoted: Record<string, string> = {};
    for (const key of options.promoteResourceAttributes ?? []) {
      const a = get(key);
      if (a !== undefined) promoted[labelName(key, strategy)] = asString(a.value);
    }
    let latest = 0;
    for (const sm of rm.scopeMetrics ?? []) {
      const scope: Record<string, string> = {};
      if (options.promoteScopeMetadata === true && (sm.scope?.name ?? '') !== '') {
        for (const a of sm.scope?.attributes ?? []) scope[labelName(`otel_scope_${a.key}`, strategy)] = asString(a.value);
        scope.otel_scope_name = sm.scope?.name ?? '';
        scope.otel_scope_version = sm.scope?.version ?? '';
        scope.otel_scope_schema_url = sm.schemaUrl ?? '';
      }
      const context = { promoted, job, instance, scope };
      for (const metric of sm.metrics ?? []) {
        const type = metricType(metric);
        const temporality = metric.sum?.aggregationTemporality ?? metric.histogram?.aggregationTemporality;
        if (type !== 'gauge' && temporality !== 2)
          throw new Error(`${metric.name}: Prometheus refuses delta temporality (without otlp-deltatocumulative)`);
        const name = metricName(metric.name, metric.unit ?? '', type, strategy);
        const add = (sampleName: string, labels: Record<string, string>, value: number, t: number | string | undefined) => {
          const timestampMs = nanosToMs(t);
          latest = Math.max(latest, timestampMs);
          samples.push({ name: sampleName, labels, value, timestampMs, metric: metric.name });
        };
        if (metric.histogram !== undefined) {
          for (const p of metric.histogram.dataPoints ?? []) {
            const base = labelsOf(p.attributes ?? [], strategy, context);
            if (p.sum !== undefined) add(`${name}_sum`, base, p.sum, p.timeUnixNano);
            add(`${name}_count`, base, Number(p.count ?? 0), p.timeUnixNano);
            const bounds = p.explicitBounds ?? [];
            const counts = p.bucketCounts ?? [];
            let cumulative = 0;
            for (let i = 0; i < bounds.length && i < counts.length; i++) {
              cumulative += Number(counts[i]);
              add(`${name}_bucket`, { ...base, le: formatFloat(bounds[i]!) }, cumulative, p.timeUnixNano);
            }
            add(`${name}_bucket`, { ...base, le: '+Inf' }, Number(p.count ?? 0), p.timeUnixNano);
          }
        } else {
          for (const p of (metric.sum ?? metric.gauge)?.dataPoints ?? []) {
            const value = p.asDouble ?? Number(p.asInt ?? 0);
            add(name, labelsOf(p.attributes ?? [], strategy, context), value, p.timeUnixNano);
          }
        }
      }
    }
    // target_info: the resource without the attributes that became job and instance.
    const rest = resource.filter((a) => options.keepIdentifyingResourceAttributes === true || !IDENTIFYING.includes(a.key));
    const nonIdentifying = resource.filter((a) => !IDENTIFYING.includes(a.key)).length;
    if (nonIdentifying > 0 && (job !== undefined || instance !== undefined) && latest > 0) {
      samples.push({
        name: 'target_info',
        labels: labelsOf(rest, strategy, { promoted: {}, job, instance, scope: {} }),
        value: 1,
        timestampMs: latest,
      });
    }
  }
  return samples;
}

// ---------------------------------------------------------------------------------------------
// Output

const escapeValue = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/** `name{a="b", …}` as promtool's input_series and the exposition format write it (legacy names only). */
export function seriesText(name: string, labels: Readonly<Record<string, string>>): string {
  const inner = Object.entries(labels)
    .map(([k, v]) => `${k}="${escapeValue(v)}"`)
    .join(',');
  return inner === '' ? name : `${name}{${inner}}`;
}

/** The samples as a Prometheus text exposition without timestamps, for a Prometheus to scrape with honor_labels. */
export function toExposition(samples: readonly PromSample[]): string {
  return samples.map((s) => `${seriesText(s.name, s.labels)} ${formatFloat(s.value)}\n`).join('');
}
