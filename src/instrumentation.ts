/**
 * PricetagInstrumentation: recognises every outbound AI call (fetch/undici,
 * http/https and so axios and the official SDKs), prices it from the catalog
 * and puts the price on the call's span.
 */
import type { Context, DiagLogger } from '@opentelemetry/api';
import { InstrumentationBase, InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import { loadCatalogs, validateCatalogInput, type CatalogInput } from './catalog/load.js';
import { formatProblem } from './catalog/problems.js';
import { Call, type CallDeps } from './capture/call.js';
import { HttpCapture } from './capture/http.js';
import { HTTP_MODULES, HttpModulePatch } from './capture/http-patch.js';
import type { PricingContext } from './record/price-facts.js';
import { UndiciCapture, type CaptureHost } from './capture/undici.js';
import { reportConfigProblem, withEnvironment } from './config/env.js';
import { PlanIndex } from './pricing/plan-index.js';
import { Pricer } from './pricing/pricer.js';
import { customAdapters } from './providers/custom-routes.js';
import { BUILT_IN_ADAPTERS } from './providers/index.js';
import { ProviderRegistry, type Recognition } from './providers/registry.js';
import { CallMetrics } from './telemetry/call-metrics.js';
import { CallSpans, type RecordListener } from './telemetry/call-spans.js';
import { containedLogger } from './telemetry/contained-diag.js';
import { unitCallOf } from './telemetry/work-unit-call.js';
import { readWorkUnitIds, withWorkUnitIds, workUnitIdsOf, type WorkUnitSources } from './record/work-unit-ids.js';
import { WorkUnitMetrics } from './telemetry/work-unit-metrics.js';
import { WorkUnitTable } from './telemetry/work-units.js';
import type { CallRecord } from './record/call-record.js';
import type { PricetagInstrumentationConfig } from './types.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version.js';

/** One instrumentation captures per process, so no call is priced twice. */
const ACTIVE = Symbol.for('ai-pricetag.active-instrumentation');
type Global = typeof globalThis & { [ACTIVE]?: PricetagInstrumentation };

export const DEFAULT_CALL_TIMEOUT_MS = 600_000;
export const DEFAULT_MAX_MODEL_LABEL_VALUES = 100;
export const DEFAULT_MAX_VALUES_PER_LABEL = 50;
const SWEEP_INTERVAL_MS = 15_000;
/** Stalled calls are looked for at least once a second, and no more than every 25 ms. */
const MAX_SWEEP_INTERVAL_MS = 1000;
const MIN_SWEEP_INTERVAL_MS = 25;
export const DEFAULT_WORK_UNIT_IDLE_TIMEOUT_MS = 300_000;
export const DEFAULT_MAX_ACTIVE_WORK_UNITS = 10_000;
export const DEFAULT_CONVERSATION_BAGGAGE_KEY = 'gen_ai.conversation.id';

interface Runtime {
  readonly pricer: Pricer;
  readonly catalogLabels: readonly string[];
  /** Catalog inputs left out for their problems, by file name (or document name). */
  readonly invalidCatalogs: readonly string[];
  /** Where conversation and unit-of-work ids come from (read once per call). */
  readonly workUnitSources: WorkUnitSources;
  readonly registry: ProviderRegistry;
  readonly pricing: Map<string, PricingContext>;
  readonly defaultCurrency: string;
}

export class PricetagInstrumentation extends InstrumentationBase<PricetagInstrumentationConfig> {
  // `declare`d: enable() runs inside the base constructor, before field initialisers would.
  declare private runtime: Runtime | undefined;
  declare private undici: UndiciCapture | undefined;
  declare private httpCapture: HttpCapture | undefined;
  declare private httpPatch: HttpModulePatch | undefined;
  declare private componentLogger: DiagLogger;
  declare private beforeFirst: (() => void) | undefined;
  declare private active: Set<Call> | undefined;
  declare private sweeper: NodeJS.Timeout | undefined;
  declare private listeners: RecordListener[] | undefined;
  declare private internalErrorCount: number | undefined;
  declare private spans: CallSpans | undefined;
  declare private metrics: CallMetrics | undefined;
  declare private deps: CallDeps | undefined;
  declare private workUnits: WorkUnitTable | undefined;
  declare private workUnitMetrics: WorkUnitMetrics | undefined;
  declare private workUnitSweeper: NodeJS.Timeout | undefined;

  constructor(config: PricetagInstrumentationConfig = {}) {
    const resolved = withEnvironment(config);
    // Enabled below, once our diag logger is one that cannot throw into the application.
    super(PACKAGE_NAME, PACKAGE_VERSION, { ...resolved, enabled: false });
    this.componentLogger = this._diag;
    this._diag = containedLogger(this._diag);
    this._config.enabled = resolved.enabled ?? true;
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
            this.httpPatch?.patched(name, exports);
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
   * Runs `fn` synchronously when the first AI call starts, before its span does (the
   * zero-code entry settles its providers then, if start-up has not ended yet).
   * @internal
   */
  beforeFirstCall(fn: (() => void) | undefined): void {
    this.beforeFirst = fn;
  }

  /**
   * Puts the `http`/`https` wrappers back on top of any other instrumentation's, so that
   * their HTTP spans stay children of the AI call's span. Done on its own after each patch
   * and start-up; the zero-code entry calls it once the application's SDK is known.
   */
  keepHttpWrapperOutermost(): void {
    this.httpPatch?.keepOutermost();
  }

  override setConfig(config: PricetagInstrumentationConfig = {}): void {
    super.setConfig(withEnvironment(config));
    if (this.runtime !== undefined) this.runtime = this.buildRuntime();
    if (this.isEnabled()) this.startSweeper();
    // Units in progress are recorded under the old bounds; the next call starts a table with the new.
    this.closeWorkUnits();
  }

  /** (Re)creates the metric instruments on the current meter (called by the base class). */
  protected override _updateMetricInstruments(): void {
    const config = this.getConfig();
    this.metrics = new CallMetrics(this.meter, {
      baggageKeys: config.attribution?.baggageKeys ?? [],
      spanAttributes: config.attribution?.spanAttributes ?? [],
      maxValuesPerLabel: config.attribution?.maxValuesPerLabel ?? DEFAULT_MAX_VALUES_PER_LABEL,
      maxValueLength: config.attribution?.maxValueLength,
      maxModels: config.maxModelLabelValues ?? DEFAULT_MAX_MODEL_LABEL_VALUES,
      genAiUsageCost: config.recordGenAiUsageCost === true,
      catalogLabels: () => this.catalogLabels,
      invalidCatalogs: () => this.invalidCatalogs,
    });
    this.workUnitMetrics = new WorkUnitMetrics(this.meter, () => this.workUnits);
  }

  /** Finishes and records every conversation and unit of work in progress (call before shutting the meter down). */
  flushWorkUnits(): void {
    this.workUnits?.flush();
  }

  private closeWorkUnits(): void {
    if (this.workUnitSweeper !== undefined) clearInterval(this.workUnitSweeper);
    this.workUnits?.flush();
    this.workUnits = undefined;
  }

  /** The table of units in progress, created on first use with the configured bounds. */
  private workUnitTable(): WorkUnitTable {
    if (this.workUnits !== undefined) return this.workUnits;
    const config = this.getConfig().workUnits ?? {};
    const idleTimeoutMs = config.idleTimeoutMs ?? DEFAULT_WORK_UNIT_IDLE_TIMEOUT_MS;
    this.workUnits = new WorkUnitTable({ maxActive: config.maxActive ?? DEFAULT_MAX_ACTIVE_WORK_UNITS, idleTimeoutMs }, (finished) =>
      this.workUnitMetrics?.record(finished),
    );
    // Idle units finish within a quarter of the timeout.
    this.workUnitSweeper = setInterval(() => this.workUnits?.sweep(), Math.min(SWEEP_INTERVAL_MS, Math.max(100, idleTimeoutMs / 4)));
    this.workUnitSweeper.unref();
    return this.workUnits;
  }

  /** Adds a consumer of every finished call. */
  addRecordListener(listener: RecordListener): void {
    (this.listeners ??= []).push(listener);
  }

  /** The pricer built from the configured catalogs. */
  get pricer(): Pricer {
    return (this.runtime ??= this.buildRuntime()).pricer;
  }

  /** Version labels of the catalogs in use, built-in first. */
  get catalogLabels(): readonly string[] {
    return (this.runtime ??= this.buildRuntime()).catalogLabels;
  }

  /** Catalogs configured but left out because they have problems (each logged with its location). */
  get invalidCatalogs(): readonly string[] {
    return (this.runtime ??= this.buildRuntime()).invalidCatalogs;
  }

  /** Faults caught inside ai-pricetag since start (each also logged through the diag logger). */
  get internalErrors(): number {
    return this.internalErrorCount ?? 0;
  }

  /** Calls started and not yet finished. */
  get inFlight(): number {
    return this.active?.size ?? 0;
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
    this.runtime ??= this.buildRuntime();
    this.active ??= new Set();
    const host = this.captureHost();
    this.undici = new UndiciCapture(host);
    this.httpCapture = new HttpCapture(host);
    this.httpPatch ??= new HttpModulePatch(() => (this.isEnabled() ? this.httpCapture : undefined));
    // Sets the enabled flag, and hands over modules its hooks have already seen.
    super.enable();
    this.undici.enable();
    this.httpCapture.enable();
    this.httpPatch.enable();
    this.startSweeper();
  }

  private startSweeper(): void {
    if (this.sweeper !== undefined) clearInterval(this.sweeper);
    const timeout = this.getConfig().callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
    // Often enough that a stalled call is closed within a second of its timeout.
    this.sweeper = setInterval(() => this.sweep(), Math.min(MAX_SWEEP_INTERVAL_MS, Math.max(MIN_SWEEP_INTERVAL_MS, timeout / 4)));
    this.sweeper.unref();
  }

  override disable(): void {
    if (!this.isEnabled()) return;
    super.disable();
    this.undici?.disable();
    this.httpCapture?.disable();
    this.httpPatch?.disable();
    if (this.sweeper !== undefined) clearInterval(this.sweeper);
    this.sweeper = undefined;
    this.closeWorkUnits();
    const global = globalThis as Global;
    if (global[ACTIVE] === this) delete global[ACTIVE];
  }

  private captureHost(): CaptureHost {
    const runtime = () => this.runtime!;
    return {
      // Read per request: setConfig() may have rebuilt the registry.
      get registry() {
        return runtime().registry;
      },
      startCall: (recognition, parent, url, contentType) => this.startCall(recognition, parent, url, contentType),
      onInternalError: (error, where) => this.internalError(error, where),
    };
  }

  private startCall(recognition: Recognition, parent: Context, url: URL, contentType: string | undefined): Call | undefined {
    if (!this.isEnabled()) return undefined;
    if (this.beforeFirst !== undefined) {
      const first = this.beforeFirst;
      this.beforeFirst = undefined;
      try {
        first();
      } catch (error) {
        this.internalError(error, 'beforeFirstCall');
      }
      if (!this.isEnabled()) return undefined;
    }
    const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
    const ids = readWorkUnitIds(parent, recognition.head.header, this.runtime!.workUnitSources);
    const call = new Call(recognition, this.callDeps(), withWorkUnitIds(parent, ids), url.hostname, port, contentType);
    this.active!.add(call);
    return call;
  }

  /** What every call needs from us: built once, shared by all calls. */
  private callDeps(): CallDeps {
    if (this.deps !== undefined) return this.deps;
    this.spans ??= new CallSpans(
      () => this.tracer,
      () => this.getConfig(),
      [
        (record, parent, tracing) => this.metrics?.record(record, parent, tracing),
        (record, parent) => this.addToWorkUnits(record, parent),
        (record, parent, tracing) => this.listeners?.forEach((listener) => listener(record, parent, tracing)),
      ],
      (error, hook) => this._diag.error(`${hook} threw: ${error.message}`),
    );
    this.deps = {
      observer: this.spans,
      pricing: (provider, pricedAs) => this.pricingContext(provider, pricedAs),
      onInternalError: (error, where) => this.internalError(error, where),
      onSettled: (call) => this.active?.delete(call),
    };
    return this.deps;
  }

  private addToWorkUnits(record: CallRecord, parent: Context): void {
    const ids = workUnitIdsOf(parent);
    if (ids === undefined) return;
    const labels = this.metrics?.attributionOf(parent).labels ?? {};
    const call = unitCallOf(record, Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, String(v)])), Date.now());
    const table = this.workUnitTable();
    for (const [unit, id] of ids) table.add(unit, id, call);
  }

  private pricingContext(provider: string, pricedAs: string | undefined): PricingContext {
    const runtime = this.runtime!;
    const key = `${provider}\u0000${pricedAs ?? ''}`;
    let ctx = runtime.pricing.get(key);
    if (ctx === undefined) {
      const shadows = new Map(Object.entries(this.getConfig().shadowPlans ?? {}));
      ctx = { pricer: runtime.pricer, provider, pricedAs, shadowPlans: shadows, defaultCurrency: runtime.defaultCurrency };
      runtime.pricing.set(key, ctx);
    }
    return ctx;
  }

  private internalError(error: unknown, where: string): void {
    this.internalErrorCount = (this.internalErrorCount ?? 0) + 1;
    this.metrics?.recordInternalError(where);
    // The message only: errors here never carry request or response content.
    this._diag.error(`internal error in ${where}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
  }

  /** Closes calls whose response stopped moving (a body the application never read). */
  private sweep(): void {
    const timeout = this.getConfig().callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
    const now = performance.now();
    for (const call of this.active ?? []) {
      if (now - call.lastActivity > timeout) call.fail(Object.assign(new Error('no progress within callTimeoutMs'), { name: 'Timeout' }));
    }
  }

  private buildRuntime(): Runtime {
    const config = this.getConfig();
    const usable: CatalogInput[] = [];
    const invalid: string[] = [];
    for (const input of config.catalogs ?? []) {
      const name = typeof input === 'string' ? input : (input.name ?? '<catalog object>');
      const check = validateCatalogInput(input);
      // Deprecated provider ids and the like: the catalog is used, and the user told once.
      for (const warning of check.warnings ?? []) reportConfigProblem(formatProblem(warning), (message) => this._diag.warn(message));
      if (check.ok) usable.push(input);
      else {
        invalid.push(name);
        reportConfigProblem(`catalog left out, its prices are not used:\n${check.problems.map(formatProblem).join('\n')}`, (message) =>
          this._diag.error(message),
        );
      }
    }
    const loaded = loadCatalogs(usable, { includeDefault: config.noDefaultCatalog !== true });
    let pricer: Pricer;
    let labels: string[];
    if (loaded.ok) {
      pricer = loaded.pricer;
      labels = loaded.catalogs.map((c) => c.label);
    } else {
      this._diag.error(`no catalog could be loaded; calls are recorded unpriced:\n${loaded.problems.map(formatProblem).join('\n')}`);
      pricer = new Pricer(new PlanIndex([]));
      labels = [];
    }
    // A route that cannot be compiled is left out, as an invalid endpoint is: never thrown into the host.
    const warn = (message: string) => this._diag.warn(message);
    const routes = (config.routes ?? []).filter((route) => {
      try {
        customAdapters([route], warn);
        return true;
      } catch (error) {
        reportConfigProblem(`route ignored: ${(error as Error).message}`, (message) => this._diag.error(message));
        return false;
      }
    });
    const adapters = [...customAdapters(routes, warn), ...BUILT_IN_ADAPTERS];
    // A bad endpoint is left out on its own, said on stderr and through the diag logger; the others are used.
    const registry = new ProviderRegistry(adapters, config.endpoints ?? [], warn);
    for (const { entry, reason } of registry.rejectedEndpoints) {
      reportConfigProblem(`endpoint ${entry} left out: ${reason}`, (message) => this._diag.error(message));
    }
    const units = config.workUnits;
    const workUnitSources: WorkUnitSources = {
      conversationBaggageKey: units?.conversationBaggageKey ?? DEFAULT_CONVERSATION_BAGGAGE_KEY,
      conversationHeader: units?.conversationHeader?.toLowerCase(),
      units: units?.units ?? {},
    };
    const firstPlan = pricer.index.plans()[0];
    return {
      pricer,
      catalogLabels: labels,
      invalidCatalogs: invalid,
      workUnitSources,
      registry,
      pricing: new Map(),
      defaultCurrency: firstPlan?.currency ?? 'USD',
    };
  }
}
