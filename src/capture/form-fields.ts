/**
 * Field extraction from form bodies, for APIs that take forms instead of
 * JSON: multipart/form-data (OpenAI audio uploads: the model is a field after
 * the file) and application/x-www-form-urlencoded (DeepL's client). Paths are
 * field names; repeated fields give several values. Only small text fields are
 * kept; file parts stream past without being held.
 */
import { codePoints, type Extracted, type FieldSpec, VALUE_LIMIT } from '../providers/fields.js';

/** Part headers longer than this are not a form part we can read. */
const HEADER_LIMIT = 8 * 1024;

export interface FieldReader {
  write(chunk: Uint8Array): void;
  end(): void;
  result(): Extracted;
}

function record(out: Map<string, unknown[]>, specs: readonly FieldSpec[], name: string, text: string): void {
  for (const spec of specs) {
    if (spec.path !== name) continue;
    const v = spec.mode === 'chars' ? codePoints(text) : spec.mode === 'count' ? 1 : text;
    out.set(name, [...(out.get(name) ?? []), v]);
  }
}

export function boundaryOf(contentType: string): string | undefined {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return m?.[1] ?? m?.[2];
}

/** multipart/form-data: a streaming reader that keeps only wanted, small, non-file fields. */
export function multipartReader(boundary: string, specs: readonly FieldSpec[]): FieldReader {
  const wanted = new Set(specs.map((s) => s.path));
  const out = new Map<string, unknown[]>();
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  // The body starts with `--boundary` (no CRLF); prefixing one makes every delimiter alike.
  let buffer: Buffer = Buffer.from('\r\n');
  let state: 'preamble' | 'headers' | 'body' | 'done' = 'preamble';
  let field: string | undefined;
  let value: Buffer[] = [];
  let valueSize = 0;

  const consume = (): void => {
    for (;;) {
      if (state === 'done') return;
      if (state === 'preamble' || state === 'body') {
        const at = buffer.indexOf(delimiter);
        if (at === -1) {
          // Keep only what could be the start of a delimiter.
          const keep = Math.min(buffer.length, delimiter.length - 1);
          if (state === 'body' && field !== undefined) take(buffer.subarray(0, buffer.length - keep));
          buffer = buffer.subarray(buffer.length - keep);
          return;
        }
        if (state === 'body' && field !== undefined) take(buffer.subarray(0, at));
        const rest = buffer.subarray(at + delimiter.length);
        if (rest.length < 2) {
          // Wait to see whether this is the closing delimiter.
          buffer = Buffer.from(buffer.subarray(at));
          return;
        }
        if (state === 'body' && field !== undefined && valueSize <= VALUE_LIMIT) {
          record(out, specs, field, Buffer.concat(value).toString('utf8'));
        }
        field = undefined;
        value = [];
        valueSize = 0;
        if (rest[0] === 0x2d && rest[1] === 0x2d) {
          state = 'done';
          return;
        }
        buffer = rest.subarray(2);
        state = 'headers';
      }
      if (state === 'headers') {
        const end = buffer.indexOf('\r\n\r\n');
        if (end === -1) {
          if (buffer.length > HEADER_LIMIT) state = 'done';
          return;
        }
        const headers = buffer.subarray(0, end).toString('utf8');
        const disposition = /content-disposition:[^\r\n]*/i.exec(headers)?.[0] ?? '';
        const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
        const isFile = /\bfilename\*?=/i.test(disposition);
        field = name !== undefined && !isFile && wanted.has(name) ? name : undefined;
        buffer = buffer.subarray(end + 4);
        state = 'body';
      }
    }
  };
  const take = (bytes: Buffer): void => {
    if (bytes.length === 0 || valueSize > VALUE_LIMIT) return;
    valueSize += bytes.length;
    if (valueSize <= VALUE_LIMIT) value.push(Buffer.from(bytes));
  };
  return {
    write(chunk) {
      if (state === 'done') return;
      buffer = buffer.length === 0 ? Buffer.from(chunk) : Buffer.concat([buffer, chunk]);
      consume();
    },
    end() {
      state = 'done';
    },
    result: () => out,
  };
}

/** application/x-www-form-urlencoded, read whole up to VALUE_LIMIT × 16 bytes (forms are small). */
export function urlEncodedReader(specs: readonly FieldSpec[]): FieldReader {
  const limit = VALUE_LIMIT * 16;
  const parts: Buffer[] = [];
  let size = 0;
  let out = new Map<string, unknown[]>();
  return {
    write(chunk) {
      size += chunk.length;
      if (size <= limit) parts.push(Buffer.from(chunk));
    },
    end() {
      if (size > limit) return;
      const params = new URLSearchParams(Buffer.concat(parts).toString('utf8'));
      out = new Map();
      for (const [name, text] of params) record(out, specs, name, text);
    },
    result: () => out,
  };
}
