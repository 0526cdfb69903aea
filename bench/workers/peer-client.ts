/**
 * One process configuration of the peers benchmark (peers.bench.ts): the
 * official `openai` client making chat completions to the loopback provider,
 * with no GenAI instrumentation, with OpenTelemetry's instrumentation-openai,
 * with openlit, or with ai-pricetag (alone, or beside OpenTelemetry's http and
 * undici instrumentations). Every configuration registers the same pipeline
 * first: a TracerProvider with a batch span processor and a no-op exporter, and
 * a MeterProvider whose reader is never collected during the timing.
 *
 * Every finished span is counted by instrumentation scope, with the GenAI spans
 * that carry the response's output tokens and the spans that carry a cost, so
 * the parent can check each tool was really at work on every call.
 */
import { createRequire } from 'node:module';
import { context, metrics, trace, type Attributes, type TracerProvider as ApiTracerProvider } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InstrumentationNodeModuleDefinition, registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { OpenAIInstrumentation } from '@opentelemetry/instrumentation-openai';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, TracerProvider, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace';
import type OpenAIClient from 'openai';
import { PricetagInstrumentation } from '../../src/instrumentation.js';
import { PEER_MESSAGES, PEER_USAGE } from '../support/provider-server.js';
import { CollectingReader, SpanCounter } from '../support/telemetry.js';
import { serveRequests, workerConfig } from '../support/workers.js';

export type PeerSetup = 'bare' | 'contrib' | 'openlit' | 'pricetag' | 'pricetag+http';

export interface PeerConfig {
  readonly setup: PeerSetup;
  /** The loopback provider's OpenAI base URL (`…/v1`). */
  readonly baseUrl: string;
}

export interface PeerRequest {
  /** `sequential`: one call after the other; `concurrent`: all calls in flight at once. */
  readonly mode: 'sequential' | 'concurrent';
  readonly calls: number;
}

export interface PeerResult {
  /** Sequential: the median of the per-call times; concurrent: the round's wall time. */
  readonly ns: number;
  /** Process CPU time (user + system) per call, averaged over the batch. */
  readonly cpuNs: number;
  /** Spans finished during the batch, by instrumentation scope. */
  readonly spans: Record<string, number>;
  /** Of those, OpenAI chat spans (`gen_ai.operation.name`, provider `openai`) with the response's output tokens, by scope. */
  readonly genAi: Record<string, number>;
  /** Of those, spans with a positive cost (`ai.cost.amount` or `gen_ai.usage.cost`), by scope. */
  readonly costed: Record<string, number>;
}

/** Exports nothing, at once. */
const NOOP_EXPORTER: SpanExporter = {
  export: (_spans, done) => done({ code: 0 }),
  shutdown: async () => undefined,
};

/** SpanCounter, plus the GenAI spans and the spans with a cost, by scope. */
class PeerSpanCounter extends SpanCounter {
  readonly genAi: Record<string, number> = {};
  readonly costed: Record<string, number> = {};
  override onEnd(span: ReadableSpan): void {
    super.onEnd(span);
    const scope = span.instrumentationScope.name;
    const a: Attributes = span.attributes;
    const provider = a['gen_ai.provider.name'] ?? a['gen_ai.system'];
    if (a['gen_ai.operation.name'] === 'chat' && provider === 'openai' && a['gen_ai.usage.output_tokens'] === PEER_USAGE.completion_tokens)
      this.genAi[scope] = (this.genAi[scope] ?? 0) + 1;
    const cost = a['ai.cost.amount'] ?? a['gen_ai.usage.cost'];
    if (typeof cost === 'number' && cost > 0) this.costed[scope] = (this.costed[scope] ?? 0) + 1;
  }
}

/**
 * instrumentation-openai 0.22 declares openai >=4.19.0 <7, so its require hook leaves openai 7 (the
 * version installed here) alone and the process would measure nothing. Its patch works on openai 7
 * unchanged (test/apps/genai-peers-app.ts does the same): this widens only the declared range, so
 * the real hook applies the real patch.
 */
class OpenAIInstrumentationForOpenAI7 extends OpenAIInstrumentation {
  override init() {
    return super.init().map((d) => new InstrumentationNodeModuleDefinition(d.name, ['>=4.19.0'], d.patch, d.unpatch, d.files as never));
  }
}

const config = workerConfig<PeerConfig>();
const require = createRequire(import.meta.url);

