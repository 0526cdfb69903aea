/**
 * Cost per conversation (or any other unit of work): a bounded table of units in progress,
 * each summing its calls' exact costs, what they would cost under each shadow plan, and its
 * call count. A unit finishes when it has been idle for the timeout, when the table is full and
 * it is the least recently used (counted as an eviction), or on flush; it is then handed to the
 * sink once. Knows nothing of OpenTelemetry: ids never leave this table except as spans.
 */
import { ZERO, type Decimal } from '../pricing/decimal.js';

/** One call's share of a unit, as the instrumentation sees it at the call's end. */
export interface UnitCall {
  readonly provider: string;
  /** Bounded labels of the call (attribution), kept from the unit's first call. */
  readonly labels: Readonly<Record<string, string>>;
  /** Currency → charge of this call. */
  readonly cost: ReadonlyMap<string, Decimal>;
  /** Shadow plan → currency → what this call would cost under it (its actual cost where the call has no such shadow). */
  readonly shadows: ReadonlyMap<string, ReadonlyMap<string, Decimal>>;
  readonly startMs: number;
  readonly endMs: number;
}

export interface FinishedUnit {
  readonly unit: string;
  /** The provider of every call, or `mixed`. */
  readonly provider: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly requests: number;
  readonly cost: ReadonlyMap<string, Decimal>;
  readonly shadows: ReadonlyMap<string, ReadonlyMap<string, Decimal>>;
  readonly durationSeconds: number;
  readonly reason: 'idle' | 'evicted' | 'flushed';
}

interface Entry {
  readonly unit: string;
  provider: string;
  readonly labels: Readonly<Record<string, string>>;
  requests: number;
  readonly cost: Map<string, Decimal>;
  /** Shadow plan → currency → cost; a plan first seen late is backfilled with the actual cost so far. */
  readonly shadows: Map<string, Map<string, Decimal>>;
  readonly startMs: number;
  endMs: number;
  lastSeenMs: number;
}

export interface WorkUnitTableOptions {
  readonly maxActive: number;
  readonly idleTimeoutMs: number;
  readonly now?: () => number;
}

export const MIXED_PROVIDERS = 'mixed';

function addInto(target: Map<string, Decimal>, source: ReadonlyMap<string, Decimal>): void {
  for (const [currency, amount] of source) target.set(currency, (target.get(currency) ?? ZERO).plus(amount));
}

export class WorkUnitTable {
  /** Insertion order is recency: a touched entry is moved to the end. */
  private readonly entries = new Map<string, Entry>();
  private readonly evictedByUnit = new Map<string, number>();
  private readonly now: () => number;

  constructor(
    private readonly options: WorkUnitTableOptions,
    private readonly sink: (finished: FinishedUnit) => void,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** Adds a call to the unit `unit`/`id`, starting the unit if it is new. */
  add(unit: string, id: string, call: UnitCall): void {
    const key = `${unit}\u0000${id}`;
    let entry = this.entries.get(key);
    if (entry === undefined) {
      if (this.entries.size >= this.options.maxActive) this.evictOldest();
      entry = {
        unit,
        provider: call.provider,
        labels: call.labels,
        requests: 0,
        cost: new Map(),
        shadows: new Map(),
        startMs: call.startMs,
        endMs: call.endMs,
        lastSeenMs: 0,
      };
    } else {
      this.entries.delete(key);
      if (entry.provider !== call.provider) entry.provider = MIXED_PROVIDERS;
    }
    this.entries.set(key, entry);
    for (const plan of call.shadows.keys()) {
      if (!entry.shadows.has(plan)) entry.shadows.set(plan, new Map(entry.cost));
    }
    for (const [plan, costs] of entry.shadows) addInto(costs, call.shadows.get(plan) ?? call.cost);
    addInto(entry.cost, call.cost);
    entry.requests++;
    entry.endMs = Math.max(entry.endMs, call.endMs);
    entry.lastSeenMs = this.now();
  }

  /** Finishes the units idle for longer than the timeout. */
  sweep(): void {
    const cutoff = this.now() - this.options.idleTimeoutMs;
    // Oldest first: stop at the first one still active.
    for (const [key, entry] of this.entries) {
      if (entry.lastSeenMs > cutoff) break;
      this.entries.delete(key);
      this.finish(entry, 'idle');
    }
  }

  /** Finishes every unit in progress (shutdown). */
  flush(): void {
    const all = [...this.entries.values()];
    this.entries.clear();
    for (const entry of all) this.finish(entry, 'flushed');
  }

  /** Units in progress, by unit name. */
  activeByUnit(): Map<string, number> {
    const out = new Map<string, number>();
    for (const entry of this.entries.values()) out.set(entry.unit, (out.get(entry.unit) ?? 0) + 1);
    return out;
  }

  /** Units finished early because the table was full, by unit name. */
  evictions(): ReadonlyMap<string, number> {
    return this.evictedByUnit;
  }

  get size(): number {
    return this.entries.size;
  }

  private evictOldest(): void {
    const oldest = this.entries.entries().next().value;
    if (oldest === undefined) return;
    const [key, entry] = oldest;
    this.entries.delete(key);
    this.evictedByUnit.set(entry.unit, (this.evictedByUnit.get(entry.unit) ?? 0) + 1);
    this.finish(entry, 'evicted');
  }

  private finish(entry: Entry, reason: FinishedUnit['reason']): void {
    this.sink({
      unit: entry.unit,
      provider: entry.provider,
      labels: entry.labels,
      requests: entry.requests,
      cost: entry.cost,
      shadows: entry.shadows,
      durationSeconds: Math.max(0, entry.endMs - entry.startMs) / 1000,
      reason,
    });
  }
}
