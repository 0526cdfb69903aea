/**
 * Counters kept exactly per series and reported through observable
 * instruments: each collection reports the nearest double to the exact sum,
 * so a million tiny costs never drift the way adding floats would.
 *
 * Amounts add as plain integers while that stays exact: whole numbers (token
 * counts), and costs the pricing fast path gives as coefficient × 10^-scale
 * (summed per scale). Anything else adds as a decimal. Collection turns the
 * parts into one exact decimal.
 *
 * Series are found by two keys the caller builds from label values it already
 * has (the inner one usually a constant: a unit name); the attribute object is
 * built only when a series is new. That keeps recording to a few Map lookups.
 */
import type { Attributes, ObservableResult } from '@opentelemetry/api';
import { decimal, fromScaledInteger, type Decimal } from '../pricing/decimal.js';
import type { ScaledAmount } from '../pricing/types.js';

interface Entry {
  readonly attributes: Attributes;
  /** Integer sums by decimal scale (scale 0: whole numbers). */
  readonly scaled: Map<number, number>;
  rest: Decimal | undefined;
}

export class ExactSeries {
  private readonly series = new Map<string, Map<string, Entry>>();

  private entry(outer: string, inner: string, attributes: () => Attributes): Entry {
    let byInner = this.series.get(outer);
    if (byInner === undefined) {
      byInner = new Map();
      this.series.set(outer, byInner);
    }
    let entry = byInner.get(inner);
    if (entry === undefined) {
      entry = { attributes: attributes(), scaled: new Map(), rest: undefined };
      byInner.set(inner, entry);
    }
    return entry;
  }

  /** Adds a count or decimal amount (`exact` when the amount's scaled form is known). */
  add(outer: string, inner: string, attributes: () => Attributes, amount: number | Decimal, exact?: ScaledAmount): void {
    const entry = this.entry(outer, inner, attributes);
    if (exact !== undefined && addScaled(entry, exact.coefficient, exact.scale)) return;
    if (typeof amount === 'number' && Number.isSafeInteger(amount) && addScaled(entry, amount, 0)) return;
    const d = typeof amount === 'number' ? decimal(amount) : amount;
    entry.rest = entry.rest === undefined ? d : entry.rest.plus(d);
  }

  observe(result: ObservableResult): void {
    for (const byInner of this.series.values()) {
      for (const entry of byInner.values()) result.observe(Number(total(entry).toFixed()), entry.attributes);
    }
  }

  get size(): number {
    let n = 0;
    for (const byInner of this.series.values()) n += byInner.size;
    return n;
  }
}

function addScaled(entry: Entry, coefficient: number, scale: number): boolean {
  const sum = (entry.scaled.get(scale) ?? 0) + coefficient;
  if (!Number.isSafeInteger(sum)) return false;
  entry.scaled.set(scale, sum);
  return true;
}

function total(entry: Entry): Decimal {
  let sum = entry.rest ?? fromScaledInteger(0, 0);
  for (const [scale, coefficient] of entry.scaled) sum = sum.plus(fromScaledInteger(coefficient, scale));
  return sum;
}
