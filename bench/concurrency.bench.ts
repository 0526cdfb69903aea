/**
 * High concurrency: rounds of 1,000 calls in flight at once against the
 * provider emulator (run in this process), in an OpenTelemetry-only process
 * and in one with ai-pricetag, alternating. Exactness is checked in the worker
 * every round (span costs and ai_cost series against the exact cost of the
 * usage the responses reported); a mismatch fails the run. Memory: the heap's
 * object spaces after a full GC at the end of each round, which must not grow.
 * BENCH_CONCURRENCY_ROUNDS=N runs more rounds; BENCH_HEAP_SNAPSHOTS=DIR has the
 * ai-pricetag worker write a heap snapshot after each round, to diff.
 */
import { startEmulator } from '../examples/emulator/index.js';
import { summarize } from './harness.js';
import type { Row } from './row.js';
import type { Setup } from './support/telemetry.js';
import { Worker } from './support/workers.js';
import type { ConcurrencyConfig, RoundResult } from './workers/concurrency.js';

const SETUPS = ['otel', 'pricetag'] as const satisfies readonly Setup[];
const KiB = 1024;

export async function concurrencyBenchmarks(quick: boolean): Promise<Row[]> {
  const calls = quick ? 100 : 1000;
  const rounds = quick ? 2 : Number(process.env.BENCH_CONCURRENCY_ROUNDS ?? 6);
  const emulator = await startEmulator({ seed: 8, maxLogEntries: 100 });
  const workers = new Map<Setup, Worker>();
  for (const setup of SETUPS) {
    const config: ConcurrencyConfig = { setup, endpoints: emulator.endpoints, openAiBaseUrl: emulator.baseUrls.openai };
    workers.set(
      setup,
      new Worker(`concurrency/${setup}`, new URL('./workers/concurrency.ts', import.meta.url), config, { exposeGc: true }),
    );
  }
  try {
    await Promise.all([...workers.values()].map((w) => w.ready));
    const results: Record<Setup, RoundResult[]> = { bare: [], otel: [], pricetag: [] };
    for (let r = 0; r < rounds; r++) {
      for (const setup of r % 2 === 0 ? SETUPS : [...SETUPS].reverse())
        results[setup].push(await workers.get(setup)!.request<RoundResult>({ calls }));
    }
    const ours = results.pricetag;
    for (const [i, result] of ours.entries()) {
      if (result.priced !== calls || result.spanSum !== result.expected || !result.metricsExact || result.inFlight !== 0) {
        throw new Error(
          `concurrency round ${i + 1}: ${result.priced}/${calls} priced, spans ${result.spanSum} vs exact ${result.expected}, ` +
            `ai_cost series exact: ${result.metricsExact}, ${result.inFlight} calls still tracked`,
        );
      }
    }
    // Rounds 1 and 2 build connection pools, caches and compiled code; growth is measured from round 3.
    const from = Math.min(2, rounds - 1);
    const growth = (list: RoundResult[], pick: (r: RoundResult) => number) => pick(list[list.length - 1]!) - pick(list[from]!);
    const objects = (r: RoundResult) => r.objectsAfterGc;
    const kib = (bytes: number) => `${bytes >= 0 ? '+' : '−'}${(Math.abs(bytes) / KiB).toFixed(0)} KiB`;
    const mib = (list: RoundResult[]) => list.map((r) => (r.objectsAfterGc / 1048576).toFixed(2)).join(', ');
    const oursGrowth = growth(ours, objects);
    const totalUsd = ours.reduce((sum, r) => sum + Number(r.expected), 0);
    const baseRounds = summarize(
      '(b) OpenTelemetry',
      results.otel.map((r) => r.roundNs),
    );
    const oursRounds = summarize(
      '(c) (b) + ai-pricetag',
      ours.map((r) => r.roundNs),
    );
    const ratio = oursRounds.median / baseRounds.median;
    return [
      {
        name: `${calls.toLocaleString('en')} concurrent calls (emulator): time per round`,
        baseline: baseRounds,
        ours: oursRounds,
        note:
          `${rounds} rounds, ${ours.length * calls} calls priced; ` +
          `each round's span costs add up to the exact cost of the reported usage (last ${ours[ours.length - 1]!.expected} USD; ` +
          `≈ ${totalUsd.toFixed(4)} USD in all), each ai_cost series to its exact running total`,
        // Totals that are not exact fail the run before this row is made.
        goal: { text: 'exact totals, ratio ≤ 1.1', met: ratio <= 1.1 },
      },
      {
        name: `${calls.toLocaleString('en')} concurrent calls: heap objects after GC, last round`,
        baseline: summarize('(b) OpenTelemetry', [objects(results.otel[results.otel.length - 1]!)], 'bytes'),
        ours: summarize('(c) (b) + ai-pricetag', [objects(ours[ours.length - 1]!)], 'bytes'),
        note:
          `growth from round ${from + 1} to ${rounds}: ${kib(oursGrowth)} (baseline ${kib(growth(results.otel, objects))}); ` +
          `whole heap ${kib(growth(ours, (r) => r.heapAfterGc))} (baseline ${kib(growth(results.otel, (r) => r.heapAfterGc))}); ` +
          `objects per round: ${mib(ours)} MiB (baseline ${mib(results.otel)})`,
        goal: { text: `no growth (< 64 KiB, round ${from + 1} → last)`, met: oursGrowth < 64 * KiB },
      },
    ];
  } finally {
    await Promise.all([...workers.values()].map((w) => w.stop()));
    await emulator.close();
  }
}
