/**
 * Pure aggregation for `pricetag simulate`: exact totals of many priced calls and
 * the distribution of their costs. Totals are sums of scaled integers (numbers
 * while exact, then BigInt), never float accumulations; per-call and
 * per-conversation costs are kept as doubles only to rank them for percentiles.
 */
import { decimal, EXACT_INTEGER_LIMIT, ZERO, type Decimal } from '../pricing/decimal.js';

/** Scales the fast path keeps apart; a rarer, finer scale is summed as a decimal. */
const SCALES = 64;

/** 10^scale as a double, for the approximate per-call value of a scaled amount. */
const POW10: readonly number[] = Array.from({ length: SCALES }, (_, s) => 10 ** s);

/** coefficient × 10^-scale as the nearest double. */
export function scaledToNumber(coefficient: number, scale: number): number {
  return scale < SCALES ? coefficient / POW10[scale]! : coefficient / 10 ** scale;
}

/** BigInt coefficient × 10^-scale as an exact Decimal. */
export function decimalFromBigInt(coefficient: bigint, scale: number): Decimal {
  const digits = coefficient.toString();
  if (scale === 0) return decimal(digits);
  const padded = digits.padStart(scale + 1, '0');
  return decimal(`${padded.slice(0, padded.length - scale)}.${padded.slice(padded.length - scale)}`);
}

/**
 * An exact sum of non-negative amounts. Fast-path amounts (integer × 10^-scale) add up
 * per scale as plain numbers while the running sum stays below 2^53, then move into a
 * BigInt; amounts priced off the fast path add up as decimals.
 */
export class ExactSum {
  private readonly small = new Float64Array(SCALES);
  private readonly large: bigint[] = new Array<bigint>(SCALES).fill(0n);
  private rest: Decimal = ZERO;

  addScaled(coefficient: number, scale: number): void {
    if (scale >= SCALES) {
      this.rest = this.rest.plus(decimalFromBigInt(BigInt(coefficient), scale));
      return;
    }
    const running = this.small[scale]!;
    const next = running + coefficient;
    // Both terms are below 2^53, so a rounded sum is still >= 2^53: the check is exact.
    if (next < EXACT_INTEGER_LIMIT) {
      this.small[scale] = next;
    } else {
      this.large[scale]! += BigInt(running);
      this.small[scale] = coefficient;
    }
  }

  addDecimal(amount: Decimal): void {
    this.rest = this.rest.plus(amount);
  }

  total(): Decimal {
    let finest = 0;
    for (let s = 0; s < SCALES; s++) if (this.small[s] !== 0 || this.large[s] !== 0n) finest = s;
    let coefficient = 0n;
    for (let s = 0; s <= finest; s++) {
      coefficient += (BigInt(this.small[s]!) + this.large[s]!) * 10n ** BigInt(finest - s);
    }
    return decimalFromBigInt(coefficient, finest).plus(this.rest);
  }
}

/** A Float64Array that grows by doubling. */
export class GrowableFloat64 {
  private data: Float64Array;
  length = 0;

  constructor(capacity = 1024) {
    this.data = new Float64Array(capacity);
  }

  push(value: number): void {
    if (this.length === this.data.length) this.grow(this.length * 2);
    this.data[this.length++] = value;
  }

  /** Adds to the value at index, growing (with zeros) to reach it. */
  addAt(index: number, value: number): void {
    if (index >= this.data.length) this.grow(Math.max(index + 1, this.data.length * 2));
    if (index >= this.length) this.length = index + 1;
    this.data[index]! += value;
  }

  /** The values so far (a view, not a copy). */
  values(): Float64Array {
    return this.data.subarray(0, this.length);
  }

  private grow(capacity: number): void {
    const next = new Float64Array(capacity);
    next.set(this.data);
    this.data = next;
  }
}

/** Fraction of the items whose share of the sum the reports show: the 10% most expensive. */
export const TOP_FRACTION = 0.1;

