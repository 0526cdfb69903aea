/**
 * Zero-code entry: `node --import ai-pricetag/register app.js` (or `--require`).
 *
 * The instrumentation is enabled at once, so `http`, `https` and `fetch` are covered before
 * the application loads anything. Whether an SDK of our own is needed is decided only once
 * the application's start-up has run (its preloads and main module, up to the first turn of
 * the event loop): every part the application registered itself (tracer and meter providers,
 * context manager, propagator, diag logger) is used as it is, and only what is missing is
 * built from the environment (PRICETAG_* and the standard OTEL_* variables; see
 * docs/instrumentation.md). So an application with its own SDK keeps its telemetry exactly
 * as it was, with the cost series on its own exporter; one without gets Prometheus pull on
 * port 9464 (or OTLP). PRICETAG_SDK=app never builds an SDK: the application's providers are
 * picked up whenever it registers them; PRICETAG_SDK=own builds ours at once, before the
 * application runs (for one without an SDK that uses the OpenTelemetry API at start-up).
 *
 * The SDK packages are optional peers of ai-pricetag: when one the configuration needs is
 * missing, this says which to install, on stderr, and no cost is recorded.
 */
import { diag, DiagConsoleLogger, DiagLogLevel, metrics, trace, type DiagLogger } from '@opentelemetry/api';
import { reportConfigProblem } from './config/env.js';
import { MissingPeerError } from './export/optional-peer.js';
import { prepareZeroCodeSdk, registeredGlobals, type ZeroCodeSdk } from './export/zero-code-sdk.js';
import { PricetagInstrumentation } from './instrumentation.js';
import { containedLogger } from './contained-diag.js';

/** The global diag logger, which may be the application's and may throw: never into the application. */
const log = containedLogger(diag);

/** The most a natural exit, a signal or `process.exit()` waits for telemetry to be delivered. */
export const EXIT_FLUSH_TIMEOUT_MS = 2000;
/** How long the entry waits for the application's own SDK before it starts one of its own (PRICETAG_SDK_WAIT_MS). */
export const DEFAULT_SDK_WAIT_MS = 500;
const SDK_POLL_MS = 10;
/** How often PRICETAG_SDK=app looks for the application's meter provider until it is registered. */
const ADOPT_INTERVAL_MS = 1000;

function truthy(value: string | undefined): boolean {
  return value !== undefined && ['true', '1', 'yes', 'on'].includes(value.trim().toLowerCase());
}

type SdkMode = 'auto' | 'app' | 'own';

function sdkMode(env: NodeJS.ProcessEnv): SdkMode {
  const raw = env.PRICETAG_SDK?.trim().toLowerCase();
  if (raw === undefined || raw === '' || raw === 'auto') return 'auto';
  if (raw === 'app' || raw === 'own') return raw;
  reportConfigProblem(`PRICETAG_SDK=${raw} is not one of auto, app, own; using auto`);
  return 'auto';
}

function sdkWaitMs(env: NodeJS.ProcessEnv): number {
  const raw = env.PRICETAG_SDK_WAIT_MS?.trim();
  if (raw === undefined || raw === '') return DEFAULT_SDK_WAIT_MS;
  const value = Number(raw);
  if (Number.isFinite(value) && value >= 0) return value;
  reportConfigProblem(`PRICETAG_SDK_WAIT_MS=${raw} is not a number of milliseconds; using ${DEFAULT_SDK_WAIT_MS}`);
  return DEFAULT_SDK_WAIT_MS;
}

function warnOff(err: unknown): void {
  // Whatever went wrong, the application runs as it would without us, and is told why.
  if (err instanceof MissingPeerError) {
    process.emitWarning(`ai-pricetag: cost tracking is off: ${err.message}`, { code: 'AI_PRICETAG_MISSING_PEER' });
    return;
  }
  log.error('ai-pricetag: zero-code start-up failed', err);
  process.emitWarning(`ai-pricetag: cost tracking is off: the SDK could not be set up (${(err as Error).message})`, {
    code: 'AI_PRICETAG_START_FAILED',
  });
}

/** Bounded: a collector that is down or hung never holds the process more than EXIT_FLUSH_TIMEOUT_MS. */
function flushWithin(work: () => Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work().then(
      () => undefined,
      (error: unknown) => log.error('ai-pricetag: telemetry flush at exit failed', error),
    ),
    new Promise<void>((resolve) => (timer = setTimeout(resolve, EXIT_FLUSH_TIMEOUT_MS))),
  ]).finally(() => clearTimeout(timer));
}

/** Flushes our SDK at every way out: a natural exit, SIGTERM/SIGINT, and `process.exit()` where telemetry is pushed. */
function flushAtExit(instrumentation: PricetagInstrumentation, sdk: ZeroCodeSdk): void {
  let stopping: Promise<void> | undefined;
  const shutdown = (): Promise<void> => {
    // Conversations in progress are recorded before the last export.
    instrumentation.flushWorkUnits();
    return (stopping ??= flushWithin(() => sdk.shutdown()));
  };
  const exit = process.exit.bind(process);
  process.once('beforeExit', () => {
    void shutdown().then(() => {
      // The loop was empty when beforeExit came: what may still hold it is an export's retry
      // timer. Exit as the process was about to, unless the application has beforeExit work of its own.
      if (process.listenerCount('beforeExit') === 0) exit();
    });
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      // Where the application has its own handler it decides what happens; otherwise the
      // signal's default (exit) follows once telemetry is flushed.
      if (process.listenerCount(signal) > 0) {
        void shutdown();
        return;
      }
      void shutdown().finally(() => process.kill(process.pid, signal));
    });
  }
  if (!sdk.pushes) return;
  // Pushed telemetry would be lost by an immediate exit: `process.exit()` waits for the flush
  // (at most EXIT_FLUSH_TIMEOUT_MS), then exits with the same code. A second call exits at once.
  let exiting = false;
  process.exit = ((code?: number | string | null) => {
    if (exiting) return exit(code);
    exiting = true;
    if (code !== undefined && code !== null) process.exitCode = code;
    void shutdown().finally(() => exit());
    return undefined as never;
  }) as typeof process.exit;
}

