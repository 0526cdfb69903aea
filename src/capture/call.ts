/**
 * One recognised AI call from request to finished record, fed by whichever
 * transport observed it. Every entry point catches its own faults: a fault in here is
 * reported to `onInternalError` and the call is recorded as unpriced
 * (`error`), while the host's request goes on untouched.
 */
import type { Context } from '@opentelemetry/api';
import type { CallFacts, CallReader } from '../providers/types.js';
import type { Recognition } from '../providers/registry.js';
import { ZERO } from '../pricing/decimal.js';
import { NOTHING_EXTRACTED, type Extracted } from '../providers/fields.js';
import type { CallHandle, CallObserver, CallOrigin } from '../record/call-observer.js';
import { isRedirectStatus, type CallRecord, type CallStart, type Outcome } from '../record/call-record.js';
import { priceFacts, type PricingContexts } from '../record/price-facts.js';
import {
  requestBodyReader,
  responseBodyReader,
  responseKind,
  type BodyReader,
  type ResponseListener,
  type ResponseReader,
} from './body-readers.js';

export interface CallDeps {
  readonly observer: CallObserver;
  readonly onInternalError: (error: unknown, where: string) => void;
  /** Called once when the call is finished, to stop tracking it. */
  readonly onSettled: (call: Call) => void;
}

export type Header = (name: string) => string | undefined;

/**
 * A response header by lower-case name from a transport's own header list (Node's raw list,
 * undici's byte arrays, an http2 headers object): a module function, so that passing one to
 * `response` builds nothing for calls whose reader asks for no header.
 */
export type HeaderIn<H> = (headers: H, name: string) => string | undefined;

/** No pattern: every later event may be skipped. */
const NOTHING_NEEDED: readonly string[] = [];

export class Call implements ResponseListener {
  readonly handle: CallHandle;
  private readonly start: CallStart;
  private readonly startedAt = performance.now();
  /**
   * Bytes moved (counted, not timed: a clock read per chunk costs more than the rest of its
   * bookkeeping); the idle sweep notes when the count last changed.
   */
  private activity = 0;
  private activitySeen = 0;
  private idleSince = this.startedAt;

  private requestReader: BodyReader | undefined;
  private reader: CallReader | undefined;
  private responseReader: ResponseReader | undefined;
  private status: number | undefined;
  /** The response headers the reader named (`CallReader.responseHeaders`) that came. */
  private responseHeaders: Record<string, string> | undefined;
  private requestBytes = 0;
  private failure: { errorType: string; aborted: boolean } | undefined;
  private broken = false;
  private finished = false;

  constructor(
    private readonly recognition: Recognition,
    private readonly deps: CallDeps,
    origin: CallOrigin,
    /** The pricing of the configuration the call started under. */
    private readonly pricing: PricingContexts,
    serverAddress: string,
    serverPort: number | undefined,
    private requestContentType: string | undefined,
  ) {
    this.start = { provider: recognition.adapter.provider, operation: recognition.route.operation, serverAddress, serverPort };
    this.handle = deps.observer.begin(this.start, origin);
  }

  /**
   * Has nothing moved for more than `timeoutMs` before `now`? Asked by the sweep, which notes
   * each change of the count when it passes; so a call is closed between `timeoutMs` and one
   * sweep interval after that without progress.
   */
  stalled(now: number, timeoutMs: number): boolean {
    if (this.activity !== this.activitySeen) {
      this.activitySeen = this.activity;
      this.idleSince = now;
      return false;
    }
    return now - this.idleSince > timeoutMs;
  }

  /** The transport knows the body's type better (fetch sets it for FormData bodies). */
  setRequestContentType(contentType: string | undefined): void {
    if (this.requestReader === undefined && contentType !== undefined) this.requestContentType = contentType;
  }

  private requestBodyReader(): BodyReader {
    return (this.requestReader ??= requestBodyReader(this.requestContentType, this.recognition.route.requestFields));
  }

  get context(): Context {
    return this.handle.context;
  }

  /** A fault of ours: reported, and the call recorded as unpriced; the host's request goes on. */
  private broke(error: unknown, where: string): void {
    this.broken = true;
    this.deps.onInternalError(error, where);
    this.finish();
  }

