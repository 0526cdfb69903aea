/**
 * The OpenTelemetry SDK that the zero-code entry starts, built from the standard OTEL_*
 * variables with only the SDK packages the chosen exporters need. `@opentelemetry/sdk-node`
 * would do the same but loads every exporter, gRPC and protobuf included, at start-up
 * (about 0.3 s, and an install script); here an exporter package is loaded only when the
 * environment selects it. Logs are not set up: ai-pricetag emits none.
 */
import { context, diag, metrics, propagation, trace, type TextMapPropagator } from '@opentelemetry/api';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import type * as AsyncHooks from '@opentelemetry/context-async-hooks';
import type * as Core from '@opentelemetry/core';
import type * as Prometheus from '@opentelemetry/exporter-prometheus';
import type * as Resources from '@opentelemetry/resources';
import type * as SdkMetrics from '@opentelemetry/sdk-metrics';
import type * as SdkTrace from '@opentelemetry/sdk-trace';
import { list, type Env } from '../config/env.js';
import { containedLogger } from '../contained-diag.js';
import { requirePeer, requirePeers } from './optional-peer.js';
import { unrefAgentFactory } from './unref-agent.js';

export const ZERO_CODE_ENTRY = 'ai-pricetag/register';

/** What every zero-code start needs, whatever the exporters. */
export const ZERO_CODE_PEERS = [
  '@opentelemetry/sdk-metrics',
  '@opentelemetry/resources',
  '@opentelemetry/core',
  '@opentelemetry/context-async-hooks',
] as const;

/** OTLP exporter packages by signal and OTEL_EXPORTER_OTLP_*_PROTOCOL. */
const OTLP_EXPORTERS = {
  metrics: {
    grpc: '@opentelemetry/exporter-metrics-otlp-grpc',
    'http/json': '@opentelemetry/exporter-metrics-otlp-http',
    'http/protobuf': '@opentelemetry/exporter-metrics-otlp-proto',
  },
  traces: {
    grpc: '@opentelemetry/exporter-trace-otlp-grpc',
    'http/json': '@opentelemetry/exporter-trace-otlp-http',
    'http/protobuf': '@opentelemetry/exporter-trace-otlp-proto',
  },
} as const;

type OtlpProtocol = keyof (typeof OTLP_EXPORTERS)['metrics'];

/** What we pass the OTLP exporters; everything else they read from their OTEL_EXPORTER_OTLP_* variables. */
interface OtlpConfig {
  httpAgentOptions?: (protocol: string) => unknown;
}

/** The HTTP exporters' sockets must not hold a finished process open (the gRPC one has no such option). */
function otlpConfig(exporterPackage: string): OtlpConfig {
  return exporterPackage.endsWith('-grpc') ? {} : { httpAgentOptions: unrefAgentFactory };
}

/** The Prometheus exporter's defaults, here so that the pull endpoint's address is known before it loads. */
export const PROMETHEUS_DEFAULTS = { host: 'localhost', port: 9464 } as const;

/** A configuration mistake the user must see even without a diag logger. */
function warnUser(message: string): void {
  process.emitWarning(`ai-pricetag: ${message}`, { code: 'AI_PRICETAG_CONFIG' });
}

/** A variable's distinct lower-case names, or undefined when it is unset or blank. */
function namesOf(env: Env, name: string): string[] | undefined {
  const value = env[name];
  if (value === undefined || value.trim() === '') return undefined;
  return [...new Set(list(value).map((s) => s.toLowerCase()))];
}

/** A positive number from the environment, or undefined (with a warning when malformed). */
function positive(env: Env, name: string): number | undefined {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (Number.isFinite(value) && value > 0) return value;
  warnUser(`${name}=${raw} is not a positive number; using the default`);
  return undefined;
}

function otlpProtocol(env: Env, signal: 'METRICS' | 'TRACES'): OtlpProtocol {
  const raw = (env[`OTEL_EXPORTER_OTLP_${signal}_PROTOCOL`] ?? env.OTEL_EXPORTER_OTLP_PROTOCOL ?? '').trim() || 'http/protobuf';
  if (raw in OTLP_EXPORTERS.metrics) return raw as OtlpProtocol;
  warnUser(`OTLP protocol "${raw}" is not one of grpc, http/json, http/protobuf; using http/protobuf`);
  return 'http/protobuf';
}

