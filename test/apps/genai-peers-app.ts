// A process with another GenAI instrumentation next to ours (PEER), as its users set it up, making two
// chat calls to PROVIDER_URL through the real client: one plain, one streamed. Prints the finished
// spans (ours and the peer's, however the peer exports them) and the Prometheus scrape's GenAI and
// cost series, summed, as one JSON line. PRICETAG_GENAI_SPAN chooses our mode, through the environment.
//
// PEER:
//   contrib           NodeSDK with @opentelemetry/instrumentation-openai (made to accept openai 7, see below)
//   contrib-shipped   NodeSDK with getNodeAutoInstrumentations() as installed
//   openlit           openlit.init() beside our own SDK set-up
//   ai-sdk            the `ai` package (@ai-sdk/openai) with experimental_telemetry on
//   ai-sdk-otel       the same with @ai-sdk/otel's telemetry integration registered (STYLE modern | legacy)
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { context, metrics, trace, type Attributes } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { InstrumentationNodeModuleDefinition, registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { OpenAIInstrumentation } from '@opentelemetry/instrumentation-openai';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { PricetagInstrumentation } from '../../src/instrumentation.js';
import { loadFixture } from '../support/fixtures.js';
import { samples } from '../support/metrics-endpoint.js';
import { otlpReceiver } from '../support/otlp-receiver.js';

const peer = process.env.PEER!;
const base = process.env.PROVIDER_URL!;
const plain = loadFixture('openai', 'chat-cached');
const streamed = loadFixture('openai', 'chat-stream-usage');

/**
 * instrumentation-openai 0.22 declares openai >=4.19.0 <7, so its require hook leaves openai 7 (the
 * version installed here) alone. Its patch itself works on openai 7 unchanged: this widens only the
 * declared range, so the real hook applies the real patch, as for openai 4 to 6.
 */
class OpenAIInstrumentationForOpenAI7 extends OpenAIInstrumentation {
  override init() {
    return super.init().map((d) => new InstrumentationNodeModuleDefinition(d.name, ['>=4.19.0'], d.patch, d.unpatch, d.files as never));
  }
}

const exporter = new InMemorySpanExporter();
const prometheus = new PrometheusExporter({ preventServerStart: true });
const metricsServer = http.createServer((req, res) => prometheus.getMetricsRequestHandler(req, res));
metricsServer.listen(0, '127.0.0.1');
await once(metricsServer, 'listening');
const pricetag = new PricetagInstrumentation({ endpoints: [{ provider: 'openai', baseUrl: base }] });
const receiver = peer === 'openlit' ? await otlpReceiver() : undefined;

if (peer === 'contrib' || peer === 'contrib-shipped') {
  const { NodeSDK } = await import('@opentelemetry/sdk-node');
  const { getNodeAutoInstrumentations } = await import('@opentelemetry/auto-instrumentations-node');
  const instrumentations =
    peer === 'contrib'
      ? [new OpenAIInstrumentationForOpenAI7(), new HttpInstrumentation(), new UndiciInstrumentation()]
      : getNodeAutoInstrumentations();
  new NodeSDK({
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
    metricReaders: [prometheus],
    instrumentations: [...instrumentations, pricetag],
  }).start();
} else {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] }));
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [prometheus] }));
  // openlit brings OpenTelemetry's http and undici instrumentations itself (into its own provider).
  registerInstrumentations({ instrumentations: peer === 'openlit' ? [pricetag] : [new UndiciInstrumentation(), pricetag] });
}

if (peer === 'openlit') {
  // Its own TracerProvider (it reuses none: the global one it sees is the API's proxy), exporting
  // over OTLP/HTTP; its metrics go to the global MeterProvider above. pricingJson: no download.
  const { default: openlit } = (await import('openlit')) as unknown as { default: typeof import('openlit').default };
  openlit.init({ applicationName: 'genai-peers', otlpEndpoint: receiver!.url, disableBatch: true, disableEvents: true, pricingJson: {} });
}

if (peer.startsWith('ai-sdk')) {
  const { generateText, registerTelemetry, streamText } = await import('ai');
  const { createOpenAI } = await import('@ai-sdk/openai');
  if (peer === 'ai-sdk-otel') {
    // The AI SDK's own OpenTelemetry integration (its modern GenAI spans, or its legacy ai.* ones).
    const otel = await import('@ai-sdk/otel');
    registerTelemetry(process.env.STYLE === 'legacy' ? new otel.LegacyOpenTelemetry() : new otel.OpenTelemetry());
  }
  const model = createOpenAI({ apiKey: 'sk-test', baseURL: base }).chat('gpt-4o-mini');
  await generateText({ model, prompt: 'Which drill bit for tiles?', experimental_telemetry: { isEnabled: true } });
  const stream = streamText({ model, prompt: 'Which drill bit for tiles?', experimental_telemetry: { isEnabled: true } });
  for await (const _ of stream.textStream) void _;
} else {
  // A CommonJS application's require, which the instrumentations' require hooks see.
  const { OpenAI } = createRequire(import.meta.url)('openai') as typeof import('openai');
  const client = new OpenAI({ apiKey: 'sk-test', baseURL: base, maxRetries: 0 });
  await client.chat.completions.create(plain.request.body as never);
  const stream = await client.chat.completions.create(streamed.request.body as never);
  for await (const _ of stream as unknown as AsyncIterable<unknown>) void _;
}

