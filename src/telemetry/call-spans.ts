/**
 * The span of each AI call: started when the call starts (so transport spans
 * nest under it), renamed when the request's model is read, and finished
 * with the priced record. User hooks run through safeExecuteInTheMiddle.
 */
import { SpanKind, SpanStatusCode, trace, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { safeExecuteInTheMiddle } from '@opentelemetry/instrumentation';
import type { CallHandle, CallObserver } from '../capture/call.js';
import type { CallRecord, CallStart } from '../capture/call-record.js';
import { ATTR_AI_WORK_UNIT_ID_PREFIX, ATTR_GEN_AI_CONVERSATION_ID, CONVERSATION_UNIT } from './semconv.js';
import { endAttributes, spanName, startAttributes } from './span-attributes.js';
import { workUnitIdsOf } from './work-unit-ids.js';

export interface SpanHooks {
  readonly startHook?: (span: Span, call: Readonly<CallStart>) => void;
  readonly endHook?: (span: Span, record: CallRecord) => void;
}

/** Something else that wants every finished call (the metrics). */
export type RecordListener = (record: CallRecord, parent: Context) => void;

export class CallSpans implements CallObserver {
  constructor(
    private readonly tracer: () => Tracer,
    private readonly hooks: () => SpanHooks,
    private readonly listeners: readonly RecordListener[],
    private readonly logHookError: (error: Error, hook: string) => void,
  ) {}

  begin(start: CallStart, parent: Context): CallHandle {
    const span = this.tracer().startSpan(
      spanName(start.operation, start.requestModel),
      { kind: SpanKind.CLIENT, attributes: startAttributes(start) },
      parent,
    );
    // Every call of a conversation carries its id, so traces can sum it exactly.
    for (const [unit, id] of workUnitIdsOf(parent) ?? []) {
      span.setAttribute(unit === CONVERSATION_UNIT ? ATTR_GEN_AI_CONVERSATION_ID : `${ATTR_AI_WORK_UNIT_ID_PREFIX}${unit}.id`, id);
    }
    this.runHook('startHook', () => this.hooks().startHook?.(span, start));
    return {
      context: trace.setSpan(parent, span),
      identified: (known) => {
        span.updateName(spanName(known.operation, known.requestModel));
        span.setAttributes(startAttributes(known));
      },
      end: (record) => {
        span.setAttributes(endAttributes(record));
        if (record.outcome === 'error') span.setStatus({ code: SpanStatusCode.ERROR, message: record.errorType });
        this.runHook('endHook', () => this.hooks().endHook?.(span, record));
        span.end();
        for (const listener of this.listeners) listener(record, parent);
      },
    };
  }

  private runHook(name: string, fn: () => void): void {
    safeExecuteInTheMiddle(
      fn,
      (error) => {
        if (error) this.logHookError(error, name);
      },
      true,
    );
  }
}