/**
 * Process attributes that can carry secrets (`--api-key=…` on the command line) and would be
 * served on `target_info` of an unauthenticated /metrics: left out.
 */
const UNSAFE_PROCESS_ATTRIBUTES = ['process.command_args', 'process.command_line'];

function processDetectorWithoutArgs(R: typeof Resources): Resources.ResourceDetector {
  return {
    detect(config) {
      const attributes = { ...R.processDetector.detect(config).attributes };
      for (const key of UNSAFE_PROCESS_ATTRIBUTES) delete attributes[key];
      return { attributes };
    },
  };
}

function resourceFromEnv(env: Env, R: typeof Resources): Resources.Resource {
  const processDetector = processDetectorWithoutArgs(R);
  const detectors = new Map<string, Resources.ResourceDetector[]>([
    ['env', [R.envDetector]],
    ['host', [R.hostDetector]],
    ['os', [R.osDetector]],
    ['process', [processDetector]],
    ['serviceinstance', [R.serviceInstanceIdDetector]],
  ]);
  const names = namesOf(env, 'OTEL_NODE_RESOURCE_DETECTORS') ?? ['all'];
  let chosen: Resources.ResourceDetector[];
  if (names.includes('none')) chosen = [];
  else if (names.includes('all')) chosen = [...detectors.values()].flat();
  else {
    chosen = names.flatMap((name) => {
      const found = detectors.get(name);
      if (found === undefined)
        warnUser(`OTEL_NODE_RESOURCE_DETECTORS: unknown detector "${name}" (known: all, none, ${[...detectors.keys()].join(', ')})`);
      return found ?? [];
    });
  }
  // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES are always honoured, and win: detected
  // resources merge in order, and `service.instance.id=<pod>` must beat the random one.
  if (!names.includes('none')) chosen = [...chosen.filter((d) => d !== R.envDetector), R.envDetector];
  return R.defaultResource().merge(R.detectResources({ detectors: chosen }));
}

/** The part of @opentelemetry/propagator-b3 used here (an optional peer without a dev copy). */
interface B3Module {
  B3Propagator: new (config: { injectEncoding?: number }) => TextMapPropagator;
  B3InjectEncoding: { MULTI_HEADER: number };
}

function propagatorFromEnv(env: Env, C: typeof Core): TextMapPropagator | undefined {
  const names = namesOf(env, 'OTEL_PROPAGATORS') ?? ['tracecontext', 'baggage'];
  if (names.includes('none')) return undefined;
  const propagators = names.flatMap((name): TextMapPropagator[] => {
    if (name === 'tracecontext') return [new C.W3CTraceContextPropagator()];
    if (name === 'baggage') return [new C.W3CBaggagePropagator()];
    if (name === 'b3' || name === 'b3multi') {
      const B3 = requirePeer<B3Module>(ZERO_CODE_ENTRY, '@opentelemetry/propagator-b3');
      return [new B3.B3Propagator(name === 'b3multi' ? { injectEncoding: B3.B3InjectEncoding.MULTI_HEADER } : {})];
    }
    warnUser(`OTEL_PROPAGATORS: unknown propagator "${name}" (known: tracecontext, baggage, b3, b3multi, none)`);
    return [];
  });
  if (propagators.length === 0) return undefined;
  return propagators.length === 1 ? propagators[0] : new C.CompositePropagator({ propagators });
}

