/**
 * PricetagInstrumentation: recognises every outbound AI call (fetch/undici,
 * http/https and so axios and the official SDKs), prices it from the catalog
 * and puts the price on the call's span.
 */
import type { Context, DiagLogger } from '@opentelemetry/api';
import { InstrumentationBase, InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import { CallTracker } from './capture/calls.js';
import { HttpCapture } from './capture/http.js';
import { Http2Capture } from './capture/http2.js';
import { HTTP_MODULES, HttpModulePatch } from './capture/http-patch.js';
import { UndiciCapture } from './capture/undici.js';
import { resolveConfig, type ResolvedConfig } from './config/resolve.js';
import { buildRuntime, type Runtime } from './config/runtime.js';
import type { Pricer } from './pricing/pricer.js';
import type { CallRecord } from './record/call-record.js';
import { CallMetrics } from './telemetry/call-metrics.js';
import { CallSpans, type SpanHooks } from './telemetry/call-spans.js';
import { containedLogger } from './contained-diag.js';
import type { CallListener, CallTracing } from './telemetry/finished-call.js';
import { WorkUnitTracker } from './telemetry/work-unit-tracker.js';
import type { PricetagInstrumentationConfig } from './types.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version.js';

export { DEFAULT_CALL_TIMEOUT_MS } from './config/resolve.js';

/** One instrumentation captures per process, so no call is priced twice. */
const ACTIVE = Symbol.for('ai-pricetag.active-instrumentation');
type Global = typeof globalThis & { [ACTIVE]?: PricetagInstrumentation };

/** A consumer of every finished call (addRecordListener). */
export type RecordListener = (record: CallRecord, parent: Context, tracing: CallTracing) => void;

/**
 * Wires the stages once: capture (the transports and the calls in flight) → record (pricing,
 * attribution) → telemetry (the span, then metrics, work units and listeners of each finished
 * call). It holds no per-call logic.
 */
export class PricetagInstrumentation extends InstrumentationBase<PricetagInstrumentationConfig> {
  // `declare`d: enable() runs inside the base constructor, before field initialisers would.
  declare private resolved: ResolvedConfig;
  declare private runtime: Runtime | undefined;
  declare private calls: CallTracker | undefined;
  declare private transports: { undici: UndiciCapture; http: HttpCapture; http2: Http2Capture; patch: HttpModulePatch } | undefined;
  declare private metrics: CallMetrics | undefined;
  declare private workUnits: WorkUnitTracker;
  declare private listeners: CallListener[];
  declare private componentLogger: DiagLogger;
  declare private internalErrorCount: number;
  declare private hooksFor: { readonly config: ResolvedConfig; readonly hooks: SpanHooks } | undefined;

  constructor(config: PricetagInstrumentationConfig = {}) {
    // Enabled below, once our diag logger is one that cannot throw into the application.
    // The base constructor calls setConfig() (which resolves it) and _updateMetricInstruments().
    super(PACKAGE_NAME, PACKAGE_VERSION, { ...config, enabled: false });
    this.internalErrorCount = 0;
    this.listeners = [];
    this.componentLogger = this._diag;
    this._diag = containedLogger(this._diag);
    this._config.enabled = config.enabled ?? true;
    if (this._config.enabled) this.enable();
  }

  protected init(): InstrumentationNodeModuleDefinition[] {
    // `http` and `https` are patched directly on enable (they are built-ins); the hooks hand
    // over the ESM namespaces an import hook creates, and tell us when to check we are still on top.
    return HTTP_MODULES.map(
      (name) =>
        new InstrumentationNodeModuleDefinition(
          name,
          ['*'],
          (exports: object) => {
            this.transports?.patch.patched(name, exports);
            return exports;
          },
          () => undefined,
        ),
    );
  }

  /**
   * Where this instrumentation's own messages go until the global diag logger is settled
   * (the zero-code entry, which decides about the diag logger only after the application's
   * start-up); `undefined` returns to the global one.
   * @internal
   */
  logTo(logger: DiagLogger | undefined): void {
    this._diag = containedLogger(logger ?? this.componentLogger);
  }

  /**
   * Puts the `http`/`https` wrappers back on top of any other instrumentation's, so that
   * their HTTP spans stay children of the AI call's span. Done on its own after each patch
   * and start-up; the zero-code entry calls it once the application's SDK is known.
   */
  keepHttpWrapperOutermost(): void {
    this.transports?.patch.keepOutermost();
  }

  override setConfig(config: PricetagInstrumentationConfig = {}): void {
    super.setConfig(config);
    this.resolved = resolveConfig(config);
    if (this.runtime !== undefined) {
      this.runtime = buildRuntime(this.resolved, this._diag);
      this.calls?.configure(this.runtime);
    }
    if (this.workUnits === undefined) this.workUnits = new WorkUnitTracker(this.resolved.workUnits);
    else this.workUnits.configure(this.resolved.workUnits);
  }

  /** (Re)creates the metric instruments on the current meter (called by the base class). */
  protected override _updateMetricInstruments(): void {
    const config = this.resolved;
    this.metrics = new CallMetrics(this.meter, {
      maxModels: config.maxModelLabelValues,
      genAiUsageCost: config.recordGenAiUsageCost,
      catalogLabels: () => this.catalogLabels,
      invalidCatalogs: () => this.invalidCatalogs,
    });
    this.workUnits.useMeter(this.meter);
  }

  /** Finishes and records every conversation and unit of work in progress (call before shutting the meter down). */
  flushWorkUnits(): void {
    this.workUnits.flush();
  }

  /** Adds a consumer of every finished call. */
  addRecordListener(listener: RecordListener): void {
    this.listeners.push(({ record, origin, tracing }) => listener(record, origin.parent, tracing));
  }

  /** The pricer built from the configured catalogs. */
  get pricer(): Pricer {
    return this.currentRuntime().pricer;
  }

  /** Version labels of the catalogs in use, built-in first. */
  get catalogLabels(): readonly string[] {
    return this.currentRuntime().catalogLabels;
  }

  /** Catalogs configured but left out because they have problems (each logged with its location). */
  get invalidCatalogs(): readonly string[] {
    return this.currentRuntime().invalidCatalogs;
  }

  /** Faults caught inside ai-pricetag since start (each also logged through the diag logger). */
  get internalErrors(): number {
    return this.internalErrorCount;
  }

  /** Calls started and not yet finished. */
  get inFlight(): number {
    return this.calls?.inFlight ?? 0;
  }

  /**
   * Runs `fn` synchronously when the first AI call starts, before its span does (the
   * zero-code entry settles its providers then, if start-up has not ended yet).
   * @internal
   */
  beforeFirstCall(fn: (() => void) | undefined): void {
    this.callTracker().beforeFirstCall(fn);
  }

  override enable(): void {
    if (this.isEnabled()) return;
    const global = globalThis as Global;
    if (global[ACTIVE] !== undefined && global[ACTIVE] !== this) {
      this._diag.warn(
        'another PricetagInstrumentation is already enabled in this process; this one stays inactive so calls are priced once',
      );
      return;
    }
    global[ACTIVE] = this;
    const calls = this.callTracker();
    const http = new HttpCapture(calls);
    this.transports = {
      undici: new UndiciCapture(calls),
      http,
      http2: new Http2Capture(calls),
      patch: this.transports?.patch ?? new HttpModulePatch(() => (this.isEnabled() ? this.transports?.http : undefined)),
    };
    // Sets the enabled flag, and hands over modules its hooks have already seen.
    super.enable();
    this.transports.undici.enable();
    this.transports.http.enable();
    if (!this.transports.http2.enable())
      this._diag.warn(
        `HTTP/2 calls (node:http2) are not captured on Node ${process.versions.node}: ` +
          'capturing them needs the http2 client diagnostics channels of Node 22.20 or later, or 24.7 or later',
      );
    this.transports.patch.enable();
    calls.startSweeper();
  }

  override disable(): void {
    if (!this.isEnabled()) return;
    super.disable();
    this.transports?.undici.disable();
    this.transports?.http.disable();
    this.transports?.http2.disable();
    this.transports?.patch.disable();
    this.calls?.stopSweeper();
    this.workUnits.close();
    const global = globalThis as Global;
    if (global[ACTIVE] === this) delete global[ACTIVE];
  }

  private currentRuntime(): Runtime {
    return (this.runtime ??= buildRuntime(this.resolved, this._diag));
  }

  /** The calls in flight, and the pipeline every finished call goes through: made once. */
  private callTracker(): CallTracker {
    if (this.calls !== undefined) return this.calls;
    const spans = new CallSpans(
      () => this.tracer,
      () => this.spanHooks(),
      [
        ({ record, origin, tracing }) => this.metrics?.record(record, origin.attribution, tracing),
        this.workUnits.add,
        (call) => {
          for (const listener of this.listeners) listener(call);
        },
      ],
      (error, hook) => this._diag.error(`${hook} threw: ${error.message}`),
    );
    this.calls = new CallTracker(
      this.currentRuntime(),
      spans,
      () => this.isEnabled(),
      (error, where) => this.internalError(error, where),
    );
    return this.calls;
  }

  /** What the spans need of the configuration: made once per configuration, read per call. */
  private spanHooks(): SpanHooks {
    const config = this.resolved;
    if (this.hooksFor?.config !== config) {
      this.hooksFor = {
        config,
        hooks: {
          startHook: config.startHook,
          endHook: config.endHook,
          genAiSpan: config.genAiSpan,
          attributes: { genAiLatestExperimental: config.genAiLatestExperimental },
        },
      };
    }
    return this.hooksFor.hooks;
  }

  private internalError(error: unknown, where: string): void {
    this.internalErrorCount++;
    this.metrics?.recordInternalError(where);
    // The message only: errors here never carry request or response content.
    this._diag.error(`internal error in ${where}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
  }
}
