/**
 * Streaming field extraction from JSON bytes: the same result as
 * `extractFields(JSON.parse(body), specs)` without ever holding the body.
 *
 * A general streaming JSON parser builds every value it passes; measured on a
 * 27 MB embeddings response, @streamparser/json took 1.6 s. This scanner only
 * tracks nesting and the current path; strings it does not need are skipped
 * with native `indexOf`, and only the small values a provider adapter asked for
 * are kept (each capped at VALUE_LIMIT bytes). Malformed input never throws:
 * the scanner stops and reports what it had found.
 */
import { distinctSpecs, splitPath, VALUE_LIMIT, type Extracted, type FieldSpec } from '../providers/fields.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const LETTER_U = 0x75;

/** Keys longer than this are never a path segment an adapter asks for. */
const KEY_LIMIT = 256;

/** A pattern state: spec index × 64 + how many path segments matched. */
type State = number;
const SEGMENT_BITS = 64;

interface Container {
  readonly array: boolean;
  /** Pattern states that matched the path up to this container. */
  readonly states: readonly State[];
  /** Index of the next element (arrays). */
  index: number;
  /** Key of the value being read (objects). */
  key: string | undefined;
  /** In an object: true while a key (not a value) is expected. */
  expectKey: boolean;
}

/** A value being copied out (mode value) or measured (mode chars). */
interface Capture {
  readonly spec: number;
  readonly depth: number;
  readonly chunks: Uint8Array[];
  size: number;
  overflow: boolean;
  /** The bytes seen last, not yet copied into `chunks`: adjacent ranges of a chunk are copied as one. */
  pending: Uint8Array | undefined;
  pendingFrom: number;
  pendingTo: number;
}

type Mode = 'value' | 'chars' | 'count';

/** The specs of a field list in the form the scanner walks. */
interface CompiledSpecs {
  readonly paths: readonly string[];
  readonly segments: readonly (readonly string[])[];
  readonly modes: readonly Mode[];
}

/** Adapters pass the same constant field lists on every call: compile each once. */
const COMPILED = new WeakMap<readonly FieldSpec[], CompiledSpecs>();

function compile(fields: readonly FieldSpec[]): CompiledSpecs {
  let compiled = COMPILED.get(fields);
  if (compiled === undefined) {
    const specs = distinctSpecs(fields);
    compiled = { paths: specs.map((s) => s.path), segments: specs.map((s) => splitPath(s.path)), modes: specs.map((s) => s.mode) };
    COMPILED.set(fields, compiled);
  }
  return compiled;
}

export class JsonFieldScanner {
  private readonly paths: readonly string[];
  private readonly segments: readonly (readonly string[])[];
  private readonly modes: readonly Mode[];
  private readonly found = new Map<number, unknown[]>();

  private readonly stack: Container[] = [];
  private captures: Capture[] = [];
  /** The root value has been completely read (or the input was malformed). */
  private done = false;
  private failed = false;

  // String scanning state, carried across chunks.
  private inString = false;
  private escapeNext = false;
  private stringIsKey = false;
  private keyBytes: number[] | undefined;
  /** Code points counted in the current string, when a chars capture is measuring it. */
  private charCount = -1;
  private unicodeEscape = 0;
  private unicodeHigh = false;
  private unicodeValue = 0;
  private lastWasHighSurrogate = false;

  // Bare scalars (numbers, true/false/null) in progress.
  private inScalar = false;

  constructor(fields: readonly FieldSpec[]) {
    ({ paths: this.paths, segments: this.segments, modes: this.modes } = compile(fields));
  }

  /** Feeds the next bytes of the body. */
  write(chunk: Uint8Array): void {
    if (this.done || this.specsEmpty()) return;
    try {
      this.scan(chunk);
    } catch {
      // A scanner bug must never reach the host: stop and keep what was found.
      this.fail();
    }
  }

  /** What was found so far (complete values only). */
  result(): Extracted {
    const out = new Map<string, unknown[]>();
    for (const [spec, values] of this.found) {
      const path = this.paths[spec]!;
      out.set(path, [...(out.get(path) ?? []), ...values]);
    }
    return out;
  }

