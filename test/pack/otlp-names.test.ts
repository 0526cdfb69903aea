// The names of ai-pricetag's series pulled from @opentelemetry/exporter-prometheus and pushed over
// OTLP into Prometheus, from one real SDK recording every instrument: the exporter is scraped over
// HTTP, the OTLP/JSON payload is captured by test/support/otlp-receiver.ts and translated as
// Prometheus' receiver does (test/support/otlp-translate.ts, which cites the translator's source).
// Then the pack: SERIES_NAMES matches both, every selector of the rules and dashboards reads its
// series under every naming, and the rule tests of alerts/tests pass under promtool with their
// input series named as an OTLP push names them.
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { parse, stringify } from 'yaml';
import type { CallRecord } from '../../src/record/call-record.js';
import { priceFacts } from '../../src/record/price-facts.js';
import { loadCatalogs } from '../../src/catalog/load.js';
import { SERIES_NAMINGS, type SeriesNaming } from '../../src/pack/config.js';
import { SERIES_NAMES, seriesName, seriesNames } from '../../src/pack/series.js';
import { decimal } from '../../src/pricing/decimal.js';
import type { PriceItem } from '../../src/providers/types.js';
import { CallMetrics } from '../../src/telemetry/call-metrics.js';
import { PROMETHEUS_SERIES as S } from '../../src/semconv.js';
import { WorkUnitMetrics } from '../../src/telemetry/work-unit-metrics.js';
import type { WorkUnitTable } from '../../src/telemetry/work-units.js';
import {
  checkPromQL,
  committedDashboards,
  labelValues,
  panelQueries,
  placeholderValues,
  substitute,
  variableQuery,
} from '../dashboards/support.js';
import { otlpReceiver, type OtlpReceiver } from '../support/otlp-receiver.js';
import {
  labelName,
  metricName,
  metricType,
  translateOtlp,
  type OtlpMetricsRequest,
  type TranslationStrategy,
} from '../support/otlp-translate.js';
import { hasBinary } from '../support/prometheus.js';

const exec = promisify(execFile);
const root = new URL('../../', import.meta.url).pathname;
const HISTOGRAM_PARTS = ['_bucket', '_sum', '_count'];
/** The OTLP strategies the pack reads (SERIES_NAMINGS without `pull`). */
const STRATEGIES = SERIES_NAMINGS.filter((n): n is Exclude<SeriesNaming, 'pull'> => n !== 'pull');
/** Every pull name, histograms with their parts. */
const pullNames = new Set(Object.values(SERIES_NAMES).flatMap(([pull]) => [pull, ...HISTOGRAM_PARTS.map((p) => `${pull}${p}`)]));
const RESOURCE = {
  'service.name': 'chat-api',
  'service.namespace': 'shop',
  'service.instance.id': 'chat-api-7d9f-1',
  'deployment.environment.name': 'prod',
};

interface Scraped {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}

/** The samples of a text exposition (the exporter's: no timestamps). */
function parseExposition(text: string): Scraped[] {
  const out: Scraped[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(m !== null, `unparsable exposition line: ${line}`);
    out.push({ name: m[1]!, labels: parseLabels(m[2] ?? ''), value: m[3] === '+Inf' ? Infinity : Number(m[3]) });
  }
  return out;
}

function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const m of text.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"/g))
    labels[m[1]!] = m[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
  return labels;
}

/** The exporter's name for an instrument (PrometheusSerializer: sanitised, `_total` for monotonic sums). */
function pullName(otelName: string, type: string): string {
  const name = otelName.replace(/[^a-z0-9_]/gi, '_').replace(/_{2,}/g, '_');
  return type === 'counter' && !name.endsWith('_total') ? `${name}_total` : name;
}

/** A series' identity for comparisons: its name and labels, `le` as a number, the exporter's scope labels and job/instance left out. */
function identity(name: string, labels: Readonly<Record<string, string>>): string {
  const kept = Object.entries(labels)
    .filter(([k, v]) => !k.startsWith('otel_scope_') && k !== 'job' && k !== 'instance' && v !== '')
    .map(([k, v]) => [k, k === 'le' ? String(v === '+Inf' ? Infinity : Number(v)) : v])
    .sort(([a], [b]) => (a! < b! ? -1 : 1));
  return `${name}${JSON.stringify(kept)}`;
}

