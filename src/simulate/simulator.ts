/**
 * The core of `pricetag simulate`: a usage log, fed as raw bytes, priced call by call
 * as the instrumentation would ("actual": plan looked up in the catalog) and under each
 * what-if plan (every call priced with that plan). Pure: the caller does the reading.
 */
import { isAscii } from 'node:buffer';
import type { Decimal } from '../pricing/decimal.js';
import type { PlanIndex } from '../pricing/plan-index.js';
import type { Plan } from '../pricing/types.js';
import type { UnpricedReason } from '../pricing/vocabulary.js';
import { currentOperation, renamedProvider } from '../providers/provider-ids.js';
import { distribution, ExactSum, GrowableFloat64, mean, scaledToNumber, type Distribution } from './aggregate.js';
import { costUnderPlan, newCallCost, type CallCost } from './call-cost.js';
import { isBlank, newParsedCall, parseUsageLine, type UsageRecord } from './usage-log.js';

const DAY_MS = 86_400_000;
const NEWLINE = 10;
const OPEN_BRACE = 123;
const BYTE_ORDER_MARK = 0xfeff;

/** The name of the scenario priced by catalog lookup, as the instrumentation prices. */
export const ACTUAL = 'actual';

/** Bad lines kept with their reasons for the report; all of them are counted. */
export const BAD_LINES_KEPT = 100;

export interface SimulateOptions {
  /** The catalog's plans (`loadCatalogs(...).pricer.index`). */
  readonly index: PlanIndex;
  /** Plan ids to price every call with, in report order. */
  readonly plans?: readonly string[];
  /** Also report the cost distribution per conversation (`conversation_id`). */
  readonly groupByConversation?: boolean;
  /** Price every call with the plans in force on this day; default: each call's `time`, else `now`. */
  readonly at?: Date;
  /** "Today" for calls without a time. @default new Date() */
  readonly now?: Date;
}

export interface BadLine {
  readonly line: number;
  readonly reason: string;
}

/** The figures of one scenario in one currency. */
export interface CurrencyReport {
  readonly currency: string;
  readonly priced: number;
  /** Exact sum of the priced calls' costs. */
  readonly total: Decimal;
  readonly mean: Decimal | undefined;
  readonly calls: Distribution;
  /** Present with groupByConversation: conversations with a call priced in this currency. */
  readonly conversations?: Distribution;
}

export interface ScenarioReport {
  /** ACTUAL, or the plan id of a what-if. */
  readonly name: string;
  readonly plan: string | undefined;
  readonly calls: number;
  readonly priced: number;
  readonly unpriced: Readonly<Partial<Record<UnpricedReason, number>>>;
  /** One entry per currency, in order of first appearance. */
  readonly currencies: readonly CurrencyReport[];
  /** With groupByConversation: conversations holding at least one call this scenario could not price. */
  readonly conversationsWithUnpriced?: number;
}

export interface SimulationReport {
  /** Physical lines read, blank ones included. */
  readonly lines: number;
  /** Good lines: calls priced (or found unpriceable) in every scenario. */
  readonly calls: number;
  readonly badLines: number;
  /** The first BAD_LINES_KEPT bad lines. */
  readonly badLineSamples: readonly BadLine[];
  /** With groupByConversation. */
  readonly conversations?: number;
  readonly callsWithoutConversation?: number;
  /** `actual` first, then the plans in the order given. */
  readonly scenarios: readonly ScenarioReport[];
}

class CurrencySeries {
  readonly sum = new ExactSum();
  readonly costs = new GrowableFloat64(1 << 16);
  /** Cost and priced calls per conversation index, when grouping. */
  readonly byConversation: GrowableFloat64 | undefined;
  readonly callsByConversation: GrowableFloat64 | undefined;

  constructor(
    readonly currency: string,
    grouping: boolean,
  ) {
    this.byConversation = grouping ? new GrowableFloat64() : undefined;
    this.callsByConversation = grouping ? new GrowableFloat64() : undefined;
  }

  report(): CurrencyReport {
    const total = this.sum.total();
    const priced = this.costs.length;
    let conversations: Distribution | undefined;
    if (this.byConversation !== undefined) {
      const calls = this.callsByConversation!.values();
      const costs = this.byConversation.values();
      const present = new Float64Array(costs.length);
      let n = 0;
      for (let i = 0; i < costs.length; i++) if (calls[i]! > 0) present[n++] = costs[i]!;
      conversations = distribution(present.subarray(0, n));
    }
    return { currency: this.currency, priced, total, mean: mean(total, priced), calls: distribution(this.costs.values()), conversations };
  }
}

