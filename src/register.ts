/**
 * Zero-code entry: `node --import ai-pricetag/register app.js`.
 *
 * Starts the OpenTelemetry Node SDK with PricetagInstrumentation, configured
 * from the environment (PRICETAG_* and the standard OTEL_* variables; see
 * docs/configuration.md). Defaults chosen for a service that has no collector:
 * metrics are served for Prometheus to pull (OTEL_METRICS_EXPORTER=prometheus,
 * port 9464), traces are exported only when an OTLP endpoint or
 * OTEL_TRACES_EXPORTER is set.
 */
import { register } from 'node:module';
import { diag, DiagConsoleLogger, DiagLogLevel } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { PricetagInstrumentation } from './instrumentation.js';

// ESM imports of http/https reach the instrumentation through this loader hook.
register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);

const env = process.env;
env.OTEL_METRICS_EXPORTER ??= 'prometheus';
if (env.OTEL_TRACES_EXPORTER === undefined && env.OTEL_EXPORTER_OTLP_ENDPOINT === undefined && env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT === undefined) {
  env.OTEL_TRACES_EXPORTER = 'none';
}
if (env.OTEL_LOG_LEVEL !== undefined) {
  const level = DiagLogLevel[env.OTEL_LOG_LEVEL.toUpperCase() as keyof typeof DiagLogLevel] ?? DiagLogLevel.INFO;
  diag.setLogger(new DiagConsoleLogger(), level);
}

/**
 * Pull mode (the default) gets an exporter of ours so resource attributes can be promoted to
 * labels (PRICETAG_RESOURCE_LABELS=service.name,…); other exporters are left to the SDK's
 * reading of OTEL_METRICS_EXPORTER.
 */
function prometheusReader(): PrometheusExporter | undefined {
  if (env.OTEL_METRICS_EXPORTER?.trim() !== 'prometheus') return undefined;
  const promoted = (env.PRICETAG_RESOURCE_LABELS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const requested = Number(env.OTEL_EXPORTER_PROMETHEUS_PORT ?? PrometheusExporter.DEFAULT_OPTIONS.port);
  const host = env.OTEL_EXPORTER_PROMETHEUS_HOST;
  const port = Number.isInteger(requested) && requested > 0 ? requested : PrometheusExporter.DEFAULT_OPTIONS.port;
  return new PrometheusExporter(
    {
      host,
      port,
      withResourceConstantLabels: promoted.length === 0 ? undefined : new RegExp(`^(${promoted.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})$`),
    },
    // A port already taken leaves the application running without a metrics endpoint; the
    // exporter tells only a diag logger, which zero-code has only with OTEL_LOG_LEVEL, so say it on stderr.
    (error: Error | void) => {
      if (error instanceof Error) {
        process.emitWarning(`ai-pricetag: metrics are not served on ${host ?? PrometheusExporter.DEFAULT_OPTIONS.host}:${port}: ${error.message}`, { code: 'AI_PRICETAG_METRICS_NOT_SERVED' });
      }
    },
  );
}

export const instrumentation = new PricetagInstrumentation();
const reader = prometheusReader();
export const sdk = new NodeSDK({ instrumentations: [instrumentation], ...(reader === undefined ? {} : { metricReaders: [reader] }) });
sdk.start();

/** Longest wait for buffered telemetry to flush when the process is told to stop. */
const SHUTDOWN_TIMEOUT_MS = 5000;

let stopping: Promise<void> | undefined;
const shutdown = (): Promise<void> => {
  // Conversations in progress are recorded before the last export.
  instrumentation.flushWorkUnits();
  stopping ??= Promise.race([
    sdk.shutdown().catch((error: unknown) => diag.error('ai-pricetag: SDK shutdown failed', error)),
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
