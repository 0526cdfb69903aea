/**
 * Caps the distinct values of a label: the first `limit` values seen are
 * kept, later ones become `other`. Bounds the series a buggy or hostile input
 * (a new model name per response, a customer id in baggage) can create.
 */
import { OVERFLOW_LABEL_VALUE } from '../semconv.js';

/** Characters kept of an attribution label value (or a work-unit id) unless configured otherwise. */
export const DEFAULT_MAX_LABEL_VALUE_LENGTH = 256;

/**
 * The first `max` characters of `value`, counting a surrogate pair as one character and never
 * cutting one in half (half a pair is not valid UTF-8 and exporters would mangle it).
 */
export function capLength(value: string, max: number): string {
  // Fewer code units than the cap means fewer characters too: the common case allocates nothing.
  if (value.length <= max) return value;
  let end = 0;
  for (let kept = 0; kept < max && end < value.length; kept++) {
    const unit = value.charCodeAt(end);
    const low = end + 1 < value.length ? value.charCodeAt(end + 1) : 0;
    end += unit >= 0xd800 && unit <= 0xdbff && low >= 0xdc00 && low <= 0xdfff ? 2 : 1;
  }
  return value.slice(0, end);
}

export class LabelValueLimiter {
  private readonly seen = new Map<string, Set<string>>();

  constructor(private readonly limit: number) {}

  value(label: string, value: string): string {
    let values = this.seen.get(label);
    if (values === undefined) {
      values = new Set();
      this.seen.set(label, values);
    }
    if (values.has(value)) return value;
    if (values.size >= this.limit) return OVERFLOW_LABEL_VALUE;
    values.add(value);
    return value;
  }
}
