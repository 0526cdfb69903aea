/**
 * Memory allocated per AI call, which unlike time does not depend on how busy the machine is:
 * V8's sampling heap profiler, told to keep the objects minor and major GCs collected, counts
 * the bytes each function allocates over a batch of sequential calls to the loopback provider.
 * Two configurations, each its own child process (this file, started again as a worker): (b)
 * OpenTelemetry's http and undici instrumentations and (c) the same plus ai-pricetag. For (c)
 * the bytes allocated under ai-pricetag's own frames are split by who allocated them: our code
 * (with the built-ins it calls), the OpenTelemetry SDK it calls (span attributes, histogram
 * attribute hashing) and Node. Every allocation is garbage the collector must sweep: the GC time
 * per call in the round-trip profile follows these bytes.
 */
import { Session } from 'node:inspector/promises';
import { median, summarize, type Measurement } from './harness.js';
import type { Row } from './row.js';
import { CLIENTS, loadClient, type ClientName } from './support/clients.js';
import { CHAT_REQUEST, type ProviderServer } from './support/provider-server.js';
import { setUpTelemetry, type Setup } from './support/telemetry.js';
import { serveRequests, Worker, workerConfig } from './support/workers.js';

interface AllocationWorkerConfig {
  readonly role: 'allocations';
  readonly setup: Setup;
  readonly client: ClientName;
  readonly openAiBaseUrl: string;
}

interface Batch {
  readonly calls: number;
}

/** Sampled bytes per call, all and (for ai-pricetag) under its frames by who allocated them. */
interface BatchResult {
  readonly bytesPerCall: number;
  readonly underOurs: { readonly ours: number; readonly otel: number; readonly node: number };
  readonly priced: number;
}

/** A sample every 256 bytes on average: about 4,000 samples per 10,000 calls of ours. */
const SAMPLING_INTERVAL = 256;

interface ProfileNode {
  readonly callFrame: { readonly functionName: string; readonly url: string };
  readonly selfSize: number;
  readonly children: readonly ProfileNode[];
}

const isOurs = (url: string) => /\/src\/[a-z-]+(\/|\.[jt]s$)/.test(url) && !url.includes('node_modules') && !url.includes('/bench/');
/** Our wrappers around the host's fetch and request: what runs under them is the host's call. */
const isPassThrough = (url: string, fn: string) =>
  /\/src\/capture\/(undici|http|http-patch)\.[jt]s$/.test(url) && /^(fetch|callInContext|wrapped|request|)$/.test(fn);

/** Bytes allocated under our frames, by the party of the innermost frame with a script (built-ins count for their caller). */
function splitUnderOurs(root: ProfileNode): { ours: number; otel: number; node: number } {
  const out = { ours: 0, otel: 0, node: 0 };
  const walk = (node: ProfileNode, under: boolean, party: keyof typeof out | undefined): void => {
    const { url, functionName } = node.callFrame;
    const ours = isOurs(url) && !isPassThrough(url, functionName);
    const nowUnder = under || ours;
    const owner: keyof typeof out | undefined =
      url === '' ? party : url.includes('@opentelemetry') ? 'otel' : isOurs(url) ? 'ours' : url.startsWith('node:') ? 'node' : undefined;
    if (nowUnder && owner !== undefined) out[owner] += node.selfSize;
    for (const child of node.children) walk(child, nowUnder, owner);
  };
  walk(root, false, undefined);
  return out;
}

function sumOf(node: ProfileNode): number {
  let total = node.selfSize;
  for (const child of node.children) total += sumOf(child);
  return total;
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

export async function allocationBenchmarks(server: ProviderServer, quick: boolean): Promise<Row[]> {
  const rounds = quick ? 1 : 3;
  const calls = quick ? 50 : 3000;
  const warmup = quick ? 50 : 2000;
  const rows: Row[] = [];
  for (const client of CLIENTS.filter((c) => c !== 'axios')) {
    const setups = ['otel', 'pricetag'] as const;
    const workers = setups.map(
      (setup) =>
        new Worker(`allocations/${client}/${setup}`, new URL(import.meta.url), {
          role: 'allocations',
          setup,
          client,
          openAiBaseUrl: server.openAiBaseUrl,
        } satisfies AllocationWorkerConfig),
    );
    try {
      await Promise.all(workers.map((w) => w.ready));
      for (const w of workers) await w.request<BatchResult>({ calls: warmup } satisfies Batch);
      const results: BatchResult[][] = [[], []];
      for (let r = 0; r < rounds; r++) {
        for (let i = 0; i < workers.length; i++) {
          const result = await workers[i]!.request<BatchResult>({ calls } satisfies Batch);
          const expected = setups[i] === 'pricetag' ? calls : 0;
          if (Math.abs(result.priced - expected) > 1)
            throw new Error(`allocations/${client}/${setups[i]}: ${result.priced} priced spans, expected ${expected}`);
          results[i]!.push(result);
        }
      }
      const measurement = (i: number): Measurement =>
        summarize(
          `${client}, ${setups[i]}`,
          results[i]!.map((r) => r.bytesPerCall),
          'bytes',
        );
      const ours = results[1]!.map((r) => r.underOurs);
      const mid = (pick: (u: BatchResult['underOurs']) => number) => median(ours.map(pick));
      rows.push({
        name: `allocated per call, ${client}: (c) + ai-pricetag vs (b)`,
        baseline: measurement(0),
        ours: measurement(1),
        note:
          `under ai-pricetag's frames: ${kib(mid((u) => u.ours))} by its own code, ` +
          `${kib(mid((u) => u.otel))} by the OpenTelemetry SDK it calls, ${kib(mid((u) => u.node))} by Node`,
      });
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
    }
  }
  return rows;
}

/** The worker: one configuration and client; each batch runs under the sampling heap profiler. */
async function runWorker(config: AllocationWorkerConfig): Promise<void> {
  const telemetry = setUpTelemetry(config.setup, { openAiBaseUrl: config.openAiBaseUrl });
  const post = await loadClient(config.client);
  const url = `${config.openAiBaseUrl}/chat/completions`;
  const session = new Session();
  session.connect();
  serveRequests({ setup: config.setup }, async (message) => {
    const { calls } = message as unknown as Batch;
    const pricedBefore = telemetry.spans.priced;
    await session.post('HeapProfiler.startSampling', {
      samplingInterval: SAMPLING_INTERVAL,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
    for (let i = 0; i < calls; i++) await post(url, CHAT_REQUEST);
    const { profile } = await session.post('HeapProfiler.stopSampling');
    // Spans end just after the answer is read: let the last one finish before counting.
    await new Promise((r) => setTimeout(r, 5));
    const root = profile.head as unknown as ProfileNode;
    const split = splitUnderOurs(root);
    return {
      bytesPerCall: sumOf(root) / calls,
      underOurs: { ours: split.ours / calls, otel: split.otel / calls, node: split.node / calls },
      priced: telemetry.spans.priced - pricedBefore,
    } satisfies BatchResult;
  });
}

const config = workerConfig<Partial<AllocationWorkerConfig>>();
if (config.role === 'allocations') await runWorker(config as AllocationWorkerConfig);
