// One instrumented test process: a tracer with an in-memory exporter, a replay server standing in
// for every provider, and one PricetagInstrumentation whose endpoints point at that server.
import { createRequire } from 'node:module';
import { metricsEndpoint } from './metrics-endpoint.js';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { PricetagInstrumentation } from '../../src/instrumentation.js';
import type { CallRecord } from '../../src/record/call-record.js';
import type { CatalogInput, Endpoint } from '../../src/types.js';
import { ReplayServer } from './replay-server.js';

/** Endpoint base path per provider on the replay server (the official base URL's path). */
export const ENDPOINT_PATHS: Readonly<Record<string, string>> = {
  openai: '/openai/v1',
  anthropic: '/anthropic',
  'gcp.gemini': '/gemini',
  'azure.ai.openai': '/azure',
  mistral_ai: '/mistral/v1',
  perplexity: '/perplexity',
  'gcp.vision': '/vision',
  'gcp.translate': '/translate',
  deepl: '/deepl',
  tavily: '/tavily',
  exa: '/exa',
};

export interface Harness {
  readonly server: ReplayServer;
  readonly exporter: InMemorySpanExporter;
  readonly instrumentation: PricetagInstrumentation;
  readonly records: CallRecord[];
  /** Base URL of a provider on the replay server. */
  baseUrl(provider: string): string;
  /** Clears spans, records and the server's log. */
  reset(): void;
  /** Waits until no call is in flight (at most 10 s), then returns the finished AI spans. */
  aiSpans(): Promise<ReadableSpan[]>;
  /** The Prometheus exposition text, scraped over HTTP as Prometheus would. */
  scrape(): Promise<string>;
  /** Stops the metrics endpoint (root afterAll hook). */
  close(): Promise<void>;
}

/** Baggage key and span attribute the shared instrumentation turns into metric labels. */
export const ATTRIBUTION = { baggageKey: 'team', spanAttribute: 'app.feature', maxValuesPerLabel: 5 } as const;

let shared: Promise<Harness> | undefined;

export function harness(): Promise<Harness> {
  shared ??= create();
  return shared;
}

/**
 * The shared harness for one suite, with endpoints (and catalogs) of its own on top of the shared
 * configuration, which is restored after the suite; spans and records are cleared before each
 * test. Called inside `describe`; the getter is for the tests.
 */
export function suiteHarness(extra: {
  readonly endpoints: (origin: string) => readonly Endpoint[];
  readonly catalogs?: () => readonly CatalogInput[];
}): () => Harness {
  let h: Harness | undefined;
  let previous: ReturnType<Harness['instrumentation']['getConfig']> | undefined;
  before(async function () {
    h = await harness();
    previous = h.instrumentation.getConfig();
    h.instrumentation.setConfig({
      ...previous,
      endpoints: [...(previous.endpoints ?? []), ...extra.endpoints(h.server.origin)],
      ...(extra.catalogs === undefined ? {} : { catalogs: [...(previous.catalogs ?? []), ...extra.catalogs()] }),
    });
  });
  after(function () {
    if (h !== undefined && previous !== undefined) h.instrumentation.setConfig(previous);
  });
  beforeEach(function () {
    h?.reset();
  });
  return () => h!;
}

async function create(): Promise<Harness> {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  trace.setGlobalTracerProvider(provider);
  const server = await new ReplayServer().start();
  const baseUrl = (p: string) => `${server.origin}${ENDPOINT_PATHS[p] ?? `/${p}`}`;
  const present = (await import('../../src/providers/index.js')).BUILT_IN_ADAPTERS.map((a) => a.provider);
  const instrumentation = new PricetagInstrumentation({
    endpoints: Object.keys(ENDPOINT_PATHS)
      .filter((p) => present.includes(p))
      .map((p) => ({ provider: p, baseUrl: baseUrl(p) })),
    attribution: {
      baggageKeys: [ATTRIBUTION.baggageKey],
      spanAttributes: [ATTRIBUTION.spanAttribute],
      maxValuesPerLabel: ATTRIBUTION.maxValuesPerLabel,
    },
    shadowPlans: { 'openai/gpt-4o-mini': ['openai/gpt-4.1-nano'] },
    // The suites on this harness examine ai-pricetag's own span, also for clients that open a
    // GenAI span of their own (@anthropic-ai/sdk); pricing those spans ('enrich', the default)
    // is tested in genai-peers.test.ts.
    genAiSpan: 'separate',
  });
  instrumentation.setTracerProvider(provider);
  const metrics = await metricsEndpoint();
  instrumentation.setMeterProvider(metrics.meterProvider);
  // As in a CommonJS application: the first require after the instrumentation patches http and https.
  const require = createRequire(import.meta.url);
  require('node:http');
  require('node:https');
  const records: CallRecord[] = [];
  instrumentation.addRecordListener((r) => records.push(r));
  return {
    server,
    exporter,
    instrumentation,
    records,
    baseUrl,
    reset() {
      exporter.reset();
      records.length = 0;
      server.received.length = 0;
    },
    scrape: () => metrics.scrape(),
    close: () => metrics.close(),
    async aiSpans() {
      // A deadline, not a number of polls: on a busy machine calls take longer to finish.
      const until = performance.now() + 10_000;
      while (instrumentation.inFlight > 0 && performance.now() < until) await new Promise((r) => setTimeout(r, 5));
      return exporter.getFinishedSpans().filter((s) => s.instrumentationScope.name === 'ai-pricetag');
    },
  };
}

/** Stops the shared server and instrumentation (root afterAll hook). */
export async function releaseHarness(): Promise<void> {
  if (shared === undefined) return;
  const h = await shared;
  shared = undefined;
  h.instrumentation.disable();
  await h.server.stop();
  await h.close();
}
