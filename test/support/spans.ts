// Assertions on finished AI spans.
import { strict as assert } from 'node:assert';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';

/** The only span, asserting there is exactly one. */
export function single(spans: readonly ReadableSpan[]): ReadableSpan {
  assert.equal(spans.length, 1, `expected one AI span, got ${spans.map((s) => s.name).join(', ') || 'none'}`);
  return spans[0]!;
}

/** The span's cost as exact text: spans carry a double, our totals are decimals with few digits. */
export function costOf(span: ReadableSpan): string | undefined {
  const v = span.attributes['ai.cost.amount'];
  return v === undefined ? undefined : String(v);
}

/** Picks the listed attributes, to compare a span with an expected subset. */
export function pick(span: ReadableSpan, ...names: string[]): Record<string, unknown> {
  return Object.fromEntries(names.map((n) => [n, span.attributes[n]]));
}
