/**
 * Zero-code entry: `node --import ai-pricetag/register app.js`.
 *
 * Starts an OpenTelemetry SDK with PricetagInstrumentation, configured from the environment
 * (PRICETAG_* and the standard OTEL_* variables; see docs/instrumentation.md). Defaults chosen
 * for a service that has no collector: metrics are served for Prometheus to pull (port 9464),
 * traces are exported only when an OTLP endpoint or OTEL_TRACES_EXPORTER is set.
 *
 * The SDK packages are optional peers of ai-pricetag: when one the configuration needs is
 * missing, this says which to install, on stderr, and the application runs uninstrumented.
 */
import { diag, DiagConsoleLogger, DiagLogLevel } from '@opentelemetry/api';
import { hookEsmImports } from './export/esm-hook.js';
import { MissingPeerError } from './export/optional-peer.js';
import { prepareZeroCodeSdk, type PreparedSdk, type ZeroCodeSdk } from './export/zero-code-sdk.js';
import { PricetagInstrumentation } from './instrumentation.js';

/** Longest wait for buffered telemetry to flush when the process is told to stop. */
const SHUTDOWN_TIMEOUT_MS = 5000;

function truthy(value: string | undefined): boolean {
  return value !== undefined && ['true', '1', 'yes', 'on'].includes(value.trim().toLowerCase());
}

function start(env: NodeJS.ProcessEnv): { instrumentation: PricetagInstrumentation; sdk: ZeroCodeSdk } | undefined {
  if (truthy(env.OTEL_SDK_DISABLED)) return undefined;
  if (env.OTEL_LOG_LEVEL !== undefined) {
    const level = DiagLogLevel[env.OTEL_LOG_LEVEL.trim().toUpperCase() as keyof typeof DiagLogLevel] ?? DiagLogLevel.INFO;
    diag.setLogger(new DiagConsoleLogger(), level);
  }
  let prepared: PreparedSdk;
  try {
    prepared = prepareZeroCodeSdk(env);
  } catch (err) {
    // Whatever went wrong, the application starts as it would without us, and is told why.
    if (err instanceof MissingPeerError) {
      process.emitWarning(`ai-pricetag: cost tracking is off: ${err.message}`, { code: 'AI_PRICETAG_MISSING_PEER' });
    } else {
      diag.error('ai-pricetag: zero-code start-up failed', err);
      process.emitWarning(`ai-pricetag: cost tracking is off: the SDK could not be set up (${(err as Error).message})`, {
        code: 'AI_PRICETAG_START_FAILED',
      });
    }
    return undefined;
  }
  // Created disabled: it is enabled once the SDK it reports to is registered.
  const instrumentation = new PricetagInstrumentation({ enabled: false });
  hookEsmImports(instrumentation.getModuleDefinitions().map((m) => m.name));
  return { instrumentation, sdk: prepared.start(instrumentation) };
}

const started = start(process.env);
/** The zero-code instrumentation, or undefined when OTEL_SDK_DISABLED or a missing SDK package kept it off. */
export const instrumentation = started?.instrumentation;
/** The SDK the zero-code entry started, or undefined (as `instrumentation`). */
export const sdk = started?.sdk;

if (started !== undefined) {
  let stopping: Promise<void> | undefined;
  const shutdown = (): Promise<void> => {
    // Conversations in progress are recorded before the last export.
    started.instrumentation.flushWorkUnits();
    stopping ??= Promise.race([
      started.sdk.shutdown().catch((error: unknown) => diag.error('ai-pricetag: SDK shutdown failed', error)),
      new Promise<void>((resolve) => setTimeout(resolve, SHUTDOWN_TIMEOUT_MS).unref()),
    ]);
    return stopping;
  };
  process.once('beforeExit', () => void shutdown());
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
}