  /** True when the input was not JSON (the result holds what preceded the fault). */
  get malformed(): boolean {
    return this.failed;
  }

  private specsEmpty(): boolean {
    return this.paths.length === 0;
  }

  private fail(): void {
    this.failed = true;
    this.done = true;
    this.captures = [];
  }

  private rootStates(): State[] {
    return this.segments.map((_, i) => i * SEGMENT_BITS);
  }

  /** States of a child value reached by `key` (a property name or an array index). */
  private advance(states: readonly State[], key: string): State[] {
    const next: State[] = [];
    for (const state of states) {
      const spec = Math.floor(state / SEGMENT_BITS);
      const matched = state % SEGMENT_BITS;
      const segments = this.segments[spec]!;
      if (matched >= segments.length) continue;
      const want = segments[matched];
      if (want === '*' || want === key) next.push(state + 1);
    }
    return next;
  }

  /** States for the value about to start, given the container it sits in. */
  private statesForValue(): State[] {
    const top = this.stack[this.stack.length - 1];
    if (top === undefined) return this.rootStates();
    if (top.states.length === 0) return [];
    return this.advance(top.states, top.array ? String(top.index) : (top.key ?? ''));
  }

  private record(spec: number, value: unknown): void {
    const list = this.found.get(spec);
    if (list === undefined) this.found.set(spec, [value]);
    else list.push(value);
  }

  /** A value starts at `chunk[i]`: open the captures and counts it completes a path for. */
  private beginValue(states: readonly State[], chunk: Uint8Array, i: number): void {
    for (const state of states) {
      const spec = Math.floor(state / SEGMENT_BITS);
      if (state % SEGMENT_BITS !== this.segments[spec]!.length) continue;
      const mode = this.modes[spec]!;
      if (mode === 'count') this.record(spec, 1);
      else if (mode === 'chars') {
        if (chunk[i] === QUOTE) this.captures.push(newCapture(spec, -1));
      } else this.captures.push(newCapture(spec, this.stack.length));
    }
  }

  private copy(chunk: Uint8Array, from: number, to: number): void {
    if (to <= from) return;
    for (const c of this.captures) {
      if (c.depth < 0 || c.overflow) continue;
      c.size += to - from;
      if (c.size > VALUE_LIMIT) {
        c.overflow = true;
        c.chunks.length = 0;
        c.pending = undefined;
      } else if (c.pending === chunk && c.pendingTo === from) {
        c.pendingTo = to;
      } else {
        flushPending(c);
        c.pending = chunk;
        c.pendingFrom = from;
        c.pendingTo = to;
      }
    }
  }

  /** Closes value captures begun at `depth` (the value that just ended). */
  private endValue(depth: number): void {
    if (this.captures.length === 0) return;
    const still: Capture[] = [];
    for (const c of this.captures) {
      if (c.depth !== depth) {
        still.push(c);
        continue;
      }
      if (c.overflow) continue;
      let text: string;
      if (c.chunks.length === 0 && c.pending !== undefined) {
        // The whole value lies in the chunk being scanned: decode it from there.
        text = utf8(c.pending, c.pendingFrom, c.pendingTo);
      } else {
        flushPending(c);
        text = Buffer.concat(c.chunks).toString('utf8');
      }
      try {
        this.record(c.spec, JSON.parse(text));
      } catch {
        // Not a complete JSON value: leave it out.
      }
    }
    this.captures = still;
  }

  /** After a value in a container ends: arrays move to the next index. */
  private afterValue(): void {
    const top = this.stack[this.stack.length - 1];
    if (top === undefined) {
      this.done = true;
      return;
    }
    if (top.array) top.index++;
    else top.key = undefined;
  }

