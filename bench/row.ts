import type { Measurement } from './harness.js';

/** One line of the benchmark table: a measurement of ours against its baseline from the same run. */
export interface Row {
  readonly name: string;
  readonly baseline: Measurement;
  readonly ours: Measurement;
  /** Anything the medians do not say (memory, series counts). */
  readonly note?: string;
}
