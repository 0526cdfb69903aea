/**
 * Counters kept as exact decimals per series and reported through observable
 * instruments: each collection reports the nearest double to the exact sum,
 * so a million tiny costs never drift the way adding floats would.
 */
import type { Attributes, ObservableResult } from '@opentelemetry/api';
import { ZERO, type Decimal } from '../pricing/decimal.js';

export class ExactSeries {
  private readonly series = new Map<string, { readonly attributes: Attributes; sum: Decimal }>();

  add(attributes: Attributes, amount: Decimal): void {
    const key = seriesKey(attributes);
    const entry = this.series.get(key);
    if (entry === undefined) this.series.set(key, { attributes, sum: ZERO.plus(amount) });
    else entry.sum = entry.sum.plus(amount);
  }

  observe(result: ObservableResult): void {
    for (const { attributes, sum } of this.series.values()) result.observe(Number(sum.toFixed()), attributes);
  }

  /** The exact sum of one series (tests and the CLI). */
  sum(attributes: Attributes): Decimal | undefined {
    return this.series.get(seriesKey(attributes))?.sum;
  }

  get size(): number {
    return this.series.size;
  }
}

/** Attribute sets as a map key: names sorted, so the order they were built in does not matter. */
export function seriesKey(attributes: Attributes): string {
  return Object.keys(attributes)
    .sort()
    .map((k) => `${k}\u0001${String(attributes[k])}`)
    .join('\u0000');
}
