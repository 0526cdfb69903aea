/**
 * The benchmark table, as text for the terminal or as Markdown for
 * docs/performance.md. `npx tsx bench/table.ts` prints bench/results.json as Markdown.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Measurement } from './harness.js';
import type { Row } from './row.js';
import { REPO_ROOT } from './support/paths.js';

export function formatValue(value: number, unit: Measurement['unit']): string {
  if (unit === 'bytes') {
    const abs = Math.abs(value);
    return abs >= 1 << 20
      ? `${(value / 1048576).toFixed(1)} MiB`
      : abs >= 1024
        ? `${(value / 1024).toFixed(0)} KiB`
        : `${value.toFixed(0)} B`;
  }
  return value >= 1e6 ? `${(value / 1e6).toFixed(2)} ms` : value >= 1000 ? `${(value / 1000).toFixed(2)} µs` : `${value.toFixed(0)} ns`;
}

export function ratioOf(r: Row): number {
  return r.ours.median / r.baseline.median;
}

const HEADER = ['benchmark', 'baseline (median)', 'ours (median)', 'ours spread', 'ratio', 'goal', 'note'];

/** One row's cells; `judged` false leaves out whether the goal was met (quick mode). */
function cells(r: Row, judged: boolean): string[] {
  const ratio = ratioOf(r);
  return [
    r.name,
    formatValue(r.baseline.median, r.baseline.unit),
    formatValue(r.ours.median, r.ours.unit),
    `${formatValue(r.ours.min, r.ours.unit)} … ${formatValue(r.ours.max, r.ours.unit)}`,
    Number.isFinite(ratio) ? `${ratio.toFixed(ratio < 10 ? 3 : 1)}×` : '–',
    r.goal === undefined ? '' : `${!judged ? '' : r.goal.met ? 'ok ' : 'MISSED '}${r.goal.text}`,
    r.note ?? '',
  ];
}

export function textTable(rows: readonly Row[], judged: boolean): string {
  const all = [HEADER, ...rows.map((r) => cells(r, judged))];
  const widths = HEADER.map((_, i) => Math.max(...all.map((c) => c[i]!.length)));
  const left = new Set([0, 5, 6]);
  return all
    .map((c) =>
      c
        .map((v, i) => (left.has(i) ? v.padEnd(widths[i]!) : v.padStart(widths[i]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function markdownTable(rows: readonly Row[], judged: boolean): string {
  const line = (c: readonly string[]) => `| ${c.map((v) => v.replaceAll('|', '\\|')).join(' | ')} |`;
  return [line(HEADER), line(HEADER.map((_, i) => (i === 0 || i >= 5 ? '---' : '---:'))), ...rows.map((r) => line(cells(r, judged)))].join(
    '\n',
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const results = JSON.parse(readFileSync(join(REPO_ROOT, 'bench', 'results.json'), 'utf8')) as { rows: Row[]; quick: boolean };
  console.log(markdownTable(results.rows, !results.quick));
}
