/**
 * `pricetag simulate`'s core over a usage log held in memory (no file I/O):
 * the deterministic synthetic log of src/simulate/generate.ts (chat, search,
 * translation calls against the built-in catalog, a few unknown models),
 * priced as it ran, as `pricetag simulate FILE` does; once more with a what-if
 * plan and per-conversation figures. Baseline, same run: reading the same log
 * the obvious way, one JSON.parse per line, pricing nothing.
 */
import { loadCatalogs } from '../src/catalog/load.js';
import { generateUsageLog } from '../src/simulate/generate.js';
import { simulateBuffer } from '../src/simulate/simulator.js';
import { summarize } from './harness.js';
import type { Row } from './row.js';

function usageLog(lines: number): Buffer {
  const parts: string[] = [];
  let batch = '';
  for (const line of generateUsageLog({ lines, seed: 7 })) {
    batch += line;
    if (batch.length > 1 << 20) {
      parts.push(batch);
      batch = '';
    }
  }
  parts.push(batch);
  return Buffer.concat(parts.map((p) => Buffer.from(p)));
}

/** One JSON.parse per line: what any reader of the log pays before pricing anything. */
function parseEveryLine(log: Buffer): number {
  let start = 0;
  let parsed = 0;
  for (;;) {
    const end = log.indexOf(10, start);
    if (end === -1) break;
    if (end > start && (JSON.parse(log.toString('utf8', start, end)) as object) !== null) parsed++;
    start = end + 1;
  }
  return parsed;
}

export async function simulateBenchmarks(quick: boolean): Promise<Row[]> {
  const lines = quick ? 20_000 : 1_000_000;
  const runs = quick ? 1 : 3;
  const loaded = loadCatalogs([]);
  if (!loaded.ok) throw new Error('default catalog invalid');
  const index = loaded.pricer.index;
  const log = usageLog(lines);
  const now = new Date('2026-11-27T12:00:00Z');
  const options = { index, now };
  const withWhatIf = { index, now, plans: ['openai/gpt-4o-mini'], groupByConversation: true };

  const baseline: number[] = [];
  const ours: number[] = [];
  let calls = 0;
  // Alternate, after one warm-up of each.
  parseEveryLine(log);
  simulateBuffer(log, options);
  for (let r = 0; r < runs; r++) {
    let t0 = process.hrtime.bigint();
    if (parseEveryLine(log) !== lines) throw new Error('baseline read a line short');
    baseline.push(Number(process.hrtime.bigint() - t0) / lines);
    t0 = process.hrtime.bigint();
    const report = simulateBuffer(log, options);
    ours.push(Number(process.hrtime.bigint() - t0) / lines);
    calls = report.calls;
    if (report.lines !== lines || report.badLines !== 0) throw new Error(`simulate read ${report.lines} lines, ${report.badLines} bad`);
  }
  const t0 = process.hrtime.bigint();
  simulateBuffer(log, withWhatIf);
  const whatIfNs = Number(process.hrtime.bigint() - t0) / lines;
  const oursMeasurement = summarize('simulateBuffer, priced as it ran', ours, 'ns', lines);
  const callsPerSecond = 1e9 / oursMeasurement.median;
  return [
    {
      name: `simulate: ${lines.toLocaleString('en')}-line usage log (${(log.length / 1048576).toFixed(0)} MiB), per call`,
      baseline: summarize('JSON.parse of every line', baseline, 'ns', lines),
      ours: oursMeasurement,
      note:
        `${Math.round(callsPerSecond).toLocaleString('en')} calls/s (${calls.toLocaleString('en')} calls); ` +
        `with a what-if plan and by conversation ${Math.round(1e9 / whatIfNs).toLocaleString('en')} calls/s`,
      goal: { text: '> 500k calls/s', met: callsPerSecond > 500_000 },
    },
  ];
}