  /** A chunk of the request body as sent. */
  requestBody(chunk: Uint8Array | string): void {
    if (this.finished) return;
    try {
      this.activity++;
      if (this.reader !== undefined) return;
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      this.requestBytes += bytes.length;
      this.requestBodyReader().write(bytes);
    } catch (error) {
      this.broke(error, 'request body');
    }
  }

  /** The request body is complete (or will not be seen): the adapter can start reading the call. */
  requestDone(): void {
    if (this.finished || this.reader !== undefined) return;
    try {
      this.begin();
    } catch (error) {
      this.broke(error, 'request end');
    }
  }

  private begin(): CallReader {
    if (this.reader !== undefined) return this.reader;
    const body = this.requestBodyReader();
    body.end();
    const extracted = body.result();
    const reader = this.recognition.route.begin(extracted, this.recognition.head);
    this.reader = reader;
    if (reader.requestModel !== undefined || reader.operation !== undefined) {
      if (reader.requestModel !== undefined) this.start.requestModel = reader.requestModel;
      if (reader.operation !== undefined) this.start.operation = reader.operation;
      this.handle.identified(this.start);
    }
    return reader;
  }

  /**
   * Response status and headers arrived: the two that decide how its body is read, and the list
   * `headerIn` finds the reader's `responseHeaders` in (looked up only for a reader that names some).
   */
  response<H>(
    status: number,
    contentType: string | undefined,
    contentEncoding: string | undefined,
    headers?: H,
    headerIn?: HeaderIn<H>,
  ): void {
    if (this.finished) return;
    try {
      this.activity++;
      const reader = this.begin();
      this.status = status;
      const names = reader.responseHeaders;
      this.responseHeaders = names === undefined || headerIn === undefined ? undefined : picked(names, headers as H, headerIn);
      // A redirect's body is nobody's usage: not read (nor decoded).
      const kind = isRedirectStatus(status) ? 'other' : responseKind(contentType);
      this.responseReader = responseBodyReader(
        kind,
        contentEncoding,
        status < 400 ? reader.responseFields : [],
        this,
        reader.onEvent !== undefined,
        reader.skipEventsWithout !== undefined,
        reader.largeEventFields === undefined ? undefined : { fields: reader.largeEventFields, onEvent: (e, f) => this.onLargeEvent(e, f) },
      );
    } catch (error) {
      this.broke(error, 'response headers');
    }
  }

  /**
   * The response was a redirect the client follows within this call (fetch's `redirect: 'follow'`):
   * the next response read is the call's. Its transport stops feeding this one's body.
   */
  followed(): void {
    if (this.finished) return;
    this.activity++;
    this.status = undefined;
    this.responseHeaders = undefined;
    this.responseReader = undefined;
  }

  /** A server-sent event of the response, for the adapter (the response reader calls this). */
  onEvent(event: string, data: string): void {
    if (this.finished) return;
    try {
      this.reader?.onEvent?.(event, data);
    } catch (error) {
      this.broke(error, 'stream event');
    }
  }

  /** The fields of an event too long to hold, for the adapter. */
  private onLargeEvent(event: string, fields: Extracted): void {
    if (this.finished) return;
    try {
      this.reader?.onLargeEvent?.(event, fields);
    } catch (error) {
      this.broke(error, 'stream event');
    }
  }

  /** What the adapter still needs of the stream (the response reader asks after each event it delivers). */
  skipPatterns(): readonly string[] | undefined {
    // Finished: nothing more is needed.
    if (this.finished) return NOTHING_NEEDED;
    try {
      return this.reader?.skipEventsWithout?.();
    } catch (error) {
      this.broke(error, 'stream event');
      return NOTHING_NEEDED;
    }
  }

  /** Everything written to the response reader has been read (for compressed bodies, once the decoder drained). */
  onDone(): void {
    this.finish();
  }

  responseBody(chunk: Uint8Array): void {
    if (this.finished) return;
    try {
      this.activity++;
      this.responseReader?.write(chunk);
    } catch (error) {
      this.broke(error, 'response body');
    }
  }

  /** The response body ended; the call finishes once its reader has drained. */
  responseDone(): void {
    if (this.finished) return;
    try {
      if (this.responseReader === undefined) this.finish();
      else this.responseReader.end();
    } catch (error) {
      this.broke(error, 'response end');
    }
  }

