/**
 * A simulation's figures as the JSON contract of `pricetag simulate --json` and as
 * readable tables (docs/simulate.md). Pure.
 */
import { formatDecimal, ZERO, type Decimal } from '../pricing/decimal.js';
import { formatApproximate, type Distribution } from './aggregate.js';
import type { CurrencyReport, ScenarioReport, SimulationReport } from './simulator.js';

export interface ReportContext {
  readonly usageLog: string;
  /** --at, YYYY-MM-DD. */
  readonly at?: string;
  readonly groupBy?: 'conversation';
}

const SHARE_DIGITS = 4;

function approximate(value: number | undefined): string | null {
  return value === undefined ? null : formatApproximate(value);
}

function share(value: number | undefined): number | null {
  return value === undefined ? null : Number(value.toFixed(SHARE_DIGITS));
}

function actualTotal(actual: ScenarioReport, currency: string): Decimal {
  return actual.currencies.find((c) => c.currency === currency)?.total ?? ZERO;
}

function distributionJson(d: Distribution): Record<string, unknown> {
  return {
    p50: approximate(d.p50),
    p90: approximate(d.p90),
    p99: approximate(d.p99),
    max: approximate(d.max),
    top_10_percent_share: share(d.topShare),
  };
}

function currencyJson(c: CurrencyReport, scenario: ScenarioReport, actual: ScenarioReport): Record<string, unknown> {
  const body: Record<string, unknown> = {
    currency: c.currency,
    priced: c.priced,
    total: formatDecimal(c.total),
    mean: c.mean === undefined ? null : formatDecimal(c.mean),
    ...distributionJson(c.calls),
    difference_vs_actual: scenario === actual ? null : formatDecimal(c.total.minus(actualTotal(actual, c.currency))),
  };
  if (c.conversations !== undefined) body.conversations = { count: c.conversations.count, ...distributionJson(c.conversations) };
  return body;
}

/** The `--json` object: snake_case keys, money as exact decimal strings. */
export function simulationJson(report: SimulationReport, context: ReportContext): Record<string, unknown> {
  const actual = report.scenarios[0]!;
  const grouped = context.groupBy !== undefined;
  return {
    usage_log: context.usageLog,
    at: context.at ?? null,
    group_by: context.groupBy ?? null,
    lines: report.lines,
    calls: report.calls,
    bad_lines: report.badLines,
    ...(grouped ? { conversations: report.conversations ?? 0, calls_without_conversation: report.callsWithoutConversation ?? 0 } : {}),
    scenarios: report.scenarios.map((s) => ({
      scenario: s.name,
      plan: s.plan ?? null,
      calls: s.calls,
      priced: s.priced,
      unpriced: { ...s.unpriced },
      ...(grouped ? { conversations_with_unpriced_calls: s.conversationsWithUnpriced ?? 0 } : {}),
      costs: s.currencies.map((c) => currencyJson(c, s, actual)),
    })),
  };
}

function table(header: readonly string[], rows: readonly (readonly string[])[], rightAligned: ReadonlySet<number>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (rightAligned.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function percentText(value: number | undefined): string {
  return value === undefined ? '-' : `${(value * 100).toFixed(1)}%`;
}

function differenceText(total: Decimal, base: Decimal): string {
  const difference = total.minus(base);
  const sign = difference.gt(0) ? '+' : '';
  const relative = base.eq(0) ? '' : ` (${sign}${difference.div(base).times(100).toFixed(1)}%)`;
  return `${sign}${formatDecimal(difference)}${relative}`;
}

function unpricedText(s: ScenarioReport): string {
  const reasons = Object.entries(s.unpriced);
  return reasons.length === 0 ? '-' : reasons.map(([reason, n]) => `${reason} ${n}`).join(', ');
}

/** Readable tables: calls per scenario, cost per call, and cost per conversation when grouped. */
export function simulationText(report: SimulationReport, context: ReportContext): string {
  const actual = report.scenarios[0]!;
  const out: string[] = [];
  const bad = report.badLines === 0 ? '' : `, ${count(report.badLines, 'bad line')} skipped`;
  out.push(`usage log  ${context.usageLog}: ${count(report.calls, 'call')}${bad}`);
  out.push(
    `prices     ${context.at === undefined ? "in force at each call's time (today when it has none)" : `in force on ${context.at}`}`,
  );
  if (context.groupBy !== undefined) {
    out.push(
      `grouped    ${count(report.conversations ?? 0, 'conversation')}; ` +
        `${count(report.callsWithoutConversation ?? 0, 'call')} without a conversation_id`,
    );
  }
  out.push('');
  out.push(
    table(
      ['scenario', 'calls', 'priced', 'unpriced'],
      report.scenarios.map((s) => [s.name, String(s.calls), String(s.priced), unpricedText(s)]),
      new Set([1, 2]),
    ),
  );

  const costRows: string[][] = [];
  const conversationRows: string[][] = [];
  for (const s of report.scenarios) {
    for (const c of s.currencies) {
      const d = c.calls;
      costRows.push([
        s.name,
        c.currency,
        formatDecimal(c.total),
        s === actual ? '' : differenceText(c.total, actualTotal(actual, c.currency)),
        c.mean === undefined ? '-' : formatDecimal(c.mean),
        approximate(d.p50) ?? '-',
        approximate(d.p90) ?? '-',
        approximate(d.p99) ?? '-',
        approximate(d.max) ?? '-',
        percentText(d.topShare),
      ]);
      const v = c.conversations;
      if (v !== undefined) {
        conversationRows.push([
          s.name,
          c.currency,
          String(v.count),
          approximate(v.p50) ?? '-',
          approximate(v.p90) ?? '-',
          approximate(v.p99) ?? '-',
          approximate(v.max) ?? '-',
          percentText(v.topShare),
        ]);
      }
    }
  }
  out.push('cost per call');
  out.push(
    table(
      ['scenario', 'currency', 'total', 'vs actual', 'mean', 'p50', 'p90', 'p99', 'max', 'top 10% share'],
      costRows,
      new Set([2, 4, 5, 6, 7, 8, 9]),
    ),
  );
  if (context.groupBy !== undefined) {
    out.push('cost per conversation');
    out.push(
      table(
        ['scenario', 'currency', 'conversations', 'p50', 'p90', 'p99', 'max', 'top 10% share'],
        conversationRows,
        new Set([2, 3, 4, 5, 6, 7]),
      ),
    );
  }
  return out.join('\n');
}
