// The application's own OpenTelemetry SDK, as a service sets it up: NodeSDK with OpenTelemetry's
// http and undici instrumentations, its own Prometheus exporter (APP_METRICS_PORT) and OTLP traces
// (APP_OTLP_TRACES_URL). With withPricetag, PricetagInstrumentation is listed first, before the
// http instrumentation (the order that used to make the HTTP span the AI span's parent).
const { NodeSDK } = require('@opentelemetry/sdk-node');
const { PrometheusExporter } = require('@opentelemetry/exporter-prometheus');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http');
const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http');
const { UndiciInstrumentation } = require('@opentelemetry/instrumentation-undici');

exports.startAppSdk = function startAppSdk(withPricetag) {
  const first = withPricetag ? [new (require('ai-pricetag').PricetagInstrumentation)()] : [];
  const sdk = new NodeSDK({
    serviceName: 'host-app',
    traceExporter: new OTLPTraceExporter({ url: process.env.APP_OTLP_TRACES_URL }),
    metricReaders: [new PrometheusExporter({ host: '127.0.0.1', port: Number(process.env.APP_METRICS_PORT) })],
    instrumentations: [...first, new HttpInstrumentation(), new UndiciInstrumentation()],
  });
  sdk.start();
  globalThis.hostAppSdk = sdk;
  return sdk;
};
