/**
 * Metric recording and scraping. Recording: CallMetrics.record for one priced
 * call (cost, usage by unit, requests, histograms) against the baseline of one
 * plain SDK counter increment with the same labels. Scraping: a real HTTP
 * scrape of the Prometheus exporter holding N series of ours, against the same
 * exporter holding N series of a plain SDK counter.
 */
import { ROOT_CONTEXT, type Attributes } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { CallRecord } from '../src/capture/call-record.js';
import { priceFacts } from '../src/capture/price-call.js';
import { loadCatalogs } from '../src/catalog/load.js';
import { CallMetrics } from '../src/telemetry/call-metrics.js';
import { measure, type MeasureOptions, type Measurement } from './harness.js';

import type { Row } from './row.js';

const loaded = loadCatalogs([]);
if (!loaded.ok) throw new Error('default catalog invalid');
const pricing = { pricer: loaded.pricer, provider: 'openai', shadowPlans: new Map<string, string[]>(), defaultCurrency: 'USD' };

function record(model: string, i: number): CallRecord {
  const usage = { input_tokens: 1000 + (i & 255), cached_input_tokens: 512, output_tokens: 200 + (i & 63) };
  return {
    provider: 'openai',
    operation: 'chat',
    serverAddress: 'api.openai.com',
    serverPort: 443,
    requestModel: model,
    outcome: 'success',
    aborted: false,
    durationSeconds: 0.4,
    semconv: { inputTokens: usage.input_tokens + 512, outputTokens: usage.output_tokens },
    ...priceFacts(pricing, { items: [{ operation: 'chat', model: 'gpt-4o-mini', usage }] }, 'success'),
  };
}

function metricsFor(provider: MeterProvider, maxModels: number): CallMetrics {
  return new CallMetrics(provider.getMeter('ai-pricetag'), {
    baggageKeys: [],
    spanAttributes: [],
    maxValuesPerLabel: 50,
    maxModels,
    genAiUsageCost: false,
    catalogLabels: () => ['bench'],
  });
}

async function served(exporter: PrometheusExporter): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => exporter.getMetricsRequestHandler(req, res));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

async function timeScrapes(url: string, samples: number): Promise<{ median: number; min: number; max: number; seriesLines: number }> {
  const times: number[] = [];
  let lines = 0;
  for (let i = 0; i < Math.max(1, samples + 1); i++) {
    const t0 = performance.now();
    const text = await (await fetch(url)).text();
    const ms = performance.now() - t0;
    if (i > 0) times.push(ms); // the first scrape warms up
    lines = text.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;
  }
  times.sort((a, b) => a - b);
  return { median: times[times.length >> 1] ?? 0, min: times[0] ?? 0, max: times[times.length - 1] ?? 0, seriesLines: lines };
}

const toMeasurement = (name: string, t: { median: number; min: number; max: number }, samples: number): Measurement => ({
  name,
  medianNs: t.median * 1e6,
  minNs: t.min * 1e6,
  maxNs: t.max * 1e6,
  samples,
  opsPerSample: 1,
});

export async function metricsBenchmarks(options: MeasureOptions, quick: boolean): Promise<Row[]> {
  const rows: Row[] = [];
  // Recording one call.
  {
    const provider = new MeterProvider({ readers: [new PrometheusExporter({ preventServerStart: true })] });
    const counter = provider.getMeter('baseline').createCounter('baseline.requests');
    const labels: Attributes = { 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.operation.name': 'chat', 'ai.pricing.plan': 'openai/gpt-4o-mini', 'ai.pricing.tier': 'standard' };
    const baseline = measure('one SDK counter add, same labels', () => counter.add(1, labels), options);
    const metrics = metricsFor(provider, 100);
    const records = Array.from({ length: 256 }, (_, i) => record('gpt-4o-mini', i));
    const ours = measure('record one priced call (all instruments)', (i) => metrics.record(records[i & 255]!, ROOT_CONTEXT), options);
    rows.push({ name: 'metrics: record one priced call', baseline, ours });
    await provider.shutdown();
  }
  // Scraping N series (every histogram bucket counts as a series, as in Prometheus).
  for (const target of quick ? [1000] : [1000, 10_000]) {
    const samples = quick ? 3 : 9;
    const oursExporter = new PrometheusExporter({ preventServerStart: true });
    const oursProvider = new MeterProvider({ readers: [oursExporter] });
    const metrics = metricsFor(oursProvider, 100_000);
    const oursServer = await served(oursExporter);
    // Each call of a new model adds a fixed number of series: measure it once, then fill to the target.
    metrics.record(record('model-0', 0), ROOT_CONTEXT);
    const perModel = (await timeScrapes(oursServer.url, 0)).seriesLines;
    const heapBefore = process.memoryUsage().heapUsed;
    const models = Math.ceil(target / perModel);
    for (let m = 1; m < models; m++) metrics.record(record(`model-${m}`, m), ROOT_CONTEXT);
    const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
    const oursTimes = await timeScrapes(oursServer.url, samples);

    const baseExporter = new PrometheusExporter({ preventServerStart: true });
    const baseProvider = new MeterProvider({ readers: [baseExporter] });
    const counter = baseProvider.getMeter('baseline').createCounter('baseline.cost');
    for (let s = 0; s < oursTimes.seriesLines; s++) counter.add(1, { series: `s-${s}` });
    const baseServer = await served(baseExporter);
    const baseTimes = await timeScrapes(baseServer.url, samples);

    rows.push({
      name: `metrics: scrape ${oursTimes.seriesLines} series (${models} models)`,
      baseline: toMeasurement('plain SDK counter, same series count', baseTimes, samples),
      ours: toMeasurement('ai-pricetag series', oursTimes, samples),
      note: `heap +${(heapGrowth / 1048576).toFixed(1)} MiB while recording them`,
    });
    await Promise.all([oursServer.close(), baseServer.close(), oursProvider.shutdown(), baseProvider.shutdown()]);
  }
  return rows;
}