class Scenario {
  calls = 0;
  priced = 0;
  readonly unpriced: Partial<Record<UnpricedReason, number>> = {};
  private readonly series: CurrencySeries[] = [];
  private last: CurrencySeries | undefined;
  private readonly unpricedConversations: GrowableFloat64 | undefined;
  /** What-if scenarios: the plan version in force on the last day asked. */
  private planDay = NaN;
  private planInForce: Plan | undefined;

  constructor(
    readonly name: string,
    readonly planId: string | undefined,
    private readonly grouping: boolean,
  ) {
    this.unpricedConversations = grouping ? new GrowableFloat64() : undefined;
  }

  planOn(index: PlanIndex, day: number): Plan | undefined {
    if (day !== this.planDay) {
      this.planDay = day;
      this.planInForce = index.planInForce(this.planId!, day);
    }
    return this.planInForce;
  }

  /** Records one call: `cost` as priced under `plan`, or unpriced. */
  record(plan: Plan | undefined, cost: CallCost, conversation: number): void {
    this.calls++;
    if (plan === undefined || cost.kind === 'unpriced') {
      const reason = cost.reason!;
      this.unpriced[reason] = (this.unpriced[reason] ?? 0) + 1;
      if (conversation >= 0) this.unpricedConversations!.addAt(conversation, 1);
      return;
    }
    this.priced++;
    const currency = plan.currency;
    let series = this.last;
    if (series === undefined || series.currency !== currency) series = this.seriesFor(currency);
    let value: number;
    if (cost.kind === 'scaled') {
      series.sum.addScaled(cost.coefficient, cost.scale);
      value = scaledToNumber(cost.coefficient, cost.scale);
    } else {
      series.sum.addDecimal(cost.cost!);
      value = cost.cost!.toNumber();
    }
    series.costs.push(value);
    if (conversation >= 0) {
      series.byConversation!.addAt(conversation, value);
      series.callsByConversation!.addAt(conversation, 1);
    }
  }

  private seriesFor(currency: string): CurrencySeries {
    let series = this.series.find((s) => s.currency === currency);
    if (series === undefined) {
      series = new CurrencySeries(currency, this.grouping);
      this.series.push(series);
    }
    this.last = series;
    return series;
  }

  report(): ScenarioReport {
    let conversationsWithUnpriced: number | undefined;
    if (this.unpricedConversations !== undefined) {
      conversationsWithUnpriced = 0;
      for (const n of this.unpricedConversations.values()) if (n > 0) conversationsWithUnpriced++;
    }
    return {
      name: this.name,
      plan: this.planId,
      calls: this.calls,
      priced: this.priced,
      unpriced: { ...this.unpriced },
      currencies: this.series.map((s) => s.report()),
      conversationsWithUnpriced,
    };
  }
}

/**
 * Feed it the log's bytes in chunks of any size (`push`), then `end()` and `report()`
 * (which may also be called midway).
 * Lines split on `\n` (a trailing `\r` is whitespace to JSON); bytes of a line cut
 * by a chunk boundary are carried over, so multi-byte characters survive.
 */
export class Simulator {
  /** Physical lines seen so far. */
  lines = 0;
  calls = 0;
  badLines = 0;
  readonly badLineSamples: BadLine[] = [];
  private carry: Buffer | undefined;
  private readonly index: PlanIndex;
  private readonly actual: Scenario;
  private readonly whatIfs: Scenario[];
  private readonly fixedDay: number | undefined;
  private readonly today: number;
  private readonly conversations: Map<string, number> | undefined;
  private callsWithoutConversation = 0;
  /** Overwritten by every line and every pricing: no allocation per call. */
  private readonly parsed = newParsedCall();
  private readonly cost: CallCost = newCallCost();

  constructor(options: SimulateOptions) {
    const grouping = options.groupByConversation === true;
    this.index = options.index;
    this.actual = new Scenario(ACTUAL, undefined, grouping);
    this.whatIfs = (options.plans ?? []).map((id) => new Scenario(id, id, grouping));
    this.fixedDay = options.at === undefined ? undefined : Math.floor(options.at.getTime() / DAY_MS);
    this.today = Math.floor((options.now ?? new Date()).getTime() / DAY_MS);
    this.conversations = grouping ? new Map() : undefined;
  }

