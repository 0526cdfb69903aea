/**
 * Readers for the two bodies of a call, chosen by content type. They take the
 * bytes as they pass and never throw: the worst a broken body can do is leave
 * the call's usage unknown.
 */
import { NOTHING_EXTRACTED, type Extracted, type FieldSpec } from '../providers/fields.js';
import { decodingSink, type ByteSink } from './decompress.js';
import { boundaryOf, multipartReader, urlEncodedReader } from './form-fields.js';
import { JsonFieldScanner } from './json-scanner.js';
import { SseReader } from './sse.js';

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

export type ResponseKind = 'json' | 'sse' | 'other';

export function responseKind(contentType: string | undefined): ResponseKind {
  // The spellings providers send, told apart without lower-casing.
  if (contentType === 'application/json' || contentType === 'application/json; charset=utf-8') return 'json';
  if (contentType === 'text/event-stream' || contentType === 'text/event-stream; charset=utf-8') return 'sse';
  const type = (contentType ?? '').toLowerCase();
  if (type.includes('text/event-stream')) return 'sse';
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
  /** A server-sent event (SSE responses, when the reader was asked for events). */
  onEvent(event: string, data: string): void;
  /**
   * Asked after each event delivered, when the reader was told events may be skipped: byte patterns
   * such that later events containing none of them need not be delivered (SkipPatterns in sse.ts).
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
): ResponseReader {
  if (kind === 'sse' && events) {
    const skip = skippable && listener.skipPatterns !== undefined ? () => listener.skipPatterns!() : undefined;
    const sse = new SseReader((event, data) => listener.onEvent(event, data), skip);
    return new Response(
      { write: (c) => sse.write(c), end: () => sse.end(), result: () => NOTHING_EXTRACTED },
      () => sse.overflowed,
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
