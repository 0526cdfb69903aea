/**
 * What the spans hand to every other consumer of a finished call (metrics,
 * work units, listeners): the priced record, where the call came from, and
 * how it was traced. Built once per call.
 */
import type { CallOrigin } from '../record/call-observer.js';
import type { CallRecord } from '../record/call-record.js';

/** How a finished call was traced, for listeners that must not count what another instrumentation counts. */
export interface CallTracing {
  /** The price went on another instrumentation's GenAI span, not on a span of ours. */
  readonly enriched: boolean;
  /** Another GenAI instrumentation covering this call records the gen_ai.client.* histograms itself. */
  readonly peerRecordsGenAiMetrics: boolean;
}

export interface FinishedCall {
  readonly record: CallRecord;
  readonly origin: CallOrigin;
  readonly tracing: CallTracing;
}

export type CallListener = (call: FinishedCall) => void;
