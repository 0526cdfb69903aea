/** `pricetag simulate`: a recorded workload priced as it ran and under what-if plans. */
import { isCalendarDate } from '../../catalog/schema.js';
import { simulateFile } from '../../simulate/read.js';
import { simulationJson, simulationText, type ReportContext } from '../../simulate/report.js';
import { Simulator } from '../../simulate/simulator.js';
import { loadFromOptions, type CatalogOptions } from '../catalog-options.js';
import { CliError, EXIT, processIo, type CliIo } from '../io.js';

export const GROUP_BY = ['conversation'] as const;

export interface SimulateOptions extends CatalogOptions {
  readonly usageLog: string;
  /** Comma-separated plan ids; repeatable. */
  readonly plans?: readonly string[];
  readonly groupBy?: string;
  readonly at?: string;
  readonly json?: boolean;
}

/** Milliseconds between progress updates on a terminal (at most four a second). */
const PROGRESS_INTERVAL_MS = 250;

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * Known plan ids that look like `id`: containing it, containing each of its words
 * (`anthropic/haiku` → `anthropic/claude-haiku-4-5`), or a few edits away.
 */
export function closeMatches(id: string, known: readonly string[], limit = 5): string[] {
  const needle = id.toLowerCase();
  const words = needle.split(/[/\-_.\s]+/).filter((w) => w !== '');
  const limitDistance = Math.max(2, Math.floor(id.length / 3));
  return known
    .map((k) => {
      const candidate = k.toLowerCase();
      const distance = editDistance(needle, candidate);
      const contained = candidate.includes(needle) || (words.length > 0 && words.every((w) => candidate.includes(w)));
      return { k, distance, close: contained || distance <= limitDistance };
    })
    .filter(({ close }) => close)
    .sort((a, b) => a.distance - b.distance || a.k.localeCompare(b.k))
    .slice(0, limit)
    .map(({ k }) => k);
}

function planIds(values: readonly string[] | undefined): string[] {
  const ids = (values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim());
  if (ids.some((id) => id === ''))
    throw new CliError('--plans takes plan ids separated by commas, e.g. --plans openai/gpt-4o-mini,anthropic/claude-haiku-4-5');
  return [...new Set(ids)];
}

/** A progress line on a terminal, rewritten in place at most every PROGRESS_INTERVAL_MS. */
function progressReporter(simulator: Simulator, io: CliIo): { update(): void; clear(): void } | undefined {
  if (io !== processIo || process.stderr.isTTY !== true) return undefined;
  const started = performance.now();
  let shown = started;
  let written = false;
  return {
    update() {
      const now = performance.now();
      if (now - shown < PROGRESS_INTERVAL_MS) return;
      shown = now;
      written = true;
      const rate = Math.round(simulator.calls / ((now - started) / 1000));
      io.err(`\r\x1b[Kpricetag simulate: ${simulator.lines} lines read, ${rate} calls/s`);
    },
    clear() {
      if (written) io.err('\r\x1b[K');
    },
  };
}

export async function simulateCommand(options: SimulateOptions, io: CliIo): Promise<number> {
  if (options.at !== undefined && !isCalendarDate(options.at)) throw new CliError(`--at must be a date YYYY-MM-DD, got "${options.at}"`);
  if (options.groupBy !== undefined && !(GROUP_BY as readonly string[]).includes(options.groupBy)) {
    throw new CliError(`--group-by must be one of ${GROUP_BY.join(', ')}, got "${options.groupBy}"`);
  }
  const plans = planIds(options.plans);
  const { pricer } = loadFromOptions(options, io);
  const known = [...new Set(pricer.index.plans().map((p) => p.id))];
  const unknown = plans.filter((id) => !known.includes(id));
  if (unknown.length > 0) {
    const lines = unknown.map((id) => {
      const close = closeMatches(id, known);
      return `unknown plan "${id}" in --plans${close.length === 0 ? '' : `; did you mean ${close.join(', ')}?`}`;
    });
    throw new CliError(`${lines.join('\npricetag: ')}\n(pricetag catalog list shows every plan id)`);
  }

  const file = options.usageLog;
  const simulator = new Simulator({
    index: pricer.index,
    plans,
    groupByConversation: options.groupBy === 'conversation',
    at: options.at === undefined ? undefined : new Date(`${options.at}T00:00:00Z`),
  });
  const progress = progressReporter(simulator, io);
  try {
    await simulateFile(file, simulator, progress?.update);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === undefined) throw err;
    throw new CliError(`${file}: cannot read usage log (${code})`, EXIT.invalid);
  } finally {
    progress?.clear();
  }

  const report = simulator.report();
  for (const bad of report.badLineSamples) io.err(`${file}:${bad.line}: ${bad.reason}\n`);
  if (report.badLines > report.badLineSamples.length) {
    io.err(`${file}: ${report.badLines} bad lines in all, the first ${report.badLineSamples.length} shown\n`);
  }
  const context: ReportContext = {
    usageLog: file,
    at: options.at,
    groupBy: options.groupBy === 'conversation' ? 'conversation' : undefined,
  };
  io.out(options.json ? `${JSON.stringify(simulationJson(report, context))}\n` : simulationText(report, context));
  return report.badLines > 0 ? EXIT.invalid : EXIT.ok;
}
