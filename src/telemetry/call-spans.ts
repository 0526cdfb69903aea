/**
 * The span of each AI call: started when the call starts (so transport spans
 * nest under it), renamed when the request's model is read, and finished
 * with the priced record. User hooks run through safeExecuteInTheMiddle.
 *
 * Under another instrumentation's GenAI span (genai-peers.ts) the price goes on
 * that span instead, unless genAiSpan is `separate`: one GenAI span per call.
 */
import { SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { safeExecuteInTheMiddle } from '@opentelemetry/instrumentation';
import type { CallHandle, CallObserver } from '../capture/call.js';
import type { CallRecord, CallStart } from '../record/call-record.js';
import type { Decimal } from '../pricing/decimal.js';
import type { GenAiSpanMode } from '../types.js';
import { attributesOf, GENAI_SPAN_SEPARATE, genAiPeerOf, ownAttributes, type GenAiPeer } from './genai-peers.js';
import {
  ATTR_AI_COST_AMOUNT,
  ATTR_AI_WORK_UNIT_ID_PREFIX,
  ATTR_GEN_AI_CONVERSATION_ID,
  ATTR_GEN_AI_USAGE_COST_AMOUNT,
  CONVERSATION_UNIT,
} from '../semconv.js';
import { endAttributes, spanName, startAttributes } from './span-attributes.js';
import { workUnitIdsOf } from '../record/work-unit-ids.js';

/** A hook may be `async`: what it returns is looked at only to catch a rejection. */
export interface SpanHooks {
  readonly startHook?: (span: Span, call: Readonly<CallStart>) => unknown;
  readonly endHook?: (span: Span, record: CallRecord) => unknown;
  /** @default 'enrich' */
  readonly genAiSpan?: GenAiSpanMode;
}

/** What a hook threw or rejected with, as an Error for the log (a hook may throw anything). */
function asError(error: unknown): Error {
  if (error instanceof Error) return error;
  let text: string;
  try {
    text = String(error);
  } catch {
    text = typeof error;
  }
  return new Error(text);
}

/** How a finished call was traced, for listeners that must not count what another instrumentation counts. */
export interface CallTracing {
  /** The price went on another instrumentation's GenAI span, not on a span of ours. */
  readonly enriched: boolean;
  /** Another GenAI instrumentation covering this call records the gen_ai.client.* histograms itself. */
  readonly peerRecordsGenAiMetrics: boolean;
}

const OWN_SPAN: CallTracing = { enriched: false, peerRecordsGenAiMetrics: false };

/** Something else that wants every finished call (the metrics). */
export type RecordListener = (record: CallRecord, parent: Context, tracing: CallTracing) => void;

/** Every call of a conversation (or another unit of work) carries its id, so traces can sum it exactly. */
function workUnitAttributes(parent: Context): Attributes {
  const attrs: Attributes = {};
  for (const [unit, id] of workUnitIdsOf(parent) ?? []) {
    attrs[unit === CONVERSATION_UNIT ? ATTR_GEN_AI_CONVERSATION_ID : `${ATTR_AI_WORK_UNIT_ID_PREFIX}${unit}.id`] = id;
  }
  return attrs;
}

/** What ai-pricetag has put on a peer's span: a later call under it (a client's retry) adds its cost. */
interface PeerWrites {
  readonly keys: Set<string>;
  cost?: { readonly amount: Decimal; readonly currency: string };
}

export class CallSpans implements CallObserver {
  /** Spans of ours, never taken for a peer's. */
  private readonly own = new WeakSet<Span>();
  private readonly peerWrites = new WeakMap<Span, PeerWrites>();

  constructor(
    private readonly tracer: () => Tracer,
    private readonly hooks: () => SpanHooks,
    private readonly listeners: readonly RecordListener[],
    private readonly logHookError: (error: Error, hook: string) => void,
  ) {}

  begin(start: CallStart, parent: Context): CallHandle {
    const peer = this.hooks().genAiSpan === GENAI_SPAN_SEPARATE ? undefined : genAiPeerOf(parent, this.own);
    if (peer !== undefined) return this.enrich(peer, start, parent);
    const span = this.startSpan(start, parent);
    this.runHook('startHook', () => this.hooks().startHook?.(span, start));
    return {
      context: trace.setSpan(parent, span),
      identified: (known) => {
        span.updateName(spanName(known.operation, known.requestModel));
        span.setAttributes(startAttributes(known));
      },
      end: (record) => this.finish(span, record, parent, OWN_SPAN),
    };
  }

  private startSpan(start: CallStart, parent: Context, startTime?: number): Span {
    const span = this.tracer().startSpan(
      spanName(start.operation, start.requestModel),
      { kind: SpanKind.CLIENT, attributes: startAttributes(start), startTime },
      parent,
    );
    this.own.add(span);
    span.setAttributes(workUnitAttributes(parent));
    return span;
  }

  private finish(span: Span, record: CallRecord, parent: Context, tracing: CallTracing): void {
    span.setAttributes(endAttributes(record));
    if (record.outcome === 'error') span.setStatus({ code: SpanStatusCode.ERROR, message: record.errorType });
    this.runHook('endHook', () => this.hooks().endHook?.(span, record));
    span.end();
    for (const listener of this.listeners) listener(record, parent, tracing);
  }

  /**
   * The call under a peer's GenAI span: the transport runs in the parent context (its spans are
   * children of the peer's), the price goes on the peer's span, which is neither renamed nor ended.
   */
  private enrich(peer: GenAiPeer, start: CallStart, parent: Context): CallHandle {
    const startedAt = performance.now();
    const writes = this.peerWrites.get(peer.span) ?? { keys: new Set<string>() };
    this.peerWrites.set(peer.span, writes);
    this.write(peer.span, writes, workUnitAttributes(parent));
    this.runHook('startHook', () => this.hooks().startHook?.(peer.span, start));
    return {
      context: parent,
      // The peer's span has its own name and gen_ai.* attributes.
      identified: () => undefined,
      end: (record) => {
        const tracing: CallTracing = { enriched: true, peerRecordsGenAiMetrics: peer.recordsGenAiMetrics };
        if (!peer.span.isRecording()) {
          // The peer ended its span before our record was priced (a client that ends it before the
          // body has been read): the call gets a span of ours, started when the call started so the
          // trace shows it where it happened, under the peer's. The peer still counted the call.
          // (The start hook has run with the peer's span; the end hook runs with this one.)
          const own = this.startSpan(record, parent, startedAt);
          this.finish(own, record, parent, { ...tracing, enriched: false });
          return;
        }
        const attrs = ownAttributes(endAttributes(record));
        const cost = record.cost;
        if (cost !== undefined && writes.cost?.currency === cost.currency) {
          // A second call under one span (a retry after a failure, charged 0 or billed): the span carries their sum.
          const amount = writes.cost.amount.plus(cost.amount);
          writes.cost = { amount, currency: cost.currency };
          attrs[ATTR_AI_COST_AMOUNT] = Number(amount.toFixed());
          if (attrs[ATTR_GEN_AI_USAGE_COST_AMOUNT] !== undefined) attrs[ATTR_GEN_AI_USAGE_COST_AMOUNT] = attrs[ATTR_AI_COST_AMOUNT];
        } else if (cost !== undefined) writes.cost = { amount: cost.amount, currency: cost.currency };
        this.write(peer.span, writes, attrs);
        this.runHook('endHook', () => this.hooks().endHook?.(peer.span, record));
        for (const listener of this.listeners) listener(record, parent, tracing);
      },
    };
  }

  /** Sets attributes on a peer's span, never one it set itself. */
  private write(span: Span, writes: PeerWrites, attrs: Attributes): void {
    const theirs = attributesOf(span);
    for (const [key, value] of Object.entries(attrs)) {
      if (value === undefined || (theirs[key] !== undefined && !writes.keys.has(key))) continue;
      writes.keys.add(key);
      span.setAttribute(key, value);
    }
  }

  private runHook(name: string, fn: () => unknown): void {
    const report = (error: unknown) => {
      try {
        this.logHookError(asError(error), name);
      } catch {
        // Inside a promise handler a throw would be the unhandled rejection this prevents.
      }
    };
    const result = safeExecuteInTheMiddle(
      fn,
      (error) => {
        if (error) report(error);
      },
      true,
    );
    // An async hook's rejection would be the host's unhandled rejection (fatal by default).
    // Caught, never awaited: the span ends and the call goes on without waiting for the hook.
    // Promise.resolve also adopts a foreign thenable, and turns a throwing `then` into a rejection.
    if (result !== null && (typeof result === 'object' || typeof result === 'function')) Promise.resolve(result).catch(report);
  }
}
