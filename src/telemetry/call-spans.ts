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
import type { Decimal } from '../pricing/decimal.js';
import type { CallHandle, CallObserver, CallOrigin } from '../record/call-observer.js';
import type { CallRecord, CallStart } from '../record/call-record.js';
import type { WorkUnitIds } from '../record/work-unit-ids.js';
import {
  ATTR_AI_COST_AMOUNT,
  ATTR_AI_WORK_UNIT_ID_PREFIX,
  ATTR_GEN_AI_CONVERSATION_ID,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_USAGE_COST_AMOUNT,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  CONVERSATION_UNIT,
} from '../semconv.js';
import type { GenAiSpanMode } from '../types.js';
import type { CallListener, CallTracing, FinishedCall } from './finished-call.js';
import { attributesOf, GENAI_SPAN_SEPARATE, genAiPeerOf, ownAttributes, type GenAiPeer } from './genai-peers.js';
import { endAttributes, spanName, startAttributes, type SpanAttributeOptions } from './call-attributes.js';

/** A hook may be `async`: what it returns is looked at only to catch a rejection. */
export interface SpanHooks {
  readonly startHook?: (span: Span, call: Readonly<CallStart>) => unknown;
  readonly endHook?: (span: Span, record: CallRecord) => unknown;
  readonly genAiSpan: GenAiSpanMode;
  readonly attributes: SpanAttributeOptions;
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

const OWN_SPAN: CallTracing = { enriched: false, peerRecordsGenAiMetrics: false };

/** Every call of a conversation (or another unit of work) carries its id, so traces can sum it exactly. */
function addWorkUnitAttributes(attrs: Attributes, ids: WorkUnitIds): Attributes {
  for (const [unit, id] of ids) {
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
  private readonly peerWrites = new WeakMap<Span, PeerWrites>();

  constructor(
    private readonly tracer: () => Tracer,
    private readonly hooks: () => SpanHooks,
    private readonly listeners: readonly CallListener[],
    private readonly logHookError: (error: Error, hook: string) => void,
  ) {}

  begin(start: CallStart, origin: CallOrigin): CallHandle {
    const hooks = this.hooks();
    const peer = hooks.genAiSpan === GENAI_SPAN_SEPARATE ? undefined : genAiPeerOf(origin.parent);
    if (peer !== undefined) return this.enrich(peer, start, origin);
    const span = this.startSpan(start, origin);
    if (hooks.startHook !== undefined) this.runHook('startHook', () => hooks.startHook?.(span, start));
    return new OwnSpan(this, span, origin, trace.setSpan(origin.parent, span), start.operation);
  }

  private startSpan(start: CallStart, origin: CallOrigin, startTime?: number): Span {
    const span = this.tracer().startSpan(
      spanName(start.operation, start.requestModel),
      { kind: SpanKind.CLIENT, attributes: addWorkUnitAttributes(startAttributes(start), origin.workUnitIds), startTime },
      origin.parent,
    );
    return span;
  }

  /** Ends a span of ours with the priced call, then hands the call on. */
  finish(span: Span, record: CallRecord, origin: CallOrigin, tracing: CallTracing, withStart = false): void {
    const hooks = this.hooks();
    if (record.redirected === true) {
      // A hop, not a call: the span says where it was sent on; nothing is counted.
      if (record.status !== undefined) span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, record.status);
      span.end();
      return;
    }
    span.setAttributes(endAttributes(record, hooks.attributes, withStart));
    if (record.outcome === 'error') span.setStatus({ code: SpanStatusCode.ERROR, message: record.errorType });
    if (hooks.endHook !== undefined) this.runHook('endHook', () => hooks.endHook?.(span, record));
    span.end();
    this.emit({ record, origin, tracing });
  }

  private emit(call: FinishedCall): void {
    for (const listener of this.listeners) listener(call);
  }

  /**
   * The call under a peer's GenAI span: the transport runs in the parent context (its spans are
   * children of the peer's), the price goes on the peer's span, which is neither renamed nor ended.
   */
  private enrich(peer: GenAiPeer, start: CallStart, origin: CallOrigin): CallHandle {
    const startedAt = performance.now();
    const writes = this.peerWrites.get(peer.span) ?? { keys: new Set<string>() };
    this.peerWrites.set(peer.span, writes);
    this.write(peer.span, writes, addWorkUnitAttributes({}, origin.workUnitIds));
    this.runHook('startHook', () => this.hooks().startHook?.(peer.span, start));
    return {
      context: origin.parent,
      // The peer's span has its own name and gen_ai.* attributes.
      identified: () => undefined,
      end: (record) => {
        // A redirect hop under a peer's span: the request it leads to is the call.
        if (record.redirected === true) return;
        const tracing: CallTracing = { enriched: true, peerRecordsGenAiMetrics: peer.recordsGenAiMetrics };
        if (!peer.span.isRecording()) {
          // The peer ended its span before our record was priced (a client that ends it before the
          // body has been read): the call gets a span of ours, started when the call started so the
          // trace shows it where it happened, under the peer's. The peer still counted the call.
          // (The start hook has run with the peer's span; the end hook runs with this one.)
          const own = this.startSpan(record, origin, startedAt);
          this.finish(own, record, origin, { ...tracing, enriched: false });
          return;
        }
        const attrs = ownAttributes(endAttributes(record, this.hooks().attributes));
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
        this.emit({ record, origin, tracing });
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

  runHook(name: string, fn: () => unknown): void {
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

/** A call with a span of ours: renamed when the model is known, ended with the priced record. */
class OwnSpan implements CallHandle {
  constructor(
    private readonly spans: CallSpans,
    private readonly span: Span,
    private readonly origin: CallOrigin,
    readonly context: Context,
    /** The operation the span carries: set again only when the request body changed it. */
    private operation: string,
  ) {}

  identified(known: Readonly<CallStart>): void {
    this.span.updateName(spanName(known.operation, known.requestModel));
    if (known.operation !== this.operation) {
      this.operation = known.operation;
      this.span.setAttribute(ATTR_GEN_AI_OPERATION_NAME, known.operation);
    }
    if (known.requestModel !== undefined) this.span.setAttribute(ATTR_GEN_AI_REQUEST_MODEL, known.requestModel);
  }

  end(record: CallRecord): void {
    this.spans.finish(this.span, record, this.origin, OWN_SPAN);
  }
}
