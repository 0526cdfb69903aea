import type { Measurement } from './harness.js';

/** The goal a row is held to (DESIGN, issue 8), and whether this run met it. */
export interface Goal {
  /** As written in the table, e.g. "< 1 µs". */
  readonly text: string;
  readonly met: boolean;
}

/** One line of the benchmark table: a measurement of ours against its baseline from the same run. */
export interface Row {
  readonly name: string;
  readonly baseline: Measurement;
  readonly ours: Measurement;
  /** Anything the medians do not say (memory, series counts, differences). */
  readonly note?: string;
  readonly goal?: Goal;
}