  push(chunk: Uint8Array): void {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let from = 0;
    if (this.carry !== undefined) {
      const first = bytes.indexOf(NEWLINE);
      if (first < 0) {
        this.carry = Buffer.concat([this.carry, bytes]);
        return;
      }
      this.line(Buffer.concat([this.carry, bytes.subarray(0, first)]).toString('utf8'));
      this.carry = undefined;
      from = first + 1;
    }
    const last = bytes.lastIndexOf(NEWLINE);
    if (last >= from) {
      const whole = bytes.subarray(from, last);
      // Decoding ASCII as latin1 gives the same text in half the time of UTF-8.
      this.text(whole.toString(isAscii(whole) ? 'latin1' : 'utf8'));
      from = last + 1;
    }
    // Copied: the caller may reuse its buffer.
    if (from < bytes.length) this.carry = Buffer.from(bytes.subarray(from));
  }

  /** The last line, when the log does not end with a newline. */
  end(): void {
    if (this.carry === undefined) return;
    const rest = this.carry;
    this.carry = undefined;
    this.line(rest.toString('utf8'));
  }

  /** Several whole lines, without the newline after the last one. */
  private text(text: string): void {
    let start = 0;
    for (;;) {
      const newline = text.indexOf('\n', start);
      if (newline < 0) break;
      this.line(text.slice(start, newline));
      start = newline + 1;
    }
    this.line(start === 0 ? text : text.slice(start));
  }

  private line(text: string): void {
    this.lines++;
    if (this.lines === 1 && text.charCodeAt(0) === BYTE_ORDER_MARK) text = text.slice(1);
    if (text.charCodeAt(0) !== OPEN_BRACE && isBlank(text)) return;
    const error = parseUsageLine(text, this.parsed);
    if (error !== undefined) {
      this.badLines++;
      if (this.badLineSamples.length < BAD_LINES_KEPT) this.badLineSamples.push({ line: this.lines, reason: error });
      return;
    }
    this.price(this.parsed.record, this.parsed.day);
  }

  /** Prices one checked call (day NaN: it has no time) in every scenario. */
  price(call: UsageRecord, day: number): void {
    this.calls++;
    if (this.fixedDay !== undefined) day = this.fixedDay;
    else if (Number.isNaN(day)) day = this.today;
    let conversation = -1;
    if (this.conversations !== undefined) {
      const id = call.conversation_id;
      if (id === undefined || id === null) {
        this.callsWithoutConversation++;
      } else {
        conversation = this.conversations.get(id) ?? -1;
        if (conversation < 0) {
          conversation = this.conversations.size;
          this.conversations.set(id, conversation);
        }
      }
    }
    const usage = call.usage;
    const dimensions = call.dimensions ?? undefined;
    const cost = this.cost;
    // Logs recorded before the provider ids were renamed price as they did then.
    const renamed = renamedProvider(call.provider);
    const found =
      renamed === undefined
        ? this.index.resolve(call.provider, call.operation, call.model ?? undefined, day)
        : this.index.resolve(renamed.id, currentOperation(call.provider, call.operation), call.model ?? undefined, day);
    if (found.plan === undefined) this.unpriced(found.reason);
    else costUnderPlan(found.plan, usage, dimensions, cost);
    this.actual.record(found.plan, cost, conversation);
    for (const scenario of this.whatIfs) {
      const plan = scenario.planOn(this.index, day);
      if (plan === undefined) this.unpriced('no_plan');
      else costUnderPlan(plan, usage, dimensions, cost);
      scenario.record(plan, cost, conversation);
    }
  }

  private unpriced(reason: UnpricedReason): void {
    this.cost.kind = 'unpriced';
    this.cost.reason = reason;
  }

  report(): SimulationReport {
    return {
      lines: this.lines,
      calls: this.calls,
      badLines: this.badLines,
      badLineSamples: [...this.badLineSamples],
      conversations: this.conversations?.size,
      callsWithoutConversation: this.conversations === undefined ? undefined : this.callsWithoutConversation,
      scenarios: [this.actual, ...this.whatIfs].map((s) => s.report()),
    };
  }
}

/** The whole log in one buffer: the core loop without any I/O (benchmarks, tests). */
export function simulateBuffer(log: Uint8Array, options: SimulateOptions): SimulationReport {
  const simulator = new Simulator(options);
  simulator.push(log);
  simulator.end();
  return simulator.report();
}
