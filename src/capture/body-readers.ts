/**
 * Readers for the two bodies of a call, chosen by content type. They take the
 * bytes as they pass and never throw: the worst a broken body can do is leave
 * the call's usage unknown.
 */
import { NOTHING_EXTRACTED, type Extracted, type FieldSpec } from '../providers/fields.js';
import { EventStreamDecoder, type EventStreamMessage } from './aws-eventstream.js';
import { decodingSink, type ByteSink } from './decompress.js';
import { boundaryOf, multipartReader, urlEncodedReader } from './form-fields.js';
import { JsonFieldScanner } from './json-scanner.js';
import { SseReader, type LargeEvents } from './sse.js';

export interface BodyReader extends ByteSink {
  result(): Extracted;
}

/** JSON fields of a body, read as it passes. */
class JsonReader implements BodyReader {
  private readonly scanner: JsonFieldScanner;
  constructor(specs: readonly FieldSpec[]) {
    this.scanner = new JsonFieldScanner(specs);
  }
  write(chunk: Uint8Array): void {
    this.scanner.write(chunk);
  }
  end(): void {}
  result(): Extracted {
    return this.scanner.result();
  }
  get malformed(): boolean {
    return this.scanner.malformed;
  }
}

const ignore: BodyReader = { write: () => undefined, end: () => undefined, result: () => NOTHING_EXTRACTED };

/** The request body reader; requests are sent uncompressed by every client we know. */
export function requestBodyReader(contentType: string | undefined, specs: readonly FieldSpec[]): BodyReader {
  if (specs.length === 0) return ignore;
  const type = (contentType ?? 'application/json').toLowerCase();
  if (type.startsWith('multipart/form-data')) {
    const boundary = boundaryOf(contentType ?? '');
    return boundary === undefined ? ignore : multipartReader(boundary, specs);
  }
  if (type.startsWith('application/x-www-form-urlencoded')) return urlEncodedReader(specs);
  return new JsonReader(specs);
}

export type ResponseKind = 'json' | 'sse' | 'eventstream' | 'other';

/** The AWS event-stream framing (Bedrock's ConverseStream and InvokeModelWithResponseStream). */
export const EVENT_STREAM_TYPE = 'application/vnd.amazon.eventstream';

export function responseKind(contentType: string | undefined): ResponseKind {
  // The spellings providers send, told apart without lower-casing.
  if (contentType === 'application/json' || contentType === 'application/json; charset=utf-8') return 'json';
  if (contentType === 'text/event-stream' || contentType === 'text/event-stream; charset=utf-8') return 'sse';
  const type = (contentType ?? '').toLowerCase();
  if (type.includes('text/event-stream')) return 'sse';
  if (type.startsWith(EVENT_STREAM_TYPE)) return 'eventstream';
  if (type.includes('json')) return 'json';
  return 'other';
}

export interface ResponseReader extends ByteSink {
  result(): Extracted;
  /** False when decoding or parsing gave up (bad bytes, overflow). */
  readonly ok: boolean;
}

/** Who hears what a response reader finds. */
export interface ResponseListener {
  /**
   * A server-sent event (SSE responses, when the reader was asked for events), or an AWS
   * event-stream message (see `eventStreamEvent`).
   */
  onEvent(event: string, data: string): void;
  /**
   * Asked after each event delivered, when the reader was told events may be skipped: byte patterns
   * such that later events containing none of them need not be delivered (SkipPatterns in sse.ts;
   * for AWS event streams, matched against the event's name only).
   */
  skipPatterns?(): readonly string[] | undefined;
  /** Everything written has been read: for compressed bodies, once the decoder drained. */
  onDone(): void;
}

/**
 * Decodes (Content-Encoding) and reads a response body: JSON fields, or SSE
 * events passed to the listener. Bodies we do not read are not decoded either.
 */
