/**
 * Cost per conversation and other units of work, as one listener of finished calls: the table of
 * units in progress, the sweep that finishes idle ones, and the metrics of finished units live
 * together here. The table is made on the first call that belongs to a unit.
 */
import type { Meter } from '@opentelemetry/api';
import type { FinishedCall } from './finished-call.js';
import { unitCallOf } from './work-unit-call.js';
import { WorkUnitMetrics } from './work-unit-metrics.js';
import { WorkUnitTable } from './work-units.js';

export interface WorkUnitBounds {
  readonly maxActive: number;
  readonly idleTimeoutMs: number;
}

/** Idle units are looked for at most every 15 s, and at least every 100 ms. */
const MAX_SWEEP_INTERVAL_MS = 15_000;
const MIN_SWEEP_INTERVAL_MS = 100;

export class WorkUnitTracker {
  private table: WorkUnitTable | undefined;
  private sweeper: NodeJS.Timeout | undefined;
  private metrics: WorkUnitMetrics | undefined;

  constructor(private bounds: WorkUnitBounds) {}

  /** (Re)creates the instruments on a new meter; units in progress are kept. */
  useMeter(meter: Meter): void {
    this.metrics = new WorkUnitMetrics(meter, () => this.table);
  }

  /** Units in progress are finished under the old bounds; the next call starts a table with the new. */
  configure(bounds: WorkUnitBounds): void {
    this.close();
    this.bounds = bounds;
  }

  /** The listener: a call that belongs to units of work adds its cost to each. */
  readonly add = (finished: FinishedCall): void => {
    const ids = finished.origin.workUnitIds;
    if (ids.size === 0) return;
    const call = unitCallOf(finished.record, finished.origin.attribution.labels, Date.now());
    const table = this.open();
    for (const [unit, id] of ids) table.add(unit, id, call);
  };

  /** Finishes and records every unit in progress. */
  flush(): void {
    this.table?.flush();
  }

  /** Finishes every unit and stops the sweep. */
  close(): void {
    if (this.sweeper !== undefined) clearInterval(this.sweeper);
    this.sweeper = undefined;
    this.table?.flush();
    this.table = undefined;
  }

  private open(): WorkUnitTable {
    if (this.table !== undefined) return this.table;
    const { maxActive, idleTimeoutMs } = this.bounds;
    const table = new WorkUnitTable({ maxActive, idleTimeoutMs }, (finished) => this.metrics?.record(finished));
    this.table = table;
    // Idle units finish within a quarter of the timeout.
    this.sweeper = setInterval(() => table.sweep(), Math.min(MAX_SWEEP_INTERVAL_MS, Math.max(MIN_SWEEP_INTERVAL_MS, idleTimeoutMs / 4)));
    this.sweeper.unref();
    return table;
  }
}
