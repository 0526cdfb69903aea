/**
 * One process configuration (bare, OpenTelemetry, OpenTelemetry + ai-pricetag)
 * and one client (fetch, http.request, axios), timing sequential round trips
 * to the loopback provider on request. Started by overhead.bench.ts.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { CHAT_REQUEST } from '../support/provider-server.js';
import { loadClient, type ClientName } from '../support/clients.js';
import { setUpTelemetry, type Setup } from '../support/telemetry.js';
import { serveRequests, workerConfig } from '../support/workers.js';

export interface RoundTripConfig {
  readonly setup: Setup;
  readonly client: ClientName;
  readonly openAiBaseUrl: string;
  readonly unrelatedOrigin: string;
}

export interface BatchRequest {
  /** `ai`: the OpenAI chat route; `unrelated`: the port nobody configured. */
  readonly target: 'ai' | 'unrelated';
  readonly calls: number;
  /** Write a CPU profile of this batch (only) to this file. */
  readonly profile?: string;
}

export interface BatchResult {
  /** Median of the batch's per-call times. */
  readonly medianNs: number;
  /** Process CPU time (user + system) per call, averaged over the batch. */
  readonly cpuNs: number;
  /** Spans finished during the batch, by instrumentation scope; ai-pricetag spans with a cost. */
  readonly spans: Record<string, number>;
  readonly priced: number;
}

const config = workerConfig<RoundTripConfig>();
const telemetry = setUpTelemetry(config.setup, { openAiBaseUrl: config.openAiBaseUrl });
const post = await loadClient(config.client);
const urls = { ai: `${config.openAiBaseUrl}/chat/completions`, unrelated: `${config.unrelatedOrigin}/v1/things` };

async function batch({ target, calls, profile }: BatchRequest): Promise<BatchResult> {
  if (profile === undefined) return timedBatch(target, calls);
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 250 });
  await session.post('Profiler.start');
  const result = await timedBatch(target, calls);
  const { profile: data } = await session.post('Profiler.stop');
  writeFileSync(profile, JSON.stringify(data));
  session.disconnect();
  return result;
}

async function timedBatch(target: BatchRequest['target'], calls: number): Promise<BatchResult> {
  const url = urls[target];
  const spansBefore = { ...telemetry.spans.byScope };
  const pricedBefore = telemetry.spans.priced;
  const times = new Float64Array(calls);
  const cpuBefore = process.cpuUsage();
  for (let i = 0; i < calls; i++) {
    const t0 = process.hrtime.bigint();
    const answer = (await post(url, CHAT_REQUEST)) as { usage?: unknown };
    times[i] = Number(process.hrtime.bigint() - t0);
    if (answer.usage === undefined) throw new Error('unexpected answer');
  }
  const cpu = process.cpuUsage(cpuBefore);
  // Spans end as the response ends; let the last one finish before counting.
  await new Promise((r) => setImmediate(r));
  times.sort();
  const spans: Record<string, number> = {};
  for (const [scope, n] of Object.entries(telemetry.spans.byScope)) spans[scope] = n - (spansBefore[scope] ?? 0);
  const medianNs = calls % 2 ? times[calls >> 1]! : (times[(calls >> 1) - 1]! + times[calls >> 1]!) / 2;
  return { medianNs, cpuNs: ((cpu.user + cpu.system) * 1000) / calls, spans, priced: telemetry.spans.priced - pricedBefore };
}

serveRequests({ setup: config.setup, client: config.client }, (message) => batch(message as unknown as BatchRequest));