export function responseBodyReader(
  kind: ResponseKind,
  encoding: string | undefined,
  specs: readonly FieldSpec[],
  listener: ResponseListener,
  events: boolean,
  /** The listener's `skipPatterns` may let events go unread. */
  skippable = false,
  /** SSE events too long to hold, read for these fields (with skipping only). */
  large?: LargeEvents,
): ResponseReader {
  if (kind === 'sse' && events) {
    const skip = skippable && listener.skipPatterns !== undefined ? () => listener.skipPatterns!() : undefined;
    const sse = new SseReader((event, data) => listener.onEvent(event, data), skip, skip === undefined ? undefined : large);
    return new Response(
      { write: (c) => sse.write(c), end: () => sse.end(), result: () => NOTHING_EXTRACTED },
      () => sse.overflowed,
      encoding,
      listener,
    );
  }
  if (kind === 'eventstream' && events) {
    let told = false;
    let ended = false;
    // With skipping allowed, an event whose name holds none of the listener's patterns is not
    // decoded (event-stream payloads are never searched: the name tells what a message is).
    const skip = skippable && listener.skipPatterns !== undefined ? () => listener.skipPatterns!() : undefined;
    let needed: readonly string[] | undefined;
    const decoder = new EventStreamDecoder((message) => {
      const event = eventStreamEvent(message);
      if (event === undefined) return;
      if (needed !== undefined && !needed.some((p) => event.includes(p))) return;
      listener.onEvent(event, utf8.decode(message.payload));
      needed = skip?.();
    });
    const tellBroken = (): void => {
      if (!decoder.broken || told) return;
      told = true;
      listener.onEvent(EVENT_STREAM_BROKEN, '');
    };
    return new Response(
      {
        write: (c) => {
          decoder.write(c);
          tellBroken();
        },
        end: () => {
          ended = true;
        },
        result: () => NOTHING_EXTRACTED,
      },
      // A body that ends inside a message was cut short.
      () => decoder.broken || (ended && !decoder.atBoundary),
      encoding,
      listener,
    );
  }
  if (kind === 'json' && specs.length > 0) {
    const json = new JsonReader(specs);
    return new Response(json, () => json.malformed, encoding, listener);
  }
  return new Response(ignore, () => false, undefined, listener);
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

/**
 * Delivered once, with empty data, when an event-stream frame was malformed, oversized or failed
 * its CRC: nothing after it is read, so what the stream used is unknown.
 */
export const EVENT_STREAM_BROKEN = 'error:malformed-frame';

/**
 * The event name an AWS event-stream message is delivered under, its payload (UTF-8) as the data:
 * `:message-type` `event` gives its `:event-type` (`messageStart`, `metadata`, `chunk`);
 * `exception` gives `exception:<:exception-type>` (`exception:modelStreamErrorException`), and
 * `error` gives `error:<:error-code>`. Event types never contain a colon, so the three cannot
 * be confused. A message without the headers that name it is not delivered.
 */
export function eventStreamEvent(message: EventStreamMessage): string | undefined {
  const type = message.headers.get(':message-type');
  if (type === 'event') return message.headers.get(':event-type');
  if (type === 'exception') return `exception:${message.headers.get(':exception-type') ?? 'unknown'}`;
  if (type === 'error') return `error:${message.headers.get(':error-code') ?? 'unknown'}`;
  return undefined;
}

/** An identity body goes straight to its reader; an encoded one through a decoder. */
class Response implements ResponseReader {
  private readonly sink: ByteSink;
  private decoded = true;

  constructor(
    private readonly inner: BodyReader,
    private readonly overflowed: () => boolean,
    encoding: string | undefined,
    private readonly listener: ResponseListener,
  ) {
    this.sink =
      inner === ignore || encoding === undefined || encoding === '' || encoding.toLowerCase() === 'identity'
        ? inner
        : decodingSink(encoding, inner, (decoded) => {
            if (!decoded) this.decoded = false;
            listener.onDone();
          });
  }

  write(chunk: Uint8Array): void {
    this.sink.write(chunk);
  }

  end(): void {
    this.sink.end();
    if (this.sink === this.inner) this.listener.onDone();
  }

  result(): Extracted {
    return this.inner.result();
  }

  get ok(): boolean {
    return this.decoded && !this.overflowed();
  }
}
