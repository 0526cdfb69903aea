/**
 * The seam between capture and telemetry: capture reports a call's start and
 * its finished record; telemetry (spans, then metrics and work units) is what
 * observes them. Neither side imports the other; both import this.
 */
import type { Context } from '@opentelemetry/api';
import type { Attribution } from './attribution.js';
import type { CallRecord, CallStart } from './call-record.js';
import type { WorkUnitIds } from './work-unit-ids.js';

/** Where a call was made from, read once as it starts. */
export interface CallOrigin {
  /** The active context when the call was made. */
  readonly parent: Context;
  /** Who the call is charged to (metric labels). */
  readonly attribution: Attribution;
  /** The conversation and other units of work it belongs to (never metric labels). */
  readonly workUnitIds: WorkUnitIds;
}

/** The telemetry side of one call: a span (or nothing) that outlives the transport events. */
export interface CallHandle {
  /** Context to run the transport in, so spans it starts are children of the call's. */
  readonly context: Context;
  /** The request body told the model (or the operation) after the call started. */
  identified(start: Readonly<CallStart>): void;
  end(record: CallRecord): void;
}

export interface CallObserver {
  begin(start: CallStart, origin: CallOrigin): CallHandle;
}
