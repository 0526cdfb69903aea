/**
 * A streamed chat completion of 10 MiB of SSE chunks (and 100 MiB for memory)
 * read through fetch: (b) OpenTelemetry vs (c) (b) + ai-pricetag, each in its
 * own child process, alternating. Timing runs and memory runs are separate:
 * the memory runs force a GC every MiB, which would distort the times.
 */
import { median, summarize } from './harness.js';
import type { Row } from './row.js';
import type { ProviderServer } from './support/provider-server.js';
import type { Setup } from './support/telemetry.js';
import { Worker } from './support/workers.js';
import type { StreamConfig, StreamRequest, StreamResult } from './workers/stream.js';

const MiB = 1 << 20;
const SETUPS = ['otel', 'pricetag'] as const satisfies readonly Setup[];

const mib = (bytes: number) => `${(bytes / MiB).toFixed(2)} MiB`;
const ms = (ns: number) => `${(ns / 1e6).toFixed(1)} ms`;

export async function streamingBenchmarks(server: ProviderServer, quick: boolean): Promise<Row[]> {
  const timingRounds = quick ? 1 : 15;
  const timedBytes = quick ? MiB : 10 * MiB;
  const memorySizes = quick ? [MiB] : [10 * MiB, 100 * MiB];
  const memoryRounds = quick ? 1 : 3;

  const workers = new Map<Setup, Worker>();
  for (const setup of SETUPS) {
    const config: StreamConfig = { setup, openAiBaseUrl: server.openAiBaseUrl };
    workers.set(setup, new Worker(`stream/${setup}`, new URL('./workers/stream.ts', import.meta.url), config, { exposeGc: true }));
  }
  const run = async (setup: Setup, request: StreamRequest) => {
    const result = await workers.get(setup)!.request<StreamResult>(request);
    const expected = setup === 'pricetag' ? 1 : 0;
    if (result.priced !== expected) throw new Error(`stream/${setup}: ${result.priced} priced spans, expected ${expected}`);
    return result;
  };
  try {
    await Promise.all([...workers.values()].map((w) => w.ready));
    for (const setup of SETUPS) await run(setup, { bytes: timedBytes, trackMemory: false });

    const timed: Record<string, StreamResult[]> = { otel: [], pricetag: [] };
    for (let r = 0; r < timingRounds; r++) {
      const order = r % 2 === 0 ? SETUPS : [...SETUPS].reverse();
      for (const setup of order) timed[setup]!.push(await run(setup, { bytes: timedBytes, trackMemory: false }));
    }
    const memory: Record<string, Record<number, StreamResult[]>> = { otel: {}, pricetag: {} };
    for (const bytes of memorySizes) {
      for (let r = 0; r < memoryRounds; r++) {
        for (const setup of SETUPS) (memory[setup]![bytes] ??= []).push(await run(setup, { bytes, trackMemory: true }));
      }
    }

    const rows: Row[] = [];
    const label = `SSE ${timedBytes / MiB} MiB via fetch`;
    const received = timed.pricetag![0]!.received;
    for (const [what, pick] of [
      ['time to first byte', (r: StreamResult) => r.ttfbNs],
      ['total time', (r: StreamResult) => r.totalNs],
    ] as const) {
      const baseline = summarize('(b) OpenTelemetry', timed.otel!.map(pick));
      const ours = summarize('(c) (b) + ai-pricetag', timed.pricetag!.map(pick));
      const ratio = ours.median / baseline.median;
      rows.push({
        name: `${label}: ${what}`,
        baseline,
        ours,
        goal: { text: 'ratio ≤ 1.02', met: ratio <= 1.02 },
        ...(what === 'total time'
          ? {
              note:
                `${mib(received)}; client CPU ${ms(median(timed.pricetag!.map((r) => r.cpuNs)))} ` +
                `(baseline ${ms(median(timed.otel!.map((r) => r.cpuNs)))})`,
            }
          : {}),
      });
    }
    for (const bytes of memorySizes) {
      const base = memory.otel![bytes]!;
      const ours = memory.pricetag![bytes]!;
      const extra = median(ours.map((r) => r.peakLive!)) - median(base.map((r) => r.peakLive!));
      rows.push({
        name: `SSE ${bytes / MiB} MiB via fetch: peak live memory`,
        baseline: summarize(
          '(b) OpenTelemetry, live bytes above start',
          base.map((r) => r.peakLive!),
          'bytes',
        ),
        ours: summarize(
          '(c) (b) + ai-pricetag',
          ours.map((r) => r.peakLive!),
          'bytes',
        ),
        note:
          `extra ${mib(extra)}; ` +
          `retained after the call ${mib(median(ours.map((r) => r.retained!)))} (baseline ${mib(median(base.map((r) => r.retained!)))}); ` +
          `peak RSS +${mib(median(ours.map((r) => r.peakRss!)))} (baseline +${mib(median(base.map((r) => r.peakRss!)))})`,
        goal: { text: 'extra < 1 MiB', met: extra < MiB },
      });
    }
    return rows;
  } finally {
    await Promise.all([...workers.values()].map((w) => w.stop()));
  }
}
