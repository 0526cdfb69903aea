// Leak checks that hold on a busy machine: per-call objects are followed by weak reference
// (collected or not, however long anything took), and memory is judged by what each of many
// rounds adds (the median), never by one difference between two readings.
import { strict as assert } from 'node:assert';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';

let exposedGc: (() => void) | undefined;

/** `gc()`: global with --expose-gc (set in .mocharc.json), else from a context made after setting the flag. */
function gcFunction(): () => void {
  if (exposedGc === undefined) {
    exposedGc = (globalThis as { gc?: () => void }).gc;
    if (exposedGc === undefined) {
      v8.setFlagsFromString('--expose-gc');
      exposedGc = runInNewContext('gc') as () => void;
    }
  }
  assert.equal(typeof exposedGc, 'function', 'gc() is available');
  return exposedGc;
}

/**
 * Full collections, each after a turn of the event loop: a WeakRef target created or read in
 * the current job survives until the job ends, and closing sockets drop their last exchange in
 * a later callback.
 */
export async function collectGarbage(passes = 4): Promise<void> {
  const gc = gcFunction();
  for (let i = 0; i < passes; i++) {
    await new Promise((r) => setImmediate(r));
    gc();
  }
}

export type Counts = Record<string, number>;

/**
 * Weak references to the objects calls made, by kind and by the round that made them. Track
 * from a function that has returned before the check: a suspended async function can keep the
 * last value of a local in its saved registers (in unoptimised code, i.e. on a busy machine).
 */
export class Retained {
  private refs: { readonly kind: string; readonly round: number; readonly ref: WeakRef<object> }[] = [];

  track(kind: string, object: object, round = 0): void {
    this.refs.push({ kind, round, ref: new WeakRef(object) });
  }

  /** How many of the selected rounds' objects are tracked, by kind. */
  tracked(rounds: (round: number) => boolean = () => true): Counts {
    return this.count(rounds, () => true);
  }

  /** How many of the selected rounds' objects are still reachable, by kind (empty when none). */
  reachable(rounds: (round: number) => boolean = () => true): Counts {
    return this.count(rounds, (r) => r.deref() !== undefined);
  }

  /**
   * Collects until at most `allowed` of the selected objects are reachable; a leak never gets
   * there, so this gives up after `patienceMs` (generous: only a leak waits it out) and returns
   * what is left.
   */
  async collected(rounds: (round: number) => boolean = () => true, allowed = 0, patienceMs = 10_000): Promise<Counts> {
    const until = performance.now() + patienceMs;
    for (;;) {
      await collectGarbage();
      const left = this.reachable(rounds);
      if (sum(left) <= allowed || performance.now() > until) return left;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Stops following the selected rounds' objects (so that following them costs no more memory each round). */
  forget(rounds: (round: number) => boolean): void {
    this.refs = this.refs.filter((r) => !rounds(r.round));
  }

  private count(rounds: (round: number) => boolean, keep: (ref: WeakRef<object>) => boolean): Counts {
    const out: Counts = {};
    for (const r of this.refs) if (rounds(r.round) && keep(r.ref)) out[r.kind] = (out[r.kind] ?? 0) + 1;
    return out;
  }
}

export function sum(counts: Counts): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

/** `3 of 5 records, 1 of 2 spans`: what is left of what was tracked. */
export function describeLeft(left: Counts, of: Counts): string {
  return Object.entries(left)
    .map(([kind, n]) => `${n} of ${of[kind] ?? '?'} ${kind}`)
    .join(', ');
}

/**
 * Bytes held by JavaScript objects and by array buffers (Buffers' memory lives outside the heap),
 * after full collections: the heap without compiled code, bytecode and their metadata (V8 keeps
 * compiling and discarding code, later on a busy machine), the least of a few readings, as
 * garbage is sometimes freed only by a later collection.
 */
export async function liveBytes(readings = 3): Promise<number> {
  let least = Infinity;
  for (let i = 0; i < readings; i++) {
    await collectGarbage();
    const code = v8.getHeapCodeStatistics();
    const bytes =
      process.memoryUsage().arrayBuffers +
      v8.getHeapStatistics().used_heap_size -
      code.code_and_metadata_size -
      code.bytecode_and_metadata_size;
    least = Math.min(least, bytes);
  }
  return least;
}

export function median(values: readonly number[]): number {
  assert.ok(values.length > 0, 'the median of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * The median of the changes from one reading to the next: memory a round adds for good, the
 * same in every round, while V8 dropping bytecode it has not run lately (a megabyte at once, at
 * any point of the run) or refilling a cache moves one or two changes only. A trend fitted over
 * the readings (or one difference of two) follows such a step.
 */
export function medianIncrease(readings: readonly number[]): number {
  assert.ok(readings.length >= 4, `a trend needs at least 4 readings, got ${readings.length}`);
  return median(readings.slice(1).map((r, i) => r - readings[i]!));
}