interface SpanOut {
  readonly name: string;
  readonly scope: string;
  readonly kind: number;
  readonly id: string;
  readonly parent: string | undefined;
  readonly startMs: number;
  readonly endMs: number;
  readonly attributes: Attributes;
}

function finishedSpans(): SpanOut[] {
  const out: SpanOut[] = exporter.getFinishedSpans().map((s) => ({
    name: s.name,
    scope: s.instrumentationScope.name,
    kind: s.kind,
    id: s.spanContext().spanId,
    parent: s.parentSpanContext?.spanId,
    startMs: s.startTime[0] * 1000 + s.startTime[1] / 1e6,
    endMs: s.endTime[0] * 1000 + s.endTime[1] / 1e6,
    attributes: s.attributes,
  }));
  for (const { path, body } of receiver?.bodies ?? []) if (path === '/v1/traces') out.push(...otlpSpans(body));
  return out;
}

const isGenAi = (s: SpanOut) => s.attributes['gen_ai.operation.name'] !== undefined || /^ai\.\w+\.do[A-Z]/.test(s.name);
// Both calls' GenAI spans (two, or four with a span of ours each), and their transport spans, end as
// the calls wind down: wait for them, not for a fixed time.
for (const until = performance.now() + 10_000; performance.now() < until; await new Promise((r) => setTimeout(r, 10))) {
  const spans = finishedSpans();
  if (pricetag.inFlight === 0 && spans.filter(isGenAi).length >= 2 && spans.filter((s) => s.name === 'POST').length >= 2) break;
}
await new Promise((r) => setTimeout(r, 100));

const text = await (await fetch(`http://127.0.0.1:${(metricsServer.address() as AddressInfo).port}/metrics`)).text();
const sum = (name: string, match = '') =>
  [...samples(text, name)].filter(([labels]) => labels.includes(match)).reduce((t, [, v]) => t + v, 0);
const scopes = (name: string) => [...new Set([...samples(text, name).keys()].map((l) => /otel_scope_name="([^"]*)"/.exec(l)?.[1]))].sort();
process.stdout.write(
  `${JSON.stringify({
    spans: finishedSpans(),
    metrics: {
      tokenUsageInput: sum('gen_ai_client_token_usage_count', 'gen_ai_token_type="input"'),
      tokenUsageOutput: sum('gen_ai_client_token_usage_count', 'gen_ai_token_type="output"'),
      tokenUsageScopes: scopes('gen_ai_client_token_usage_count'),
      durationCount: sum('gen_ai_client_operation_duration_count'),
      durationScopes: scopes('gen_ai_client_operation_duration_count'),
      cost: sum('ai_cost_total'),
    },
  })}\n`,
);
process.exit(0);

interface OtlpValue {
  readonly stringValue?: string;
  readonly intValue?: number | string;
  readonly doubleValue?: number;
  readonly boolValue?: boolean;
  readonly arrayValue?: { readonly values?: readonly OtlpValue[] };
}

/** Spans of an OTLP/JSON traces request, as the in-memory exporter's above. */
function otlpSpans(body: unknown): SpanOut[] {
  const value = (v: OtlpValue): unknown =>
    v.stringValue ??
    (v.intValue !== undefined ? Number(v.intValue) : undefined) ??
    v.doubleValue ??
    v.boolValue ??
    v.arrayValue?.values?.map(value);
  const nanos = (t: string) => Number(BigInt(t) / 1000n) / 1000;
  type OtlpSpan = {
    name: string;
    kind: number;
    spanId: string;
    parentSpanId?: string;
    startTimeUnixNano: string;
    endTimeUnixNano: string;
    attributes?: { key: string; value: OtlpValue }[];
  };
  const resources = (body as { resourceSpans: { scopeSpans: { scope: { name: string }; spans: OtlpSpan[] }[] }[] }).resourceSpans;
  return resources.flatMap((r) =>
    r.scopeSpans.flatMap((ss) =>
      ss.spans.map((s) => ({
        name: s.name,
        scope: ss.scope.name,
        // OTLP numbers kinds from 1 (INTERNAL); the API from 0.
        kind: s.kind - 1,
        id: s.spanId,
        parent: s.parentSpanId === undefined || s.parentSpanId === '' ? undefined : s.parentSpanId,
        startMs: nanos(s.startTimeUnixNano),
        endMs: nanos(s.endTimeUnixNano),
        attributes: Object.fromEntries((s.attributes ?? []).map((a) => [a.key, value(a.value)])) as Attributes,
      })),
    ),
  );
}
