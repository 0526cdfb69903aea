/**
 * Streams one SSE chat completion through fetch on request, consuming the
 * body without keeping it: time to the first body byte, total time, and
 * (with trackMemory, run with --expose-gc) the live memory (heap + external
 * after a full GC, sampled every MiB of body) and RSS above what the process
 * held before the call. Started by streaming.bench.ts.
 */
import { forceGc, liveBytes } from '../harness.js';
import { SSE_BYTES_HEADER, STREAM_REQUEST } from '../support/provider-server.js';
import { setUpTelemetry, type Setup } from '../support/telemetry.js';
import { serveRequests, workerConfig } from '../support/workers.js';

export interface StreamConfig {
  readonly setup: Setup;
  readonly openAiBaseUrl: string;
}

export interface StreamRequest {
  readonly bytes: number;
  readonly trackMemory: boolean;
}

export interface StreamResult {
  readonly ttfbNs: number;
  readonly totalNs: number;
  readonly received: number;
  /** Process CPU time (user + system) during the call. */
  readonly cpuNs: number;
  /** With trackMemory: highest live bytes above the start, sampled after a GC every MiB. */
  readonly peakLive?: number;
  /** With trackMemory: live bytes above the start once the call is over. */
  readonly retained?: number;
  /** With trackMemory: highest RSS above the start, sampled at every chunk. */
  readonly peakRss?: number;
  readonly priced: number;
}

const SAMPLE_EVERY = 1 << 20;
const config = workerConfig<StreamConfig>();
// No span queue: what the process holds is what the call holds.
const telemetry = setUpTelemetry(config.setup, { openAiBaseUrl: config.openAiBaseUrl, noBatching: true });
const url = `${config.openAiBaseUrl}/chat/completions`;

async function stream({ bytes, trackMemory }: StreamRequest): Promise<StreamResult> {
  const pricedBefore = telemetry.spans.priced;
  if (trackMemory) forceGc();
  const liveBefore = liveBytes();
  const rssBefore = process.memoryUsage.rss();
  let peakLive = 0;
  let peakRss = 0;
  let nextSample = SAMPLE_EVERY;
  const cpuBefore = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [SSE_BYTES_HEADER]: String(bytes) },
    body: STREAM_REQUEST,
  });
  const reader = response.body!.getReader();
  let first = 0n;
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (first === 0n) first = process.hrtime.bigint();
    received += value.byteLength;
    if (trackMemory) {
      peakRss = Math.max(peakRss, process.memoryUsage.rss() - rssBefore);
      if (received >= nextSample) {
        nextSample += SAMPLE_EVERY;
        forceGc();
        peakLive = Math.max(peakLive, liveBytes() - liveBefore);
      }
    }
  }
  const end = process.hrtime.bigint();
  const cpu = process.cpuUsage(cpuBefore);
  // The call's span ends as the body ends; let it.
  await new Promise((r) => setImmediate(r));
  const result = {
    ttfbNs: Number(first - t0),
    totalNs: Number(end - t0),
    received,
    cpuNs: (cpu.user + cpu.system) * 1000,
    priced: telemetry.spans.priced - pricedBefore,
  };
  if (!trackMemory) return result;
  forceGc();
  return { ...result, peakLive, peakRss, retained: liveBytes() - liveBefore };
}

serveRequests({ setup: config.setup }, (message) => stream(message as unknown as StreamRequest));