  /** The call failed or was abandoned before its response completed (aborted once a response had started). */
  fail(error: unknown): void {
    if (this.finished) return;
    try {
      this.failure ??= { errorType: errorTypeOf(error), aborted: this.responseReader !== undefined };
      if (this.responseReader === undefined) this.finish();
      else this.responseReader.end();
    } catch (caught) {
      this.broke(caught, 'failure');
    }
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    let record: CallRecord;
    try {
      record = this.record();
    } catch (error) {
      this.deps.onInternalError(error, 'pricing');
      record = this.brokenRecord();
    }
    try {
      this.handle.end(record);
    } catch (error) {
      this.deps.onInternalError(error, 'recording');
    }
    this.deps.onSettled(this);
  }

  /** Failed: no response, or an error status. A 2xx response cut short was still billed. */
  private outcome(): Outcome {
    return this.status === undefined || this.status >= 400 ? 'error' : 'success';
  }

  private durationSeconds(): number {
    return (performance.now() - this.startedAt) / 1000;
  }

  private brokenRecord(): CallRecord {
    return {
      ...this.start,
      status: this.status,
      outcome: this.outcome(),
      aborted: this.failure?.aborted ?? false,
      items: [],
      unpricedReason: 'error',
      durationSeconds: this.durationSeconds(),
    };
  }

  private record(): CallRecord {
    // A redirect the client followed with a request of its own (http clients): that one is the call.
    if (isRedirectStatus(this.status) && !this.broken) {
      return {
        ...this.start,
        status: this.status,
        outcome: 'success',
        aborted: false,
        items: [],
        redirected: true,
        durationSeconds: this.durationSeconds(),
      };
    }
    if (this.broken || this.reader === undefined) {
      if (this.reader === undefined && this.failure !== undefined && !this.broken) {
        // Failed before any response: nothing to read, nothing billed.
        return this.failedBeforeResponse();
      }
      return this.brokenRecord();
    }
    const outcome = this.outcome();
    const cutShort = this.failure?.aborted ?? false;
    const readOk = this.responseReader?.ok ?? true;
    const facts: CallFacts = this.reader.finish({
      status: this.status ?? 0,
      response: this.responseReader?.result() ?? NOTHING_EXTRACTED,
      aborted: cutShort || !readOk,
      requestBytes: this.requestBytes,
      headers: this.responseHeaders,
    });
    // A body cancelled after its final event (the SDKs do this after [DONE]) is not an abort.
    const aborted = cutShort && facts.complete !== true;
    const { adapter } = this.recognition;
    const priced = priceFacts(this.pricing.of(adapter.provider, adapter.pricedAs), facts, outcome);
    const errorType =
      outcome === 'error'
        ? (this.failure?.errorType ?? (this.status !== undefined ? String(this.status) : undefined))
        : aborted
          ? this.failure?.errorType
          : undefined;
    return {
      ...this.start,
      responseModel: facts.responseModel,
      status: this.status,
      outcome,
      errorType,
      aborted,
      ...priced,
      semconv: facts.semconv,
      extraUsage: facts.extraUsage,
      durationSeconds: this.durationSeconds(),
    };
  }

  private failedBeforeResponse(): CallRecord {
    return {
      ...this.start,
      outcome: 'error',
      errorType: this.failure!.errorType,
      aborted: this.failure!.aborted,
      items: [],
      cost: { amount: ZERO, currency: this.pricing.defaultCurrency, source: 'catalog' },
      durationSeconds: this.durationSeconds(),
    };
  }
}

/** The named headers present in a response. */
function picked<H>(names: readonly string[], headers: H, headerIn: HeaderIn<H>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const value = headerIn(headers, name);
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/** What an error code or class name looks like; anything else is free text, never an `error.type`. */
const ERROR_TYPE = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;

/**
 * `error.type` of a transport error: its code (ECONNRESET, UND_ERR_SOCKET) or name (AbortError).
 * Not a thrown string: `controller.abort(reason)` rejects with the application's own text,
 * which would land on the span and as a metric label.
 */
export function errorTypeOf(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const e = error as { code?: unknown; name?: unknown };
    if (typeof e.code === 'string' && ERROR_TYPE.test(e.code)) return e.code;
    if (typeof e.name === 'string' && ERROR_TYPE.test(e.name)) return e.name;
  }
  return '_OTHER';
}
