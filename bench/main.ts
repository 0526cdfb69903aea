/**
 * `npm run bench [-- --quick] [-- --no-write]`: runs every benchmark, prints
 * name, baseline, ours and ratio (medians), writes bench/results.json.
 */
import { writeFileSync } from 'node:fs';
import { metricsBenchmarks } from './metrics.bench.js';
import { pricingBenchmarks } from './pricing.bench.js';
import type { Row } from './row.js';

const quick = process.argv.includes('--quick');
const write = !process.argv.includes('--no-write');
const options = quick ? { samples: 3, sampleMs: 5 } : { samples: 15, sampleMs: 100 };

const fmt = (ns: number) => (ns >= 1e6 ? `${(ns / 1e6).toFixed(2)} ms` : ns >= 1000 ? `${(ns / 1000).toFixed(2)} µs` : `${ns.toFixed(0)} ns`);

function printTable(rows: readonly Row[]): void {
  const header = ['benchmark', 'baseline (median)', 'ours (median)', 'ours spread', 'ratio', 'note'];
  const cells = rows.map((r) => [
    r.name,
    fmt(r.baseline.medianNs),
    fmt(r.ours.medianNs),
    `${fmt(r.ours.minNs)} … ${fmt(r.ours.maxNs)}`,
    `${(r.ours.medianNs / r.baseline.medianNs).toFixed(1)}×`,
    r.note ?? '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((v, i) => (i === 0 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  ');
  console.log(line(header));
  for (const c of cells) console.log(line(c));
}

const started = Date.now();
console.log(`ai-pricetag benchmarks on Node ${process.versions.node}${quick ? ' (quick mode: figures are not meaningful)' : ''}`);
console.log('baselines, measured in this run: pricing rows, float arithmetic of the same token call with the plan in hand;');
console.log('metric rows, the OpenTelemetry SDK primitive doing the same amount of work (one counter add; a scrape of as many plain series)\n');
const rows = [...pricingBenchmarks(options), ...(await metricsBenchmarks(options, quick))];
printTable(rows);
console.log(`\ndone in ${((Date.now() - started) / 1000).toFixed(1)} s`);
if (write) {
  const results = {
    node: process.versions.node,
    date: new Date().toISOString(),
    quick,
    rows: rows.map((r) => ({ name: r.name, baseline: r.baseline, ours: r.ours, ratio: r.ours.medianNs / r.baseline.medianNs, note: r.note })),
  };
  writeFileSync(new URL('./results.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
  console.log('wrote bench/results.json');
}