/** The Prometheus pull exporter, with the resource attributes of PRICETAG_RESOURCE_LABELS as labels. */
function prometheusReader(env: Env): SdkMetrics.MetricReader {
  const P = requirePeer<typeof Prometheus>(ZERO_CODE_ENTRY, '@opentelemetry/exporter-prometheus');
  const promoted = list(env.PRICETAG_RESOURCE_LABELS);
  const requested = Number(env.OTEL_EXPORTER_PROMETHEUS_PORT ?? PROMETHEUS_DEFAULTS.port);
  // 0 takes any free port (tests, benchmarks); anything else that is not a port takes the default.
  const port = Number.isInteger(requested) && requested >= 0 && requested <= 65_535 ? requested : PROMETHEUS_DEFAULTS.port;
  const host = env.OTEL_EXPORTER_PROMETHEUS_HOST;
  const escaped = promoted.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new P.PrometheusExporter(
    { host, port, withResourceConstantLabels: promoted.length === 0 ? undefined : new RegExp(`^(${escaped.join('|')})$`) },
    // A port already taken leaves the application running without a metrics endpoint; the
    // exporter tells only a diag logger, which zero-code has only with OTEL_LOG_LEVEL.
    (error: Error | void) => {
      if (error instanceof Error) {
        process.emitWarning(`ai-pricetag: metrics are not served on ${host ?? PROMETHEUS_DEFAULTS.host}:${port}: ${error.message}`, {
          code: 'AI_PRICETAG_METRICS_NOT_SERVED',
        });
      }
    },
  );
}

interface MetricExporters {
  readonly names: readonly string[];
  /** The OTLP exporter package, when `otlp` is among the names. */
  readonly otlp?: string;
}

function metricExportersFromEnv(env: Env): MetricExporters {
  const names = namesOf(env, 'OTEL_METRICS_EXPORTER') ?? ['prometheus'];
  if (names.includes('none')) return { names: [] };
  return { names, otlp: names.includes('otlp') ? OTLP_EXPORTERS.metrics[otlpProtocol(env, 'METRICS')] : undefined };
}

/** The exporter package whose SDK copy the metrics pipeline is built from (see requirePeer). */
function metricsAnchor({ names, otlp }: MetricExporters): string | undefined {
  return names.includes('prometheus') ? '@opentelemetry/exporter-prometheus' : otlp;
}

function metricReadersFromEnv(env: Env, { names, otlp }: MetricExporters, M: typeof SdkMetrics): SdkMetrics.MetricReader[] {
  const interval = positive(env, 'OTEL_METRIC_EXPORT_INTERVAL') ?? 60_000;
  const timeout = Math.min(positive(env, 'OTEL_METRIC_EXPORT_TIMEOUT') ?? 30_000, interval);
  const periodic = (exporter: SdkMetrics.PushMetricExporter) =>
    new M.PeriodicExportingMetricReader({ exporter, exportIntervalMillis: interval, exportTimeoutMillis: timeout });
  return names.flatMap((name): SdkMetrics.MetricReader[] => {
    if (name === 'prometheus') return [prometheusReader(env)];
    if (name === 'console') return [periodic(new M.ConsoleMetricExporter())];
    if (name === 'otlp' && otlp !== undefined) {
      const { OTLPMetricExporter } = requirePeer<{ OTLPMetricExporter: new (config: OtlpConfig) => SdkMetrics.PushMetricExporter }>(
        ZERO_CODE_ENTRY,
        otlp,
      );
      return [periodic(new OTLPMetricExporter(otlpConfig(otlp)))];
    }
    warnUser(`OTEL_METRICS_EXPORTER: unknown exporter "${name}" (known: prometheus, otlp, console, none)`);
    return [];
  });
}

function samplerFromEnv(env: Env, T: typeof SdkTrace): SdkTrace.Sampler | undefined {
  const name = env.OTEL_TRACES_SAMPLER?.trim().toLowerCase();
  if (name === undefined || name === '') return undefined;
  const ratio = (): number => {
    const raw = Number(env.OTEL_TRACES_SAMPLER_ARG);
    if (env.OTEL_TRACES_SAMPLER_ARG !== undefined && Number.isFinite(raw) && raw >= 0 && raw <= 1) return raw;
    warnUser(`OTEL_TRACES_SAMPLER_ARG=${env.OTEL_TRACES_SAMPLER_ARG ?? ''} is not a ratio from 0 to 1; using 1`);
    return 1;
  };
  const roots: Record<string, () => SdkTrace.Sampler> = {
    always_on: () => new T.AlwaysOnSampler(),
    always_off: () => new T.AlwaysOffSampler(),
    traceidratio: () => new T.TraceIdRatioBasedSampler(ratio()),
  };
  const parentBased = name.startsWith('parentbased_');
  const root = roots[parentBased ? name.slice('parentbased_'.length) : name];
  if (root === undefined) {
    warnUser(`OTEL_TRACES_SAMPLER: unknown sampler "${name}"; using the default (parentbased_always_on)`);
    return undefined;
  }
  return parentBased ? new T.ParentBasedSampler({ root: root() }) : root();
}