/**
 * 0-based index, in ascending order, of the nearest-rank p-th percentile of n values:
 * the smallest value with at least p% of the values at or below it, i.e.
 * sorted[ceil(p/100 × n) − 1]. Always one of the values (a real call's cost), never
 * an interpolation.
 */
export function percentileIndex(n: number, p: number): number {
  return Math.min(n, Math.max(1, Math.ceil((p * n) / 100))) - 1;
}

/** How many items the top share counts: ceil(10% × n), at least one. */
export function topCount(n: number): number {
  return Math.max(1, Math.ceil(n * TOP_FRACTION));
}

/**
 * Rearranges values[from, to) so that values[k] holds the value it would hold if the
 * range were sorted, with nothing larger before it and nothing smaller after it
 * (quickselect, Hoare partition around a median of three). Linear on average, where
 * a sort is n log n: a million calls per scenario are ranked in a few milliseconds.
 */
export function selectInPlace(values: Float64Array, k: number, from: number, to: number): void {
  let lo = from;
  let hi = to - 1;
  while (hi - lo > 16) {
    const mid = (lo + hi) >>> 1;
    const a = values[lo]!;
    const b = values[mid]!;
    const c = values[hi]!;
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        const t = values[i]!;
        values[i] = values[j]!;
        values[j] = t;
        i++;
        j--;
      }
    }
    // Now [lo, j] <= pivot <= [i, hi], and anything strictly between equals the pivot.
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
  for (let i = lo + 1; i <= hi; i++) {
    const v = values[i]!;
    let j = i - 1;
    while (j >= lo && values[j]! > v) {
      values[j + 1] = values[j]!;
      j--;
    }
    values[j + 1] = v;
  }
}

/** Significant digits of the distribution figures (they are ranks and ratios of doubles). */
export const DISTRIBUTION_DIGITS = 12;

/** A double cost as plain decimal text rounded to DISTRIBUTION_DIGITS significant digits. */
export function formatApproximate(value: number): string {
  if (value === 0) return '0';
  return decimal(value.toPrecision(DISTRIBUTION_DIGITS)).toFixed();
}

export interface Distribution {
  readonly count: number;
  readonly p50: number | undefined;
  readonly p90: number | undefined;
  readonly p99: number | undefined;
  readonly max: number | undefined;
  readonly topShare: number | undefined;
}

/**
 * The percentiles, maximum and top share of the values, which it reorders. The top
 * share is the part of the sum carried by the topCount(n) largest values, a ratio
 * computed in doubles (undefined when the sum is 0).
 */
export function distribution(values: Float64Array): Distribution {
  const n = values.length;
  if (n === 0) return { count: 0, p50: undefined, p90: undefined, p99: undefined, max: undefined, topShare: undefined };
  // Each selection leaves larger values after its index, so the next one searches only there.
  const i50 = percentileIndex(n, 50);
  const i90 = percentileIndex(n, 90);
  const iTop = n - topCount(n);
  const i99 = percentileIndex(n, 99);
  selectInPlace(values, i50, 0, n);
  selectInPlace(values, i90, i50, n);
  selectInPlace(values, iTop, i90, n);
  selectInPlace(values, i99, iTop, n);
  let max = values[i99]!;
  for (let i = i99 + 1; i < n; i++) if (values[i]! > max) max = values[i]!;
  let all = 0;
  let top = 0;
  for (let i = 0; i < n; i++) {
    all += values[i]!;
    if (i >= iTop) top += values[i]!;
  }
  return { count: n, p50: values[i50], p90: values[i90], p99: values[i99], max, topShare: all > 0 ? top / all : undefined };
}

/** total ÷ count rounded to DISTRIBUTION_DIGITS significant digits; undefined when count is 0. */
export function mean(total: Decimal, count: number): Decimal | undefined {
  return count === 0 ? undefined : total.div(count).prec(DISTRIBUTION_DIGITS, 2 /* half even */);
}
