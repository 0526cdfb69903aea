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
 * The caller finds a series' entry once and keeps it (CallMetrics caches entries per call
 * series), so recording is an integer addition; entries are made through a key of the label
 * values, so two paths to the same labels share one series.
 */
import type { Attributes, ObservableResult } from '@opentelemetry/api';
import { decimal, fromScaledInteger, type Decimal } from '../pricing/decimal.js';
import type { ScaledAmount } from '../pricing/types.js';

/** One series: its labels and its exact running total. */
export interface SeriesEntry {
  readonly attributes: Attributes;
  /** The scale most amounts come in, and their integer sum (scale 0: whole numbers). */
  scale: number;
  coefficient: number;
  /** Integer sums of other scales. */
  others: Map<number, number> | undefined;
  rest: Decimal | undefined;
}

export class ExactSeries {
  private readonly series = new Map<string, SeriesEntry>();

  /** The series with these labels (`key`: their values in a fixed order), made on first use. */
  entry(key: string, attributes: () => Attributes): SeriesEntry {
    let entry = this.series.get(key);
    if (entry === undefined) {
      entry = { attributes: attributes(), scale: -1, coefficient: 0, others: undefined, rest: undefined };
      this.series.set(key, entry);
    }
    return entry;
  }

  observe(result: ObservableResult): void {
    for (const entry of this.series.values()) result.observe(Number(total(entry).toFixed()), entry.attributes);
  }

  get size(): number {
    return this.series.size;
  }
}

/** Adds a count or decimal amount (`exact` when the amount's scaled form is known). */
export function addTo(entry: SeriesEntry, amount: number | Decimal, exact?: ScaledAmount): void {
  if (exact !== undefined && addScaled(entry, exact.coefficient, exact.scale)) return;
  if (typeof amount === 'number' && Number.isSafeInteger(amount) && addScaled(entry, amount, 0)) return;
  const d = typeof amount === 'number' ? decimal(amount) : amount;
  entry.rest = entry.rest === undefined ? d : entry.rest.plus(d);
}

function addScaled(entry: SeriesEntry, coefficient: number, scale: number): boolean {
  if (entry.scale === -1) entry.scale = scale;
  if (entry.scale === scale) {
    const sum = entry.coefficient + coefficient;
    if (!Number.isSafeInteger(sum)) return false;
    entry.coefficient = sum;
    return true;
  }
  const others = (entry.others ??= new Map());
  const sum = (others.get(scale) ?? 0) + coefficient;
  if (!Number.isSafeInteger(sum)) return false;
  others.set(scale, sum);
  return true;
}

function total(entry: SeriesEntry): Decimal {
  let sum = entry.rest ?? fromScaledInteger(0, 0);
  if (entry.scale !== -1) sum = sum.plus(fromScaledInteger(entry.coefficient, entry.scale));
  for (const [scale, coefficient] of entry.others ?? []) sum = sum.plus(fromScaledInteger(coefficient, scale));
  return sum;
}
