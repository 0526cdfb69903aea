/**
 * The benchmark table (started by run.ts): runs every section, prints name,
 * baseline, ours, spread, ratio, goal and note (medians; every baseline
 * measured in this run), writes bench/results.json.
 * `--quick` only checks that everything still runs (figures not meaningful);
 * `--only SECTION,…` runs some sections and writes nothing; `--markdown`
 * prints the table as Markdown.
 * Sections: pricing, capture, metrics, overhead, allocations, peers, streaming, bedrock, http2, concurrency, simulate, package.
 */
import { cpus, loadavg } from 'node:os';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { allocationBenchmarks } from './allocations.bench.js';
import { bedrockBenchmarks } from './bedrock.bench.js';
import { captureBenchmarks } from './capture.bench.js';
import { concurrencyBenchmarks } from './concurrency.bench.js';
import { http2Benchmarks } from './http2.bench.js';
import { metricsBenchmarks } from './metrics.bench.js';
import { overheadBenchmarks } from './overhead.bench.js';
import { packageBenchmarks } from './package.bench.js';
import { peersBenchmarks } from './peers.bench.js';
import { pricingBenchmarks } from './pricing.bench.js';
import type { Row } from './row.js';
import { simulateBenchmarks } from './simulate.bench.js';
import { streamingBenchmarks } from './streaming.bench.js';
import { markdownTable, ratioOf, textTable } from './table.js';
import { COMPILED, REPO_ROOT } from './support/paths.js';
import { startProviderServer } from './support/provider-server.js';

const quick = process.argv.includes('--quick');
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt === -1 ? undefined : new Set((process.argv[onlyAt + 1] ?? '').split(','));
// A partial run never replaces the full results.
const write = !process.argv.includes('--no-write') && only === undefined;
const options = quick ? { samples: 3, sampleMs: 5 } : { samples: 15, sampleMs: 60 };

const started = Date.now();
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, load average ${loadavg()
  .map((l) => l.toFixed(2))
  .join(' ')}`;
console.log(
  `ai-pricetag benchmarks on Node ${process.versions.node}, ${machine}${COMPILED ? '' : ', under tsx'}` +
    `${quick ? ' (quick mode: figures are not meaningful)' : ''}`,
);
console.log('every baseline is measured in this run; ratio = ours / baseline (medians); method and goals: docs/performance.md\n');

const sections: [string, () => Promise<Row[]> | Row[]][] = [];
const server = await startProviderServer();
sections.push(['pricing', () => pricingBenchmarks(options, quick)]);
sections.push(['capture', () => captureBenchmarks(options)]);
sections.push(['metrics', () => metricsBenchmarks(options, quick)]);
sections.push(['overhead', () => overheadBenchmarks(server, quick)]);
sections.push(['allocations', () => allocationBenchmarks(server, quick)]);
sections.push(['peers', () => peersBenchmarks(server, quick)]);
sections.push(['streaming', () => streamingBenchmarks(server, quick)]);
sections.push(['bedrock', () => bedrockBenchmarks(quick)]);
sections.push(['http2', () => http2Benchmarks(quick)]);
sections.push(['concurrency', () => concurrencyBenchmarks(quick)]);
sections.push(['simulate', () => simulateBenchmarks(quick)]);
sections.push(['package', () => packageBenchmarks(quick)]);

const rows: Row[] = [];
const timings: Record<string, number> = {};
try {
  for (const [name, run] of sections) {
    if (only !== undefined && !only.has(name)) continue;
    const t0 = Date.now();
    rows.push(...(await run()));
    timings[name] = (Date.now() - t0) / 1000;
    process.stderr.write(`  ${name}: ${timings[name].toFixed(1)} s\n`);
  }
} finally {
  await server.close();
}
console.log(process.argv.includes('--markdown') ? markdownTable(rows, !quick) : textTable(rows, !quick));
if (!quick) {
  const goals = rows.filter((r) => r.goal !== undefined);
  const missed = goals.filter((r) => !r.goal!.met);
  console.log(
    `\ngoals: ${goals.length - missed.length} of ${goals.length} met` +
      `${missed.length > 0 ? `; missed: ${missed.map((r) => r.name).join('; ')}` : ''}`,
  );
}
const loadAfter = loadavg()
  .map((l) => l.toFixed(2))
  .join(' ');
console.log(`\ndone in ${((Date.now() - started) / 1000).toFixed(1)} s; load average at the end ${loadAfter}`);
if (write) {
  const results = {
    node: process.versions.node,
    date: new Date().toISOString(),
    machine,
    loadAverageAtEnd: loadAfter,
    quick,
    compiled: COMPILED,
    sectionSeconds: timings,
    rows: rows.map((r) => ({
      name: r.name,
      baseline: r.baseline,
      ours: r.ours,
      ratio: Number.isFinite(ratioOf(r)) ? ratioOf(r) : null,
      goal: r.goal,
      note: r.note,
    })),
  };
  writeFileSync(join(REPO_ROOT, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log('wrote bench/results.json');
}