// The application's own pipeline, the same in every configuration.
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const spans = new PeerSpanCounter();
trace.setGlobalTracerProvider(new TracerProvider({ spanProcessors: [spans, new BatchSpanProcessor({ exporter: NOOP_EXPORTER })] }));
metrics.setGlobalMeterProvider(new MeterProvider({ readers: [new CollectingReader()] }));

// The tool, set up before the application loads openai.
switch (config.setup) {
  case 'bare':
    break;
  case 'contrib':
    registerInstrumentations({ instrumentations: [new OpenAIInstrumentationForOpenAI7()] });
    break;
  case 'openlit': {
    // openlit 1.15 reuses an application's TracerProvider only when trace.getTracerProvider() has an
    // addSpanProcessor method (SDK 1.x). The API always returns its ProxyTracerProvider, and SDK 2+
    // providers have no such method, so otherwise openlit builds a NodeTracerProvider of its own with a
    // console exporter (OTLP with an endpoint). Marking the proxy makes it take its reuse branch: its
    // instrumentations get the proxy, whose tracers are the application's. (Its `tracer` option skips
    // its whole set-up, instrumentations included.) Its metrics go to the global MeterProvider above.
    const proxy = trace.getTracerProvider() as ApiTracerProvider & { addSpanProcessor?: () => never };
    proxy.addSpanProcessor = () => {
      throw new Error('peers bench: openlit tried to add a span processor to the application’s provider');
    };
    const { Openlit } = require('openlit') as typeof import('openlit');
    Openlit.init({
      applicationName: 'ai-pricetag-bench',
      // No pricing download: the same rates as the built-in catalog's gpt-4o-mini, USD per 1,000 tokens.
      pricingJson: { chat: { 'gpt-4o-mini': { promptPrice: 0.00015, completionPrice: 0.0006 } } },
      // Its events would need a LoggerProvider of its own (a console exporter); the others get none either.
      disableEvents: true,
      // It would also register OpenTelemetry's http and undici instrumentations (installed here): this
      // compares GenAI instrumentations, as `pricetag` has no HTTP instrumentation either.
      disabledInstrumentors: ['http', 'undici'],
    });
    break;
  }
  case 'pricetag':
  case 'pricetag+http': {
    const pricetag = new PricetagInstrumentation({ endpoints: [{ provider: 'openai', baseUrl: config.baseUrl }] });
    const http = config.setup === 'pricetag+http' ? [new HttpInstrumentation(), new UndiciInstrumentation()] : [];
    registerInstrumentations({ instrumentations: [...http, pricetag] });
    break;
  }
}

// A CommonJS application's require, which the instrumentations' require hooks see.
const { OpenAI } = require('openai') as { OpenAI: typeof OpenAIClient };
const client = new OpenAI({ baseURL: config.baseUrl, apiKey: 'sk-bench', maxRetries: 0 });
const messages = PEER_MESSAGES.map((m) => ({ role: m.role, content: m.content }));

async function call(): Promise<void> {
  const answer = await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
  if (answer.usage?.completion_tokens !== PEER_USAGE.completion_tokens) throw new Error(`unexpected answer: ${JSON.stringify(answer)}`);
}

const delta = (now: Record<string, number>, before: Record<string, number>) =>
  Object.fromEntries(Object.entries(now).map(([scope, n]) => [scope, n - (before[scope] ?? 0)]));

async function batch({ mode, calls }: PeerRequest): Promise<PeerResult> {
  const before = { spans: { ...spans.byScope }, genAi: { ...spans.genAi }, costed: { ...spans.costed } };
  let ns: number;
  const cpuBefore = process.cpuUsage();
  if (mode === 'sequential') {
    const times = new Float64Array(calls);
    for (let i = 0; i < calls; i++) {
      const t0 = process.hrtime.bigint();
      await call();
      times[i] = Number(process.hrtime.bigint() - t0);
    }
    times.sort();
    ns = calls % 2 ? times[calls >> 1]! : (times[(calls >> 1) - 1]! + times[calls >> 1]!) / 2;
  } else {
    const t0 = process.hrtime.bigint();
    await Promise.all(Array.from({ length: calls }, call));
    ns = Number(process.hrtime.bigint() - t0);
  }
  const cpu = process.cpuUsage(cpuBefore);
  // Spans end as their responses end; let the last ones finish before counting.
  for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
  return {
    ns,
    cpuNs: ((cpu.user + cpu.system) * 1000) / calls,
    spans: delta(spans.byScope, before.spans),
    genAi: delta(spans.genAi, before.genAi),
    costed: delta(spans.costed, before.costed),
  };
}

serveRequests({ setup: config.setup }, (message) => batch(message as unknown as PeerRequest));