  private scan(chunk: Uint8Array): void {
    const n = chunk.length;
    let i = 0;
    // Where the current chunk's copy for captures starts.
    let copyFrom = 0;
    let nextBackslash = -2;
    while (i < n && !this.done) {
      if (this.inString) {
        if (this.charCount >= 0) {
          i = this.scanCountedString(chunk, i);
        } else {
          if (this.escapeNext) {
            this.escapeNext = false;
            if (this.keyBytes !== undefined) this.pushKeyBytes(chunk, i, i + 1);
            i++;
          }
          for (;;) {
            if (i >= n) break;
            if (nextBackslash !== -1 && nextBackslash < i) nextBackslash = chunk.indexOf(BACKSLASH, i);
            const quote = chunk.indexOf(QUOTE, i);
            if (nextBackslash !== -1 && (quote === -1 || nextBackslash < quote)) {
              if (this.keyBytes !== undefined) this.pushKeyBytes(chunk, i, nextBackslash + 2);
              i = nextBackslash + 2;
              if (i > n) {
                this.escapeNext = true;
                i = n;
              }
              continue;
            }
            if (quote === -1) {
              if (this.keyBytes !== undefined) this.pushKeyBytes(chunk, i, n);
              i = n;
              break;
            }
            if (this.keyBytes !== undefined) this.pushKeyBytes(chunk, i, quote);
            i = quote + 1;
            this.inString = false;
            break;
          }
        }
        if (!this.inString) {
          if (this.stringIsKey) {
            this.endKey();
          } else {
            this.endMeasured();
            this.copy(chunk, copyFrom, i);
            copyFrom = i;
            this.endValue(this.stack.length);
            this.afterValue();
          }
        }
        continue;
      }
      if (this.inScalar) {
        const b = chunk[i]!;
        if (b === COMMA || b === CLOSE_OBJECT || b === CLOSE_ARRAY || b <= 0x20) {
          this.inScalar = false;
          this.copy(chunk, copyFrom, i);
          copyFrom = i;
          this.endValue(this.stack.length);
          this.afterValue();
          continue;
        }
        i++;
        continue;
      }
      const b = chunk[i]!;
      if (b <= 0x20) {
        i++;
        continue;
      }
      const top = this.stack[this.stack.length - 1];
      if (top !== undefined && !top.array && top.expectKey) {
        if (b === QUOTE) {
          this.startString(true);
          i++;
        } else if (b === CLOSE_OBJECT) {
          i = this.close(chunk, copyFrom, i);
          copyFrom = i;
        } else if (b === COMMA) {
          i++;
        } else {
          this.fail();
        }
        continue;
      }
      if (b === COLON) {
        if (top === undefined || top.array || top.key === undefined) return this.fail();
        i++;
        continue;
      }
      if (b === COMMA) {
        if (top === undefined) return this.fail();
        if (!top.array) top.expectKey = true;
        i++;
        continue;
      }
      if (b === CLOSE_ARRAY || b === CLOSE_OBJECT) {
        if (top === undefined || top.array !== (b === CLOSE_ARRAY)) return this.fail();
        i = this.close(chunk, copyFrom, i);
        copyFrom = i;
        continue;
      }
      // A value starts here.
      const states = this.statesForValue();
      this.copy(chunk, copyFrom, i);
      copyFrom = i;
      this.beginValue(states, chunk, i);
      if (b === OPEN_OBJECT || b === OPEN_ARRAY) {
        this.stack.push({ array: b === OPEN_ARRAY, states, index: 0, key: undefined, expectKey: b === OPEN_OBJECT });
        i++;
      } else if (b === QUOTE) {
        this.startString(false);
        i++;
      } else if (b === 0x2d || (b >= 0x30 && b <= 0x39) || b === 0x74 || b === 0x66 || b === 0x6e) {
        this.inScalar = true;
        i++;
      } else {
        this.fail();
      }
    }
    if (!this.done) this.copy(chunk, copyFrom, n);
    else if (!this.failed) this.copy(chunk, copyFrom, Math.min(i, n));
    // Values still open take their bytes of this chunk now.
    for (const c of this.captures) flushPending(c);
  }

  private close(chunk: Uint8Array, copyFrom: number, i: number): number {
    this.stack.pop();
    this.copy(chunk, copyFrom, i + 1);
    this.endValue(this.stack.length);
    this.afterValue();
    return i + 1;
  }

  private startString(isKey: boolean): void {
    this.inString = true;
    this.escapeNext = false;
    this.stringIsKey = isKey;
    const top = this.stack[this.stack.length - 1];
    // Key text matters only where a pattern could follow it.
    this.keyBytes = isKey && top !== undefined && top.states.length > 0 ? [] : undefined;
    this.charCount = !isKey && this.captures.some((c) => c.depth < 0) ? 0 : -1;
    this.unicodeEscape = 0;
    this.lastWasHighSurrogate = false;
  }

