// A meter provider with the real Prometheus exporter, served on 127.0.0.1:0 and scraped over HTTP.
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';

export interface MetricsEndpoint {
  readonly meterProvider: MeterProvider;
  readonly url: string;
  scrape(): Promise<string>;
  close(): Promise<void>;
}

export async function metricsEndpoint(): Promise<MetricsEndpoint> {
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const meterProvider = new MeterProvider({ readers: [exporter] });
  const server = http.createServer((req, res) => exporter.getMetricsRequestHandler(req, res));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
  return {
    meterProvider,
    url,
    scrape: async () => (await fetch(url)).text(),
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await meterProvider.shutdown();
    },
  };
}

/** Samples of one series name: `{labels} value` keyed by the label text. */
export function samples(text: string, name: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const close = line.lastIndexOf('}');
    out.set(line.slice(name.length, close + 1), Number(line.slice(close + 2)));
  }
  return out;
}
