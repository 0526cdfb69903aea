/**
 * Caps the distinct values of a label: the first `limit` values seen are
 * kept, later ones become `other`. Bounds the series a buggy or hostile input
 * (a new model name per response, a customer id in baggage) can create.
 */
import { OVERFLOW_LABEL_VALUE } from './semconv.js';

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