  private pushKeyBytes(chunk: Uint8Array, from: number, to: number): void {
    const bytes = this.keyBytes!;
    const end = Math.min(to, chunk.length);
    if (bytes.length + (end - from) > KEY_LIMIT) {
      this.keyBytes = undefined;
      return;
    }
    for (let k = from; k < end; k++) bytes.push(chunk[k]!);
  }

  private endKey(): void {
    const top = this.stack[this.stack.length - 1]!;
    top.expectKey = false;
    top.key = this.keyBytes === undefined ? '' : decodeKey(this.keyBytes);
    this.keyBytes = undefined;
  }

  /** Records the length of a string that chars captures were measuring. */
  private endMeasured(): void {
    if (this.charCount < 0) return;
    const measured = this.charCount;
    this.captures = this.captures.filter((c) => {
      if (c.depth >= 0) return true;
      this.record(c.spec, measured);
      return false;
    });
    this.charCount = -1;
  }

  /**
   * Counts code points of a string being measured, byte by byte: UTF-8 lead
   * bytes, and escapes (a \\uD8xx\\uDCxx pair is one code point).
   */
  private scanCountedString(chunk: Uint8Array, i: number): number {
    const n = chunk.length;
    while (i < n) {
      const b = chunk[i]!;
      if (this.unicodeEscape > 0) {
        this.unicodeValue = this.unicodeValue * 16 + hexValue(b);
        this.unicodeEscape--;
        i++;
        if (this.unicodeEscape === 0) {
          const v = this.unicodeValue;
          const low = v >= 0xdc00 && v <= 0xdfff;
          if (low && this.lastWasHighSurrogate) {
            this.lastWasHighSurrogate = false; // the pair was counted once, at its high half
          } else {
            this.charCount++;
            this.lastWasHighSurrogate = v >= 0xd800 && v <= 0xdbff;
          }
        }
        continue;
      }
      if (this.escapeNext) {
        this.escapeNext = false;
        i++;
        if (b === LETTER_U) {
          this.unicodeEscape = 4;
          this.unicodeValue = 0;
        } else {
          this.charCount++;
          this.lastWasHighSurrogate = false;
        }
        continue;
      }
      if (b === BACKSLASH) {
        this.escapeNext = true;
        i++;
        continue;
      }
      if (b === QUOTE) {
        this.inString = false;
        return i + 1;
      }
      if ((b & 0xc0) !== 0x80) {
        this.charCount++;
        this.lastWasHighSurrogate = false;
      }
      i++;
    }
    return i;
  }
}

function hexValue(b: number): number {
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  if (b >= 0x61 && b <= 0x66) return b - 0x57;
  if (b >= 0x41 && b <= 0x46) return b - 0x37;
  return 0;
}

function newCapture(spec: number, depth: number): Capture {
  return { spec, depth, chunks: [], size: 0, overflow: false, pending: undefined, pendingFrom: 0, pendingTo: 0 };
}

/** Copies the capture's pending range out of the chunk it came from (a copy, never a view that would keep the chunk alive). */
function flushPending(c: Capture): void {
  if (c.pending === undefined) return;
  c.chunks.push(Uint8Array.prototype.slice.call(c.pending, c.pendingFrom, c.pendingTo));
  c.pending = undefined;
}

function utf8(bytes: Uint8Array, from: number, to: number): string {
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return buffer.toString('utf8', from, to);
}

function decodeKey(bytes: number[]): string {
  // Keys are nearly always plain ASCII: no Buffer for those.
  let plain = true;
  for (let k = 0; k < bytes.length; k++) {
    const b = bytes[k]!;
    if (b >= 0x80 || b === BACKSLASH) {
      plain = false;
      break;
    }
  }
  if (plain) return String.fromCharCode.apply(null, bytes);
  const raw = Buffer.from(bytes).toString('utf8');
  if (!raw.includes('\\')) return raw;
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return raw;
  }
}
