/**
 * A small benchmark harness. Sub-microsecond operations are timed in batches
 * (a timer read per call would cost as much as the call), repeated as samples;
 * we report the median per-operation time and the spread between samples.
 * Benchmarks that time whole round trips in child processes report their
 * samples through `summarize`.
 */
import v8 from 'node:v8';
import vm from 'node:vm';

/** Times are in nanoseconds, memory in bytes. */
export type Unit = 'ns' | 'bytes';

export interface Measurement {
  readonly name: string;
  readonly unit: Unit;
  /** Median over the samples (per operation, for times). */
  readonly median: number;
  /** Lowest and highest sample. */
  readonly min: number;
  readonly max: number;
  readonly samples: number;
  /** Operations timed together in one sample (1 where each sample is one operation or one median). */
  readonly opsPerSample: number;
}

export interface MeasureOptions {
  readonly samples: number;
  /** Target wall time of one sample; the batch size is calibrated to it. */
  readonly sampleMs: number;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** A measurement from samples taken elsewhere (child processes, whole round trips). */
export function summarize(name: string, values: readonly number[], unit: Unit = 'ns', opsPerSample = 1): Measurement {
  return { name, unit, median: median(values), min: Math.min(...values), max: Math.max(...values), samples: values.length, opsPerSample };
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
  return { ...summarize(name, perOp), opsPerSample: batch };
}

let gcFunction: (() => void) | undefined;

/** A full garbage collection, whether or not this process was started with --expose-gc. */
export function forceGc(): void {
  if (gcFunction === undefined) {
    const exposed = (globalThis as { gc?: () => void }).gc;
    if (exposed !== undefined) gcFunction = exposed;
    else {
      v8.setFlagsFromString('--expose-gc');
      gcFunction = vm.runInNewContext('gc') as () => void;
    }
  }
  gcFunction();
}

/** The JavaScript heap in use after two full collections (objects only; no Buffers). */
export function heapAfterGc(): number {
  forceGc();
  forceGc();
  return process.memoryUsage().heapUsed;
}

/** Live memory: the JavaScript heap plus memory held outside it (Buffers, ArrayBuffers). */
export function liveBytes(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}