describe('series names: pulled from the Prometheus exporter and pushed over OTLP', function () {
  this.timeout(120_000);
  let receiver: OtlpReceiver;
  let scraped: Scraped[];
  let payload: OtlpMetricsRequest;
  /** Every name under every naming, to the series' pull name. */
  const pullOf = new Map<string, string>();

  before(async function () {
    receiver = await otlpReceiver();
    const prometheus = new PrometheusExporter({ preventServerStart: true });
    const otlp = new PeriodicExportingMetricReader({
      exporter: new OTLPMetricExporter({ url: `${receiver.url}/v1/metrics` }),
      exportIntervalMillis: 3_600_000,
    });
    const provider = new MeterProvider({ readers: [prometheus, otlp], resource: resourceFromAttributes(RESOURCE) });
    const server = http.createServer((req, res) => prometheus.getMetricsRequestHandler(req, res));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      recordEveryInstrument(provider);
      scraped = parseExposition(await (await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`)).text());
      await otlp.forceFlush();
      const bodies = receiver.bodies.filter((b) => b.path === '/v1/metrics');
      assert.equal(bodies.length, 1, 'one OTLP export');
      payload = bodies[0]!.body as OtlpMetricsRequest;
    } finally {
      server.close();
      await provider.shutdown();
      receiver.close();
    }
    for (const names of Object.values(SERIES_NAMES)) {
      const histogram = scraped.some((s) => s.name === `${names[0]}_bucket`);
      for (const name of names) {
        for (const [from, to] of histogram ? HISTOGRAM_PARTS.map((p) => [`${name}${p}`, `${names[0]}${p}`]) : [[name, names[0]]]) {
          assert.ok(pullOf.get(from!) === undefined || pullOf.get(from!) === to, `${from} names two series`);
          pullOf.set(from!, to!);
        }
      }
    }
  });

  const metrics = () => (payload.resourceMetrics ?? []).flatMap((r) => (r.scopeMetrics ?? []).flatMap((s) => s.metrics ?? []));

  it('records every series of PROMETHEUS_SERIES, served by the exporter under its pull name', function () {
    const served = new Set(scraped.map((s) => s.name));
    for (const [key, name] of Object.entries(S)) {
      assert.ok(served.has(name) || served.has(`${name}_bucket`), `${key}: the exporter serves no ${name}`);
    }
    // The exporter's naming rule, applied to the instruments of the OTLP payload, gives the names it serves.
    const fromPayload = new Set(metrics().map((m) => pullName(m.name, metricType(m))));
    const base = (n: string) =>
      HISTOGRAM_PARTS.reduce((b, p) => (b.endsWith(p) && served.has(`${b.slice(0, -p.length)}_bucket`) ? b.slice(0, -p.length) : b), n);
    const families = new Set([...served].filter((n) => n !== 'target_info').map(base));
    assert.deepEqual([...fromPayload].sort(), [...families].sort());
  });

  it('names every instrument under each translation strategy the pack reads as SERIES_NAMES does', function () {
    const table: string[] = [];
    for (const metric of metrics()) {
      const type = metricType(metric);
      const pull = pullName(metric.name, type);
      const key = (Object.keys(S) as (keyof typeof S)[]).find((k) => S[k] === pull);
      assert.ok(key !== undefined, `${metric.name} (${pull}) is not in PROMETHEUS_SERIES`);
      const row = [`${metric.name} (${type}, unit "${metric.unit ?? ''}")`, pull];
      for (const strategy of STRATEGIES) {
        const samples = new Set(
          translateOtlp({ resourceMetrics: [{ scopeMetrics: [{ metrics: [metric] }] }] }, { strategy }).map((s) => s.name),
        );
        const expected = seriesName(pull, strategy);
        const want = type === 'histogram' ? HISTOGRAM_PARTS.map((p) => `${expected}${p}`) : [expected];
        assert.deepEqual([...samples].sort(), want.sort(), `${metric.name} under ${strategy}`);
        row.push(expected);
      }
      table.push(row.join(' → '));
    }
    assert.equal(table.length, Object.keys(S).length, table.join('\n'));
  });

  it('names them as the translator of Prometheus 3 does under its UTF-8 strategies, dots kept', function () {
    const names = (strategy: TranslationStrategy) => new Set(translateOtlp(payload, { strategy }).map((s) => s.name));
    const utf8 = names('NoUTF8EscapingWithSuffixes');
    for (const n of [
      'ai.cost_total',
      'gen_ai.client.operation.duration_seconds_bucket',
      'gen_ai.usage.cost_USD_sum',
      'ai.pricing.catalog.info',
    ])
      assert.ok(utf8.has(n), n);
    const none = names('NoTranslation');
    for (const n of ['ai.cost', 'ai.requests', 'gen_ai.client.operation.duration_bucket', 'gen_ai.client.token.usage_count'])
      assert.ok(none.has(n), n);
    // Labels keep their dots too: no query of the pack (gen_ai_provider_name=…) can read them, hence unsupported.
    const cost = translateOtlp(payload, { strategy: 'NoUTF8EscapingWithSuffixes' }).find((s) => s.name === 'ai.cost_total')!;
    assert.ok('gen_ai.provider.name' in cost.labels && !('gen_ai_provider_name' in cost.labels));
  });

  it("follows the translator's documented examples", function () {
    // The godoc examples of otlptranslator v1.0.0's MetricNamer, UnitNamer and LabelNamer.
    const esc = 'UnderscoreEscapingWithSuffixes';
    assert.equal(metricName('http.server.duration', 's', 'histogram', esc), 'http_server_duration_seconds');
    assert.equal(metricName('requests.count', '1', 'counter', esc), 'requests_count_total');
    assert.equal(metricName('memory.usage', 'By', 'gauge', esc), 'memory_usage_bytes');
    assert.equal(metricName('throughput', 'requests/s', 'gauge', esc), 'throughput_requests_per_second');
    assert.equal(metricName('cpu.utilization', '1', 'gauge', esc), 'cpu_utilization_ratio');
    assert.equal(metricName('http.server.duration', 's', 'histogram', 'UnderscoreEscapingWithoutSuffixes'), 'http_server_duration');
    assert.equal(labelName('http.method', esc), 'http_method');
    assert.equal(labelName('123invalid', esc), 'key_123invalid');
    assert.equal(labelName('__reserved__', esc), '__reserved__');
  });

  it('pushes the same series with the same values as the exporter serves, under each naming the pack reads', function () {
    const pulled = new Map(scraped.filter((s) => s.name !== 'target_info').map((s) => [identity(s.name, s.labels), s.value]));
    for (const strategy of STRATEGIES) {
      const pushed = new Map<string, number>();
      for (const s of translateOtlp(payload, { strategy })) {
        if (s.name === 'target_info') continue;
        const pull = pullOf.get(s.name);
        assert.ok(pull !== undefined, `${strategy}: ${s.name} is no name of SERIES_NAMES`);
        pushed.set(identity(pull, s.labels), s.value);
      }
      assert.deepEqual(pushed, pulled, strategy);
    }
  });

  it('turns the resource into job, instance and target_info; promote_resource_attributes labels every series', function () {
    const samples = translateOtlp(payload);
    const cost = samples.find((s) => s.name === S.cost)!;
    assert.equal(cost.labels.job, 'shop/chat-api', 'job: service.namespace/service.name');
    assert.equal(cost.labels.instance, 'chat-api-7d9f-1', 'instance: service.instance.id');
    assert.equal(cost.labels.deployment_environment_name, undefined, 'other resource attributes only on target_info');
    const info = samples.filter((s) => s.name === 'target_info');
    assert.equal(info.length, 1);
    assert.equal(info[0]!.labels.deployment_environment_name, 'prod');
    assert.equal(info[0]!.labels.job, 'shop/chat-api');
    assert.equal(info[0]!.labels.service_name, undefined, 'service.* become job and instance, not target_info labels');
    const promoted = translateOtlp(payload, { promoteResourceAttributes: ['deployment.environment.name', 'service.name'] });
    for (const s of promoted.filter((x) => x.name !== 'target_info')) {
      assert.equal(s.labels.deployment_environment_name, 'prod', s.name);
      assert.equal(s.labels.service_name, 'chat-api', s.name);
    }
    // The exporter puts the resource on target_info alone, and the scrape adds job and instance.
    const pulledInfo = scraped.find((s) => s.name === 'target_info')!;
    assert.equal(pulledInfo.labels.service_name, 'chat-api');
    assert.equal(scraped.find((s) => s.name === S.cost)!.labels.job, undefined);
  });

  it('reads each series of every rule and dashboard query under every naming the pack supports', function () {
    const exprs: { where: string; expr: string }[] = [];
    for (const file of ['alerts/ai-pricetag.rules.yml', 'deploy/prometheus/demo.rules.yml']) {
      const rules = parse(readFileSync(join(root, file), 'utf8')) as {
        groups: { rules: { record?: string; alert?: string; expr: string }[] }[];
      };
      for (const g of rules.groups) for (const r of g.rules) exprs.push({ where: `${file} ${r.record ?? r.alert}`, expr: r.expr });
    }
    for (const { json } of committedDashboards().values()) {
      const values = placeholderValues(json);
      for (const q of panelQueries(json)) exprs.push({ where: `${json.uid} / ${q.where}`, expr: substitute(q.expr, values) });
      for (const v of json.templating.list.filter((x) => x.type === 'query'))
        exprs.push({ where: `${json.uid} / $${v.name}`, expr: substitute(labelValues(variableQuery(v))!.selector, values) });
    }
    const present: Record<SeriesNaming, Set<string>> = {
      pull: new Set(scraped.map((s) => s.name)),
      UnderscoreEscapingWithSuffixes: new Set(translateOtlp(payload, { strategy: 'UnderscoreEscapingWithSuffixes' }).map((s) => s.name)),
      UnderscoreEscapingWithoutSuffixes: new Set(
        translateOtlp(payload, { strategy: 'UnderscoreEscapingWithoutSuffixes' }).map((s) => s.name),
      ),
    };
    const read = new Set<string>();
    for (const { where, expr } of exprs) {
      const { errors, selectors } = checkPromQL(expr);
      assert.deepEqual(errors, [], where);
      for (const names of selectors) {
        const pulls = new Set(names.flatMap((n) => pullOf.get(n) ?? []));
        if (pulls.size === 0) continue; // a recording rule or one of Prometheus' own series
        assert.equal(pulls.size, 1, `${where}: one selector reads two series: ${names.join('|')}`);
        const [pull] = pulls;
        read.add(pull!);
        assert.deepEqual(new Set(names), new Set(seriesNames(pull!)), `${where}: ${pull} under every naming`);
        for (const naming of SERIES_NAMINGS)
          assert.ok(
            names.some((n) => present[naming].has(n)),
            `${where}: ${names.join('|')} reads nothing of a ${naming} Prometheus`,
          );
      }
    }
    assert.ok(read.size >= 12, `the pack reads ${read.size} series`);
    // Where every naming agrees, the plain name stays.
    assert.match(readFileSync(join(root, 'alerts/ai-pricetag.rules.yml'), 'utf8'), /max_over_time\(ai_pricing_catalog_info\[1d\]\)/);
  });

  describe('the rule tests of alerts/tests with their input series named as an OTLP push names them', function () {
    const TESTS = join(root, 'alerts/tests');
    const RULES = join(root, 'alerts/ai-pricetag.rules.yml');
    const files = readdirSync(TESTS)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort();
    const variants = STRATEGIES.flatMap((strategy) =>
      files.map((file) => ({ strategy, file, ...renameTestFile(readFileSync(join(TESTS, file), 'utf8'), strategy, RULES) })),
    );
    let dir: string | undefined;
    // promtool runs take seconds each: all start with the first test, each test awaits its own.
    let runs: Map<string, Promise<string | undefined>> | undefined;
    const run = (strategy: string, file: string) => {
      if (runs === undefined) {
        dir = mkdtempSync(join(tmpdir(), 'pricetag-otlp-rules-'));
        runs = new Map();
        for (const v of variants.filter((x) => x.renamed > 0)) {
          const out = join(dir, `${v.strategy}-${v.file}`);
          writeFileSync(out, v.text);
          runs.set(
            `${v.strategy}/${v.file}`,
            exec('promtool', ['test', 'rules', out], { maxBuffer: 16 * 1024 * 1024 }).then(
              () => undefined,
              (err: { stdout?: string; stderr?: string; message: string }) => `${err.stdout ?? ''}${err.stderr ?? ''}` || err.message,
            ),
          );
        }
      }
      return runs.get(`${strategy}/${file}`)!;
    };
    after(function () {
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    });

    for (const v of variants.filter((x) => x.renamed > 0)) {
      it(`${v.strategy}: promtool test rules ${v.file} (${v.renamed} series renamed, otel_scope_* dropped)`, async function () {
        assert.ok(hasBinary('promtool'), 'promtool is not on PATH: apt-get install prometheus');
        const failure = await run(v.strategy, v.file);
        assert.equal(failure, undefined, `promtool test rules ${v.file} with ${v.strategy} names failed:\n${failure}`);
      });
    }

    it('runs the rest on the names test/pack/promtool.test.ts runs them on', function () {
      // The inputs read no duration histogram: under UnderscoreEscapingWithSuffixes every input keeps its name.
      const same = variants.filter((x) => x.renamed === 0);
      assert.deepEqual(
        same.filter((x) => x.strategy === 'UnderscoreEscapingWithSuffixes').map((x) => x.file),
        files,
      );
      // Without suffixes only the tests of series named alike everywhere (catalog info, conversation-cost buckets) keep them.
      assert.deepEqual(
        same.filter((x) => x.strategy === 'UnderscoreEscapingWithoutSuffixes').map((x) => x.file),
        ['conversation-cost.yml', 'cost-exporter-down.yml'],
      );
    });
  });
});

/** Calls through CallMetrics and WorkUnitMetrics that make every instrument report. */
function recordEveryInstrument(provider: MeterProvider): void {
  const loaded = loadCatalogs([]);
  assert.ok(loaded.ok);
  const pricing = {
    pricer: loaded.pricer,
    provider: 'openai',
    shadowPlans: new Map([['openai/gpt-4o-mini', ['openai/gpt-4.1-nano']]]),
    defaultCurrency: 'USD',
  };
  const meter = provider.getMeter('ai-pricetag', '0.1.0');
  const calls = new CallMetrics(meter, {
    maxModels: 4,
    genAiUsageCost: true,
    catalogLabels: () => ['ai-pricetag-default-2026-11'],
  });
  const record = (model: string, input: number, output: number): CallRecord => {
    const item: PriceItem = { operation: 'chat', model, usage: { input_tokens: input, output_tokens: output } };
    return {
      provider: 'openai',
      operation: 'chat',
      serverAddress: 'api.openai.com',
      serverPort: 443,
      requestModel: model,
      outcome: 'success',
      aborted: false,
      durationSeconds: 1.5,
      semconv: { inputTokens: input, outputTokens: output },
      ...priceFacts(pricing, { items: [item] }, 'success'),
    };
  };
  calls.record(record('gpt-4o-mini', 1200, 300));
  calls.record(record('gpt-4o-mini', 90_000, 1_500));
  calls.record(record('gpt-99', 10, 5)); // unknown to the catalog: unpriced
  calls.recordInternalError('recording');
  const table = { activeByUnit: () => new Map([['conversation', 2]]), evictions: () => new Map([['conversation', 1]]) };
  const units = new WorkUnitMetrics(meter, () => table as unknown as WorkUnitTable);
  units.record({
    unit: 'conversation',
    provider: 'openai',
    labels: {},
    requests: 3,
    cost: new Map([['USD', decimal('0.0125')]]),
    shadows: new Map([['openai/gpt-4.1-nano', new Map([['USD', decimal('0.004')]])]]),
    durationSeconds: 95,
    reason: 'idle',
  });
}

/**
 * A promtool test file with its input series (and the raw series its expressions read) renamed
 * to a strategy's names and without the exporter's otel_scope_* labels, which an OTLP push does
 * not have; expected results unchanged. Returns the YAML and how many series were renamed.
 */
function renameTestFile(text: string, strategy: SeriesNaming, rulesFile: string): { text: string; renamed: number } {
  let renamed = 0;
  const rename = (name: string) => {
    const to = seriesName(name, strategy);
    if (to !== name) renamed++;
    return to;
  };
  const withoutScope = (labels: string) =>
    labels
      .replace(/,?\s*otel_scope_[a-z_]+\s*=\s*"(?:[^"\\]|\\.)*"/g, '')
      .replace(/\{\s*,\s*/, '{')
      .replace(/\{\s*\}/, '');
  const doc = parse(text) as {
    rule_files: string[];
    tests: {
      input_series?: { series: string }[];
      promql_expr_test?: { expr: string; exp_samples?: { labels?: string }[] }[];
    }[];
  };
  doc.rule_files = [rulesFile];
  for (const test of doc.tests) {
    for (const input of test.input_series ?? []) {
      const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(.*)$/s.exec(input.series.trim())!;
      input.series = `${rename(m[1]!)}${withoutScope(m[2]!)}`;
    }
    for (const expr of test.promql_expr_test ?? []) {
      expr.expr = expr.expr.replace(/(?<![\w:])[a-zA-Z_][a-zA-Z0-9_]*(?![\w:])/g, (token) =>
        pullNames.has(token) ? rename(token) : token,
      );
      for (const sample of expr.exp_samples ?? []) if (sample.labels !== undefined) sample.labels = withoutScope(sample.labels);
    }
  }
  return { text: stringify(doc, { lineWidth: 0 }), renamed };
}
