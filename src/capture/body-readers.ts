/**
 * Readers for the two bodies of a call, chosen by content type. They take the
 * bytes as they pass and never throw: the worst a broken body can do is leave
 * the call's usage unknown.
 */
import { NOTHING_EXTRACTED, type Extracted, type FieldSpec } from '../providers/fields.js';
import { decodingSink, type ByteSink } from './decompress.js';
import { boundaryOf, multipartReader, urlEncodedReader, type FieldReader } from './form-fields.js';
import { JsonFieldScanner } from './json-scanner.js';
import { SseReader } from './sse.js';

export interface BodyReader extends ByteSink {
  result(): Extracted;
}

const jsonReader = (specs: readonly FieldSpec[]): BodyReader => {
  const scanner = new JsonFieldScanner(specs);
  return { write: (c) => scanner.write(c), end: () => undefined, result: () => scanner.result() };
};

const formReader = (reader: FieldReader): BodyReader => reader;

const ignore: BodyReader = { write: () => undefined, end: () => undefined, result: () => NOTHING_EXTRACTED };

/** The request body reader; requests are sent uncompressed by every client we know. */
export function requestBodyReader(contentType: string | undefined, specs: readonly FieldSpec[]): BodyReader {
  if (specs.length === 0) return ignore;
  const type = (contentType ?? 'application/json').toLowerCase();
  if (type.startsWith('multipart/form-data')) {
    const boundary = boundaryOf(contentType ?? '');
    return boundary === undefined ? ignore : formReader(multipartReader(boundary, specs));
  }
  if (type.startsWith('application/x-www-form-urlencoded')) return formReader(urlEncodedReader(specs));
  return jsonReader(specs);
}

export type ResponseKind = 'json' | 'sse' | 'other';

export function responseKind(contentType: string | undefined): ResponseKind {
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

/**
 * Decodes (Content-Encoding) and reads a response body: JSON fields, or SSE
 * events passed to `onEvent`. `onDone` runs when everything written has been
 * read, which for compressed bodies is after the decoder drains.
 */
export function responseBodyReader(
  kind: ResponseKind,
  encoding: string | undefined,
  specs: readonly FieldSpec[],
  onEvent: ((event: string, data: string) => void) | undefined,
  onDone: () => void,
): ResponseReader {
  let ok = true;
  let inner: BodyReader;
  let overflowed = () => false;
  if (kind === 'sse' && onEvent !== undefined) {
    const sse = new SseReader(onEvent);
    overflowed = () => sse.overflowed;
    inner = { write: (c) => sse.write(c), end: () => sse.end(), result: () => NOTHING_EXTRACTED };
  } else if (kind === 'json' && specs.length > 0) {
    const scanner = new JsonFieldScanner(specs);
    overflowed = () => scanner.malformed;
    inner = { write: (c) => scanner.write(c), end: () => undefined, result: () => scanner.result() };
  } else {
    inner = ignore;
  }
  // Bodies we do not read are not decoded either.
  const sink =
    inner === ignore
      ? { write: () => undefined, end: () => onDone() }
      : decodingSink(encoding, inner, (decoded) => {
          if (!decoded) ok = false;
          onDone();
        });
  return {
    write: (c) => sink.write(c),
    end: () => sink.end(),
    result: () => inner.result(),
    get ok() {
      return ok && !overflowed();
    },
  };
}