/** PRICETAG_SDK=app: records into the application's meter provider once it registers one. */
function adoptWhenRegistered(instrumentation: PricetagInstrumentation): void {
  let tracing = false;
  const adopt = () => {
    const have = registeredGlobals();
    // Set explicitly: the tracer taken at construction may be another API copy's proxy (see useGlobalProviders).
    if (have.trace && !tracing) {
      instrumentation.setTracerProvider(trace.getTracerProvider());
      tracing = true;
    }
    if (!have.metrics) return false;
    instrumentation.setMeterProvider(metrics.getMeterProvider());
    instrumentation.keepHttpWrapperOutermost();
    return true;
  };
  if (adopt()) return;
  const timer = setInterval(() => {
    if (adopt()) clearInterval(timer);
  }, ADOPT_INTERVAL_MS);
  timer.unref();
  // Also right before each call until then: an SDK started just before a call must record it.
  const beforeCall = () => {
    if (adopt()) clearInterval(timer);
    else instrumentation.beforeFirstCall(beforeCall);
  };
  instrumentation.beforeFirstCall(beforeCall);
}

/** Runs once the application's start-up code has run: uses its SDK, builds what it lacks. */
function decide(env: NodeJS.ProcessEnv, mode: SdkMode, instrumentation: PricetagInstrumentation): ZeroCodeSdk | undefined {
  const have = registeredGlobals();
  const level = logLevel(env);
  if (!have.diag && level !== undefined) diag.setLogger(new DiagConsoleLogger(), level);
  instrumentation.logTo(undefined);
  if (mode === 'app') {
    adoptWhenRegistered(instrumentation);
    return undefined;
  }
  try {
    const sdk = prepareZeroCodeSdk(env, have).start(instrumentation);
    instrumentation.keepHttpWrapperOutermost();
    return sdk;
  } catch (err) {
    warnOff(err);
    instrumentation.disable();
    return undefined;
  }
}

function logLevel(env: NodeJS.ProcessEnv): DiagLogLevel | undefined {
  if (env.OTEL_LOG_LEVEL === undefined) return undefined;
  return DiagLogLevel[env.OTEL_LOG_LEVEL.trim().toUpperCase() as keyof typeof DiagLogLevel] ?? DiagLogLevel.INFO;
}

/**
 * Our own messages at OTEL_LOG_LEVEL until the decision: the global diag logger is left for
 * the application to set (setting one first would make it warn about replacing ours).
 */
function earlyLogger(level: DiagLogLevel): DiagLogger {
  const console = new DiagConsoleLogger();
  const at = (threshold: DiagLogLevel, write: (message: string, ...args: unknown[]) => void) =>
    level >= threshold ? write : () => undefined;
  return {
    error: at(DiagLogLevel.ERROR, (m, ...a) => console.error(m, ...a)),
    warn: at(DiagLogLevel.WARN, (m, ...a) => console.warn(m, ...a)),
    info: at(DiagLogLevel.INFO, (m, ...a) => console.info(m, ...a)),
    debug: at(DiagLogLevel.DEBUG, (m, ...a) => console.debug(m, ...a)),
    verbose: at(DiagLogLevel.VERBOSE, (m, ...a) => console.verbose(m, ...a)),
  };
}

function start(env: NodeJS.ProcessEnv): PricetagInstrumentation | undefined {
  if (truthy(env.OTEL_SDK_DISABLED)) return undefined;
  let instrumentation: PricetagInstrumentation;
  try {
    instrumentation = new PricetagInstrumentation({ enabled: false });
    const level = logLevel(env);
    if (level !== undefined) instrumentation.logTo(earlyLogger(level));
    instrumentation.enable();
  } catch (err) {
    warnOff(err);
    return undefined;
  }
  const mode = sdkMode(env);
  let decided = false;
  const settle = () => {
    if (decided) return;
    decided = true;
    instrumentation.beforeFirstCall(undefined);
    const sdk = decide(env, mode, instrumentation);
    if (sdk !== undefined && (sdk.registered.includes('metrics') || sdk.registered.includes('traces'))) flushAtExit(instrumentation, sdk);
    else if (instrumentation.isEnabled()) process.once('beforeExit', () => instrumentation.flushWorkUnits());
  };
  // An application without an SDK whose own code creates meters at start-up needs ours registered first.
  if (mode === 'own') {
    settle();
    return instrumentation;
  }
  // Settled at the first AI call (an application registers its SDK before it calls anything it
  // wants traced), as soon as the application's SDK shows up after start-up, or after
  // PRICETAG_SDK_WAIT_MS without one. Preloads (`--import a --import b`) may run on later turns
  // of the event loop, so the end of the first turn alone does not tell.
  instrumentation.beforeFirstCall(settle);
  const appSdkSeen = () => {
    const have = registeredGlobals();
    if (have.metrics || have.trace) settle();
  };
  setImmediate(appSdkSeen);
  const poll = setInterval(() => (decided ? clearInterval(poll) : appSdkSeen()), SDK_POLL_MS);
  poll.unref();
  setTimeout(() => {
    clearInterval(poll);
    settle();
  }, sdkWaitMs(env)).unref();
  return instrumentation;
}

/** The zero-code instrumentation, or undefined when OTEL_SDK_DISABLED kept it off. */
export const instrumentation = start(process.env);