function spanLimitsFromEnv(env: Env): SdkTrace.SpanLimits {
  return {
    attributeCountLimit: positive(env, 'OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT') ?? positive(env, 'OTEL_ATTRIBUTE_COUNT_LIMIT'),
    attributeValueLengthLimit:
      positive(env, 'OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT') ?? positive(env, 'OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT'),
    eventCountLimit: positive(env, 'OTEL_SPAN_EVENT_COUNT_LIMIT'),
    linkCountLimit: positive(env, 'OTEL_SPAN_LINK_COUNT_LIMIT'),
  };
}

/** Traces are exported only when asked for: a service without a collector gets metrics alone. */
function traceExporterNames(env: Env): string[] {
  const named = namesOf(env, 'OTEL_TRACES_EXPORTER');
  if (named !== undefined) return named.includes('none') ? [] : named;
  return env.OTEL_EXPORTER_OTLP_ENDPOINT !== undefined || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT !== undefined ? ['otlp'] : [];
}

function tracerProviderFromEnv(env: Env, resource: Resources.Resource): SdkTrace.TracerProvider | undefined {
  const names = traceExporterNames(env);
  if (names.length === 0) return undefined;
  const otlp = names.includes('otlp') ? OTLP_EXPORTERS.traces[otlpProtocol(env, 'TRACES')] : undefined;
  const T = requirePeer<typeof SdkTrace>(ZERO_CODE_ENTRY, '@opentelemetry/sdk-trace', otlp);
  const batched = (exporter: SdkTrace.SpanExporter) =>
    new T.BatchSpanProcessor({
      exporter,
      maxQueueSize: positive(env, 'OTEL_BSP_MAX_QUEUE_SIZE'),
      scheduledDelayMillis: positive(env, 'OTEL_BSP_SCHEDULE_DELAY'),
      exportTimeoutMillis: positive(env, 'OTEL_BSP_EXPORT_TIMEOUT'),
      maxExportBatchSize: positive(env, 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE'),
    });
  const spanProcessors = names.flatMap((name): SdkTrace.SpanProcessor[] => {
    if (name === 'console') return [new T.SimpleSpanProcessor({ exporter: new T.ConsoleSpanExporter() })];
    if (name === 'otlp' && otlp !== undefined) {
      const { OTLPTraceExporter } = requirePeer<{ OTLPTraceExporter: new (config: OtlpConfig) => SdkTrace.SpanExporter }>(
        ZERO_CODE_ENTRY,
        otlp,
      );
      return [batched(new OTLPTraceExporter(otlpConfig(otlp)))];
    }
    if (name === 'zipkin') {
      const { ZipkinExporter } = requirePeer<{ ZipkinExporter: new () => SdkTrace.SpanExporter }>(
        ZERO_CODE_ENTRY,
        '@opentelemetry/exporter-zipkin',
      );
      return [batched(new ZipkinExporter())];
    }
    warnUser(`OTEL_TRACES_EXPORTER: unknown exporter "${name}" (known: otlp, console, zipkin, none)`);
    return [];
  });
  if (spanProcessors.length === 0) return undefined;
  return new T.TracerProvider({ resource, spanProcessors, sampler: samplerFromEnv(env, T), spanLimits: spanLimitsFromEnv(env) });
}

/** The API globals an application's SDK may have registered before ours is considered. */
export interface RegisteredGlobals {
  readonly trace: boolean;
  readonly metrics: boolean;
  readonly context: boolean;
  readonly propagation: boolean;
  readonly diag: boolean;
}

/** Where @opentelemetry/api 1.x keeps its globals, shared by every copy of the API in the process. */
const API_GLOBALS = Symbol.for('opentelemetry.js.api.1');

/** Which API globals are registered now (by the application's SDK: ours registers none before this is read). */
export function registeredGlobals(): RegisteredGlobals {
  const api = (globalThis as Record<symbol, Partial<Record<keyof RegisteredGlobals, unknown>> | undefined>)[API_GLOBALS];
  return {
    trace: api?.trace !== undefined,
    metrics: api?.metrics !== undefined,
    context: api?.context !== undefined,
    propagation: api?.propagation !== undefined,
    diag: api?.diag !== undefined,
  };
}

export interface ZeroCodeSdk {
  /** Flushes and stops every provider this SDK registered. */
  shutdown(): Promise<void>;
  /** True when telemetry is pushed (OTLP, Zipkin, console), so it must be flushed before the process exits. */
  readonly pushes: boolean;
  /** The parts this SDK registered, for diagnostics: `metrics`, `traces`, `context`, `propagation`. */
  readonly registered: readonly string[];
}

/**
 * The application's providers where it has them, ours otherwise. Set explicitly: the tracer
 * the instrumentation took at construction may be the proxy of another copy of the API (ESM
 * and CommonJS builds are two), which never learns of a provider registered through this one.
 */
function useGlobalProviders(instrumentation: Instrumentation): void {
  instrumentation.setMeterProvider(metrics.getMeterProvider());
  instrumentation.setTracerProvider(trace.getTracerProvider());
}

/** The SDK's parts, built and not yet registered. */
export interface PreparedSdk {
  /** Registers the globals and wires the instrumentation to them. */
  start(instrumentation: Instrumentation): ZeroCodeSdk;
}

/**
 * Builds what the application has not registered itself: the context manager, propagator,
 * meter provider and (when traces are exported) tracer provider, from the environment.
 * Throws MissingPeerError when a package this needs is not installed; nothing is registered
 * until `start`.
 */
export function prepareZeroCodeSdk(env: Env, have: RegisteredGlobals = registeredGlobals()): PreparedSdk {
  const metricExporters: MetricExporters = have.metrics ? { names: [] } : metricExportersFromEnv(env);
  const tracesWanted = !have.trace && traceExporterNames(env).length > 0;
  const needsSdk = metricExporters.names.length > 0 || tracesWanted || !have.context || !have.propagation;
  if (!needsSdk) {
    return {
      start(instrumentation) {
        useGlobalProviders(instrumentation);
        return { shutdown: async () => undefined, pushes: false, registered: [] };
      },
    };
  }
  const [M, R, C, A] = requirePeers<[typeof SdkMetrics, typeof Resources, typeof Core, typeof AsyncHooks]>(
    ZERO_CODE_ENTRY,
    ZERO_CODE_PEERS,
    metricsAnchor(metricExporters),
  );
  const resource = resourceFromEnv(env, R);
  const readers = metricReadersFromEnv(env, metricExporters, M);
  const tracerProvider = tracesWanted ? tracerProviderFromEnv(env, resource) : undefined;
  const propagator = have.propagation ? undefined : propagatorFromEnv(env, C);
  const meterProvider = readers.length > 0 ? new M.MeterProvider({ resource, readers }) : undefined;
  const pushes = metricExporters.names.some((name) => name !== 'prometheus') || tracerProvider !== undefined;
  return {
    start(instrumentation) {
      const registered: string[] = [];
      if (!have.context) {
        context.setGlobalContextManager(new A.AsyncLocalStorageContextManager().enable());
        registered.push('context');
      }
      if (propagator !== undefined) {
        propagation.setGlobalPropagator(propagator);
        registered.push('propagation');
      }
      if (meterProvider !== undefined) {
        metrics.setGlobalMeterProvider(meterProvider);
        registered.push('metrics');
      }
      if (tracerProvider !== undefined) {
        trace.setGlobalTracerProvider(tracerProvider);
        registered.push('traces');
      }
      useGlobalProviders(instrumentation);
      containedLogger(diag).debug(`ai-pricetag: zero-code SDK started (${registered.join(', ') || 'nothing of its own'})`);
      return {
        pushes,
        registered,
        async shutdown() {
          await Promise.all([meterProvider?.shutdown(), tracerProvider?.shutdown()]);
        },
      };
    },
  };
}
