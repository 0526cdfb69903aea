/**
 * The three process configurations the round-trip benchmarks compare, set up
 * as a NodeSDK user would (before the application loads http or axios):
 *
 * - `bare`: no OpenTelemetry at all.
 * - `otel`: OpenTelemetry's http and undici instrumentations, a tracer provider
 *   with a batch span processor and a no-op exporter, a meter provider with a
 *   reader that is never collected during the timing.
 * - `pricetag`: the same plus PricetagInstrumentation, registered last.
 *
 * Every finished span is counted by instrumentation scope (and ai-pricetag spans
 * with a cost), so each worker can prove it runs the configuration it claims.
 */
import { context, metrics, trace, type Context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import {
  BatchSpanProcessor,
  TracerProvider,
  type ReadableSpan,
  type Span,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import type { CatalogInput } from '../../src/catalog/load.js';
import { PricetagInstrumentation } from '../../src/instrumentation.js';
import type { Endpoint } from '../../src/providers/registry.js';
import { ATTR_AI_COST_AMOUNT } from '../../src/semconv.js';

export type Setup = 'bare' | 'otel' | 'pricetag';

export const PRICETAG_SCOPE = 'ai-pricetag';

/** Exports nothing, at once. */
const NOOP_EXPORTER: SpanExporter = {
  export: (_spans, done) => done({ code: 0 }),
  shutdown: async () => undefined,
};

/** A reader the benchmark collects itself (the concurrency check reads ai_cost from it). */
export class CollectingReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

/** Spans finished, by instrumentation scope; ai-pricetag spans carrying a cost. */
export class SpanCounter implements SpanProcessor {
  readonly byScope: Record<string, number> = {};
  priced = 0;
  constructor(private readonly onPriced?: (amount: number) => void) {}
  onStart(_span: Span, _parent: Context): void {}
  onEnd(span: ReadableSpan): void {
    const scope = span.instrumentationScope.name;
    this.byScope[scope] = (this.byScope[scope] ?? 0) + 1;
    const amount = span.attributes[ATTR_AI_COST_AMOUNT];
    if (scope === PRICETAG_SCOPE && typeof amount === 'number') {
      this.priced++;
      this.onPriced?.(amount);
    }
  }
  async forceFlush(): Promise<void> {}
  async shutdown(): Promise<void> {}
}

export interface Telemetry {
  readonly spans: SpanCounter;
  readonly reader: CollectingReader;
  readonly pricetag: PricetagInstrumentation | undefined;
}

export interface SetupOptions {
  /** Base URL configured as an OpenAI endpoint. */
  readonly openAiBaseUrl?: string;
  /** Endpoints to configure instead (the emulator's). */
  readonly endpoints?: readonly Endpoint[];
  readonly catalogs?: readonly CatalogInput[];
  readonly noDefaultCatalog?: boolean;
  /** Called with each ai-pricetag span's cost. */
  readonly onPriced?: (amount: number) => void;
  /** Keep no span queue (memory checks): count spans and drop them. */
  readonly noBatching?: boolean;
}

export function setUpTelemetry(setup: Setup, options: SetupOptions): Telemetry {
  const spans = new SpanCounter(options.onPriced);
  const reader = new CollectingReader();
  if (setup === 'bare') return { spans, reader, pricetag: undefined };
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const processors: SpanProcessor[] = [spans];
  if (options.noBatching !== true) processors.push(new BatchSpanProcessor({ exporter: NOOP_EXPORTER }));
  trace.setGlobalTracerProvider(new TracerProvider({ spanProcessors: processors }));
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
  const pricetag =
    setup === 'pricetag'
      ? new PricetagInstrumentation({
          endpoints: options.endpoints ?? [{ provider: 'openai', baseUrl: options.openAiBaseUrl! }],
          ...(options.catalogs !== undefined ? { catalogs: options.catalogs } : {}),
          ...(options.noDefaultCatalog !== undefined ? { noDefaultCatalog: options.noDefaultCatalog } : {}),
        })
      : undefined;
  registerInstrumentations({ instrumentations: [new HttpInstrumentation(), new UndiciInstrumentation(), ...(pricetag ? [pricetag] : [])] });
  return { spans, reader, pricetag };
}
