/**
 * A small benchmark harness. Sub-microsecond operations are timed in batches
 * (a timer read per call would cost as much as the call), repeated as samples;
 * we report the median per-operation time and the spread between samples.
 */
export interface Measurement {
  readonly name: string;
  /** Median nanoseconds per operation over the samples. */
  readonly medianNs: number;
  /** Lowest and highest sample, ns per operation. */
  readonly minNs: number;
  readonly maxNs: number;
  readonly samples: number;
  readonly opsPerSample: number;
}

export interface MeasureOptions {
  readonly samples: number;
  /** Target wall time of one sample; the batch size is calibrated to it. */
  readonly sampleMs: number;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** `op(i)` must return something derived from its work so it cannot be optimised away. */
export function measure(name: string, op: (i: number) => unknown, options: MeasureOptions): Measurement {
  let sink: unknown;
  // Warm up and calibrate: grow the batch until it takes a tenth of a sample.
  let batch = 64;
  for (;;) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < batch; i++) sink = op(i);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (ms >= options.sampleMs / 10 || batch >= 1 << 26) {
      batch = Math.max(1, Math.round((batch * options.sampleMs) / Math.max(ms, 1e-3)));
      break;
    }
    batch *= 4;
  }
  const perOp: number[] = [];
  for (let s = 0; s < options.samples; s++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < batch; i++) sink = op(i);
    perOp.push(Number(process.hrtime.bigint() - t0) / batch);
  }
  if (sink === Symbol.for('never')) console.log(sink);
  return { name, medianNs: median(perOp), minNs: Math.min(...perOp), maxNs: Math.max(...perOp), samples: options.samples, opsPerSample: batch };
}
