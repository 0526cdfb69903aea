/**
 * Streaming field extraction from JSON bytes: the same result as
 * `extractFields(JSON.parse(body), specs)` without ever holding the body.
 *
 * A general streaming JSON parser builds every value it passes; measured on a
 * 27 MB embeddings response, @streamparser/json took 1.6 s. This scanner only
 * tracks nesting and, where a field could still be found, the current path:
 * strings are skipped with native `indexOf` (short ones byte by byte), keys are
 * compared as bytes with the path segments they could match (and never decoded
 * where none can), containers no field can be in are walked without any path
 * work, and only the small values a provider adapter asked for are kept (each
 * capped at VALUE_LIMIT bytes). Malformed input never throws: the scanner stops
 * and reports what it had found.
 *
 * The state is a handful of numbers per open container, nothing per value: the
 * specs that may still match below the container being read are a range of
 * `pool` (each level's a subset of its parent's, stacked above it).
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
const MINUS = 0x2d;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;

/** Keys longer than this (as written, escapes included) are never a path segment an adapter asks for: they read as ''. */
const KEY_LIMIT = 256;

/**
 * Strings are searched byte by byte up to this length, then with native indexOf (one call costs about as much
 * as a loop over 50 to 100 bytes); after an escaped quote, for SHORT_AFTER_ESCAPE bytes.
 */
const SHORT_STRING = 32;
const SHORT_AFTER_ESCAPE = 16;

/** From `stringEnd`: the string goes on past the chunk. */
const NOT_FOUND = -1;
/** From `stringEnd`: the string goes on past the chunk, whose last byte is a backslash escaping the next chunk's first. */
const PENDING_ESCAPE = -2;

/** Integers up to this many digits are exact doubles: read without JSON.parse. */
const SAFE_DIGITS = 15;

const MODE_VALUE = 0;
const MODE_CHARS = 1;
const MODE_COUNT = 2;

/** Where a string being read when its chunk ended was. */
const NO_STRING = 0;
const KEY_STRING = 1;
const VALUE_STRING = 2;

/** One dot-separated part of a spec's path, ready to compare. */
interface Segment {
  readonly text: string;
  /** `*`: any key or index. */
  readonly any: boolean;
  /** The bytes of `text` when it is ASCII without backslashes: then a key of as many bytes matches only if written the same. */
  readonly bytes: Uint8Array | undefined;
  /** The array index `text` names (String(index) === text), or -1. */
  readonly index: number;
}

/** The specs of a field list in the form the scanner walks. */
interface CompiledSpecs {
  readonly paths: readonly string[];
  /** No two specs share a path (the usual case): values can be kept by path, as the result hands them out. */
  readonly uniquePaths: boolean;
  /** Room for the candidate pool at the deepest path: each level holds its candidates and its matches. */
  readonly poolSize: number;
  readonly modes: readonly number[];
  readonly segments: readonly (readonly Segment[])[];
}

/** Adapters pass the same constant field lists on every call: compile each once. */
const COMPILED = new WeakMap<readonly FieldSpec[], CompiledSpecs>();

function compile(fields: readonly FieldSpec[]): CompiledSpecs {
  let compiled = COMPILED.get(fields);
  if (compiled === undefined) {
    const specs = distinctSpecs(fields);
    const paths = specs.map((s) => s.path);
    compiled = {
      paths,
      uniquePaths: new Set(paths).size === paths.length,
      modes: specs.map((s) => (s.mode === 'value' ? MODE_VALUE : s.mode === 'chars' ? MODE_CHARS : MODE_COUNT)),
      segments: specs.map((s) => splitPath(s.path).map(segment)),
      poolSize: 2 * specs.length * (Math.max(0, ...specs.map((s) => splitPath(s.path).length)) + 1),
    };
    COMPILED.set(fields, compiled);
  }
  return compiled;
}

function segment(text: string): Segment {
  // eslint-disable-next-line no-control-regex -- ASCII is what byte comparison can decide alone
  const plain = /^[\u0000-\u007f]*$/.test(text) && !text.includes('\\');
  const index = /^(0|[1-9][0-9]{0,14})$/.test(text) ? Number(text) : -1;
  return { text, any: text === '*', bytes: plain ? Buffer.from(text, 'latin1') : undefined, index };
}

/** A value being copied out: from `start` (an offset in the body) to where the value at `depth` ends. */
interface Capture {
  readonly spec: number;
  readonly depth: number;
  readonly start: number;
  /** Copies of the value's bytes in earlier chunks (never views: a view would keep the chunk alive). */
  pieces: Uint8Array[] | undefined;
}

export class JsonFieldScanner {
  private readonly paths: readonly string[];
  private readonly uniquePaths: boolean;
  private readonly modes: readonly number[];
  private readonly segments: readonly (readonly Segment[])[];
  /** Values found per spec, in the order the specs were first found. */
  private found: Map<number, unknown[]> | undefined;
  /** With unique paths: the values found by path, which is the result itself. */
  private byPath: Map<string, unknown[]> | undefined;
  /** The result of a finished scan. */
  private final: Extracted | undefined;
  /** The root value has been completely read (or the input was malformed). */
  private done = false;
  private failed = false;
  /** Body bytes before the chunk being scanned. */
  private offset = 0;

  // The container being read (depth > 0); its ancestors' isArray, index and candidatesFrom are on `stack`.
  private depth = 0;
  private isArray = false;
  /** In an object: true while a key (not a value) is expected. */
  private expectKey = false;
  /** In an object: a key was read and its value has not ended yet. */
  private hasKey = false;
  /** In an array: index of the next element. */
  private index = 0;
  /** pool[candidatesFrom, candidatesTo): specs whose path so far matches the container's and goes on below it. */
  private candidatesFrom = 0;
  private candidatesTo = 0;
  /** After a key: pool[candidatesTo, matchesTo) are the candidates the key matched. */
  private matchesTo = 0;
  /** Sized once, so that filling it never grows it (it still can, past the deepest path). */
  private readonly pool: number[];
  private readonly stack: number[] = [];

  private captures: Capture[] | undefined;

  // A string or bare scalar (number, true/false/null) cut by the end of a chunk.
  private inString = NO_STRING;
  private inScalar = false;
  private escapeNext = false;
  /** Bytes of a key cut by the end of a chunk, when the key is compared; keyLength -1 once over KEY_LIMIT. */
  private keyBytes: Uint8Array | undefined;
  private keyLength = 0;

  // Code points counted in a string value chars specs are measuring (measuring !== undefined).
  private measuring: number[] | undefined;
  private charCount = 0;
  private unicodeEscape = 0;
  private unicodeValue = 0;
  private lastWasHighSurrogate = false;

  constructor(fields: readonly FieldSpec[]) {
    const compiled = compile(fields);
    ({ paths: this.paths, uniquePaths: this.uniquePaths, modes: this.modes, segments: this.segments } = compiled);
    this.pool = new Array<number>(compiled.poolSize).fill(0);
  }

  /** Feeds the next bytes of the body. */
  write(chunk: Uint8Array): void {
    if (this.done || this.paths.length === 0 || chunk.length === 0) return;
    try {
      this.scan(chunk);
    } catch {
      // A scanner bug must never reach the host: stop and keep what was found.
      this.fail();
    }
  }

  /** What was found so far (complete values only). */
  result(): Extracted {
    if (this.final !== undefined) return this.final;
    if (this.uniquePaths) {
      const found = this.byPath ?? new Map<string, unknown[]>();
      if (this.done) return (this.final = found);
      // Still scanning: later values must not show in what was handed out.
      const copy = new Map<string, unknown[]>();
      for (const [path, values] of found) copy.set(path, values.slice());
      return copy;
    }
    const out = new Map<string, unknown[]>();
    // Once the scan is over nothing more is added: the lists are handed out as they are, and the result kept.
    const over = this.done;
    if (this.found !== undefined) {
      for (const [spec, values] of this.found) {
        const path = this.paths[spec]!;
        const earlier = out.get(path);
        out.set(path, earlier !== undefined ? [...earlier, ...values] : over ? values : values.slice());
      }
    }
    if (over) this.final = out;
    return out;
  }

  /** True when the input was not JSON (the result holds what preceded the fault). */
  get malformed(): boolean {
    return this.failed;
  }

  private fail(): void {
    this.failed = true;
    this.done = true;
    this.captures = undefined;
    this.measuring = undefined;
  }

  private record(spec: number, value: unknown): void {
    if (this.uniquePaths) {
      this.byPath ??= new Map();
      const path = this.paths[spec]!;
      const list = this.byPath.get(path);
      if (list === undefined) this.byPath.set(path, [value]);
      else list.push(value);
      return;
    }
    this.found ??= new Map();
    const list = this.found.get(spec);
    if (list === undefined) this.found.set(spec, [value]);
    else list.push(value);
  }

  private scan(chunk: Uint8Array): void {
    const n = chunk.length;
    let i = 0;
    if (this.inString === KEY_STRING) i = this.resumeKey(chunk);
    else if (this.inString === VALUE_STRING) i = this.resumeValueString(chunk);
    else if (this.inScalar) i = this.readScalar(chunk, 0);
    while (i < n && !this.done) {
      const b = chunk[i]!;
      if (b <= 0x20) {
        i++;
        continue;
      }
      if (this.expectKey) {
        if (b === QUOTE) {
          i = this.readKey(chunk, i + 1);
        } else if (b === CLOSE_OBJECT) {
          i = this.close(chunk, i);
        } else if (b === COMMA) {
          i++;
        } else {
          this.fail();
        }
        continue;
      }
      if (b === COLON) {
        if (this.depth === 0 || this.isArray || !this.hasKey) return this.fail();
        i++;
        continue;
      }
      if (b === COMMA) {
        if (this.depth === 0) return this.fail();
        if (!this.isArray) this.expectKey = true;
        i++;
        continue;
      }
      if (b === CLOSE_ARRAY || b === CLOSE_OBJECT) {
        if (this.depth === 0 || this.isArray !== (b === CLOSE_ARRAY)) return this.fail();
        i = this.close(chunk, i);
        continue;
      }
      // A value starts here.
      if (b === QUOTE) {
        this.beginValue(i, b);
        i = this.readValueString(chunk, i + 1);
      } else if (b === OPEN_OBJECT || b === OPEN_ARRAY) {
        this.enter(this.beginValue(i, b), b === OPEN_ARRAY);
        i++;
      } else if (b === MINUS || (b >= DIGIT_0 && b <= DIGIT_9) || b === 0x74 || b === 0x66 || b === 0x6e) {
        this.beginValue(i, b);
        i = this.readScalar(chunk, i + 1);
      } else {
        // Not a value: the counts of the specs it completes are kept all the same (a malformed body keeps what came before).
        this.beginValue(i, b);
        this.fail();
      }
    }
    if (!this.done) this.keepPieces(chunk);
    this.offset += n;
  }

  /**
   * A value starts at byte `i` of the chunk (its first byte is `b`): records the counts and opens the captures
   * of the specs it completes, and leaves those that go on below it at pool[candidatesTo, returned).
   */
  private beginValue(i: number, b: number): number {
    const from = this.candidatesTo;
    let to: number;
    if (this.depth === 0) {
      const pool = this.pool;
      for (let s = 0; s < this.paths.length; s++) pool[s] = s;
      to = this.paths.length;
    } else if (this.candidatesFrom === from) {
      return from;
    } else if (this.isArray) {
      to = this.matchSegment(this.index, undefined);
    } else if (this.hasKey) {
      to = this.matchesTo;
    } else {
      // A value where a key should have been (`{"a":1 "b"}`): it is the value of key ''.
      to = this.matchSegment(-1, '');
    }
    const pool = this.pool;
    const depth = this.depth;
    let next = from;
    for (let k = from; k < to; k++) {
      const spec = pool[k]!;
      if (this.segments[spec]!.length !== depth) {
        pool[next++] = spec;
        continue;
      }
      const mode = this.modes[spec]!;
      if (mode === MODE_COUNT) {
        this.record(spec, 1);
      } else if (mode === MODE_CHARS) {
        if (b === QUOTE) (this.measuring ??= []).push(spec);
      } else {
        (this.captures ??= []).push({ spec, depth, start: this.offset + i, pieces: undefined });
      }
    }
    return next;
  }

  /** Opens a container whose candidates beginValue left at pool[candidatesTo, to). */
  private enter(to: number, array: boolean): void {
    this.stack.push(this.isArray ? 1 : 0, this.index, this.candidatesFrom);
    this.candidatesFrom = this.candidatesTo;
    this.candidatesTo = to;
    this.matchesTo = to;
    this.depth++;
    this.isArray = array;
    this.expectKey = !array;
    this.hasKey = false;
    this.index = 0;
  }

  /** Closes the container whose closing bracket is at `i`; returns the index after it. */
  private close(chunk: Uint8Array, i: number): number {
    const stack = this.stack;
    this.depth--;
    this.candidatesTo = this.candidatesFrom;
    this.matchesTo = this.candidatesFrom;
    this.candidatesFrom = stack.pop()!;
    this.index = stack.pop()!;
    this.isArray = stack.pop() === 1;
    this.expectKey = false;
    this.endValue(chunk, i + 1);
    return i + 1;
  }

  /** The value at the current depth ended before byte `end` of the chunk: close its captures, move on. */
  private endValue(chunk: Uint8Array, end: number): void {
    const captures = this.captures;
    if (captures !== undefined && captures.length > 0 && captures[captures.length - 1]!.depth === this.depth) {
      let first = captures.length - 1;
      while (first > 0 && captures[first - 1]!.depth === this.depth) first--;
      for (let k = first; k < captures.length; k++) this.finish(captures[k]!, chunk, end);
      captures.length = first;
    }
    if (this.depth === 0) this.done = true;
    else if (this.isArray) this.index++;
    else this.hasKey = false;
  }

  private finish(c: Capture, chunk: Uint8Array, end: number): void {
    if (this.offset + end - c.start > VALUE_LIMIT) return;
    let value: unknown;
    if (c.pieces === undefined) {
      value = parseValue(chunk, c.start - this.offset, end);
    } else {
      c.pieces.push(Uint8Array.prototype.slice.call(chunk, 0, end));
      const whole = Buffer.concat(c.pieces);
      value = parseValue(whole, 0, whole.length);
    }
    if (value !== NOT_JSON) this.record(c.spec, value);
  }

  /** The chunk ends inside the values being captured: copy their bytes of it (or give up on those over the limit). */
  private keepPieces(chunk: Uint8Array): void {
    const captures = this.captures;
    if (captures === undefined || captures.length === 0) return;
    const end = this.offset + chunk.length;
    let kept = 0;
    for (const c of captures) {
      if (end - c.start > VALUE_LIMIT) continue;
      const from = Math.max(0, c.start - this.offset);
      (c.pieces ??= []).push(Uint8Array.prototype.slice.call(chunk, from, chunk.length));
      captures[kept++] = c;
    }
    captures.length = kept;
  }

  /**
   * Candidates of the current container whose segment matches array index `index` (`key`
   * undefined) or the object key `key` (decoded), written after them.
   */
  private matchSegment(index: number, key: string | undefined): number {
    const pool = this.pool;
    const segmentAt = this.depth - 1;
    let to = this.candidatesTo;
    for (let k = this.candidatesFrom; k < this.candidatesTo; k++) {
      const spec = pool[k]!;
      const s = this.segments[spec]![segmentAt]!;
      if (s.any || (key === undefined ? s.index === index : s.text === key)) pool[to++] = spec;
    }
    return to;
  }

  /**
   * Candidates of the current container whose segment matches the key written as bytes[from, to), written after
   * them. A key is only decoded when its bytes alone cannot decide (escapes, non-ASCII segments).
   */
  private matchKey(bytes: Uint8Array, from: number, to: number): void {
    if (to - from > KEY_LIMIT) {
      this.matchesTo = this.matchSegment(-1, '');
      return;
    }
    const pool = this.pool;
    const segmentAt = this.depth - 1;
    const length = to - from;
    let out = this.candidatesTo;
    let decoded: string | undefined;
    /** -1 not looked for yet, 0 no, 1 yes. */
    let escaped = -1;
    for (let k = this.candidatesFrom; k < this.candidatesTo; k++) {
      const spec = pool[k]!;
      const s = this.segments[spec]![segmentAt]!;
      let hit: boolean;
      if (s.any) {
        hit = true;
      } else if (s.bytes !== undefined && length <= s.bytes.length) {
        // Decoding never lengthens a key: shorter bytes cannot match, bytes of the same length only as written.
        hit = length === s.bytes.length && sameBytes(bytes, from, s.bytes);
      } else {
        // An ASCII segment shorter than the bytes matches only a key with escapes.
        if (s.bytes !== undefined && escaped < 0) escaped = hasBackslash(bytes, from, to) ? 1 : 0;
        if (s.bytes !== undefined && escaped === 0) hit = false;
        else hit = (decoded ??= decodeKey(bytes, from, to)) === s.text;
      }
      if (hit) pool[out++] = spec;
    }
    this.matchesTo = out;
  }

  /** A key starts at byte `from`; returns where scanning goes on. */
  private readKey(chunk: Uint8Array, from: number): number {
    const end = stringEnd(chunk, from);
    if (end < 0) {
      this.inString = KEY_STRING;
      this.escapeNext = end === PENDING_ESCAPE;
      if (this.candidatesFrom < this.candidatesTo) {
        this.keyLength = 0;
        this.appendKey(chunk, from, chunk.length);
      }
      return chunk.length;
    }
    this.expectKey = false;
    this.hasKey = true;
    if (this.candidatesFrom < this.candidatesTo) this.matchKey(chunk, from, end);
    return end + 1;
  }

  private resumeKey(chunk: Uint8Array): number {
    const from = this.escapeNext ? 1 : 0;
    this.escapeNext = false;
    const end = from >= chunk.length ? NOT_FOUND : stringEnd(chunk, from);
    const compared = this.candidatesFrom < this.candidatesTo;
    if (end < 0) {
      this.escapeNext = end === PENDING_ESCAPE;
      if (compared) this.appendKey(chunk, 0, chunk.length);
      return chunk.length;
    }
    this.inString = NO_STRING;
    this.expectKey = false;
    this.hasKey = true;
    if (compared) {
      this.appendKey(chunk, 0, end);
      if (this.keyLength < 0) this.matchesTo = this.matchSegment(-1, '');
      else this.matchKey(this.keyBytes!, 0, this.keyLength);
    }
    return end + 1;
  }

  private appendKey(chunk: Uint8Array, from: number, to: number): void {
    if (this.keyLength < 0) return;
    if (this.keyLength + (to - from) > KEY_LIMIT) {
      this.keyLength = -1;
      return;
    }
    this.keyBytes ??= new Uint8Array(KEY_LIMIT);
    this.keyBytes.set(chunk.subarray(from, to), this.keyLength);
    this.keyLength += to - from;
  }

  /** A string value starts at byte `from` (after its quote); returns where scanning goes on. */
  private readValueString(chunk: Uint8Array, from: number): number {
    if (this.measuring !== undefined) {
      this.charCount = 0;
      this.unicodeEscape = 0;
      this.lastWasHighSurrogate = false;
      this.escapeNext = false;
      return this.measuredString(chunk, from);
    }
    const end = stringEnd(chunk, from);
    if (end < 0) {
      this.inString = VALUE_STRING;
      this.escapeNext = end === PENDING_ESCAPE;
      return chunk.length;
    }
    this.endValue(chunk, end + 1);
    return end + 1;
  }

  private resumeValueString(chunk: Uint8Array): number {
    if (this.measuring !== undefined) return this.measuredString(chunk, 0);
    const from = this.escapeNext ? 1 : 0;
    this.escapeNext = false;
    const end = from >= chunk.length ? NOT_FOUND : stringEnd(chunk, from);
    if (end < 0) {
      this.escapeNext = end === PENDING_ESCAPE;
      return chunk.length;
    }
    this.inString = NO_STRING;
    this.endValue(chunk, end + 1);
    return end + 1;
  }

  /** Reads a string chars specs measure; records its length where it ends. */
  private measuredString(chunk: Uint8Array, from: number): number {
    const end = this.countCodePoints(chunk, from);
    if (end < 0) {
      this.inString = VALUE_STRING;
      return chunk.length;
    }
    this.inString = NO_STRING;
    const measuring = this.measuring!;
    this.measuring = undefined;
    for (const spec of measuring) this.record(spec, this.charCount);
    this.endValue(chunk, end);
    return end;
  }

  /** A bare scalar goes on from byte `from`; returns where it ends (or the chunk's length). */
  private readScalar(chunk: Uint8Array, from: number): number {
    const n = chunk.length;
    for (let i = from; i < n; i++) {
      const b = chunk[i]!;
      if (b === COMMA || b === CLOSE_OBJECT || b === CLOSE_ARRAY || b <= 0x20) {
        this.inScalar = false;
        this.endValue(chunk, i);
        return i;
      }
    }
    this.inScalar = true;
    return n;
  }

  /**
   * Counts code points of a string being measured, byte by byte from `i`: UTF-8 lead bytes, and escapes (a
   * \\uD8xx\\uDCxx pair is one code point). Returns the index after the closing quote, or -1 at the chunk's end.
   */
  private countCodePoints(chunk: Uint8Array, i: number): number {
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
      if (b === QUOTE) return i + 1;
      if ((b & 0xc0) !== 0x80) {
        this.charCount++;
        this.lastWasHighSurrogate = false;
      }
      i++;
    }
    return -1;
  }
}

/**
 * Where the string whose content goes on at `i` (not an escaped byte) ends: the index of its closing quote,
 * or NOT_FOUND / PENDING_ESCAPE when it goes on past the chunk.
 */
function stringEnd(chunk: Uint8Array, i: number): number {
  const n = chunk.length;
  let span = SHORT_STRING;
  for (;;) {
    // Byte by byte first: most strings are short, and the \" closing a quoted word is near the one opening it.
    const short = Math.min(n, i + span);
    while (i < short) {
      const b = chunk[i]!;
      if (b === QUOTE) return i;
      i += b === BACKSLASH ? 2 : 1;
    }
    if (i >= n) return i > n ? PENDING_ESCAPE : NOT_FOUND;
    const quote = chunk.indexOf(QUOTE, i);
    // The backslashes just before a quote (or the chunk's end) escape it when they are odd in number.
    const to = quote === -1 ? n : quote;
    let k = to;
    while (k > i && chunk[k - 1] === BACKSLASH) k--;
    const escaped = ((to - k) & 1) === 1;
    if (quote === -1) return escaped ? PENDING_ESCAPE : NOT_FOUND;
    if (!escaped) return quote;
    i = quote + 1;
    span = SHORT_AFTER_ESCAPE;
  }
}

function hasBackslash(bytes: Uint8Array, from: number, to: number): boolean {
  for (let k = from; k < to; k++) if (bytes[k] === BACKSLASH) return true;
  return false;
}

function sameBytes(bytes: Uint8Array, from: number, expected: Uint8Array): boolean {
  for (let k = 0; k < expected.length; k++) if (bytes[from + k] !== expected[k]) return false;
  return true;
}

function hexValue(b: number): number {
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  if (b >= 0x61 && b <= 0x66) return b - 0x57;
  if (b >= 0x41 && b <= 0x46) return b - 0x37;
  return 0;
}

/** What parseValue returns for text that is not one JSON value. */
const NOT_JSON = Symbol('not JSON');

function parseText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return NOT_JSON;
  }
}

/** The JSON value written as bytes[from, to): what JSON.parse makes of it, without it for plain strings, integers and literals. */
function parseValue(bytes: Uint8Array, from: number, to: number): unknown {
  const first = bytes[from]!;
  const length = to - from;
  if (first === QUOTE) {
    // No escapes, controls or UTF-8 to check: the bytes between the quotes are the string.
    let plain = length >= 2 && bytes[to - 1] === QUOTE;
    for (let k = from + 1; plain && k < to - 1; k++) {
      const b = bytes[k]!;
      plain = b >= 0x20 && b < 0x80 && b !== BACKSLASH;
    }
    if (plain) return latin1(bytes, from + 1, to - 1);
  } else if (first === 0x74) {
    if (length === 4 && bytes[from + 1] === 0x72 && bytes[from + 2] === 0x75 && bytes[from + 3] === 0x65) return true;
  } else if (first === 0x66) {
    if (length === 5 && bytes[from + 1] === 0x61 && bytes[from + 2] === 0x6c && bytes[from + 3] === 0x73 && bytes[from + 4] === 0x65) {
      return false;
    }
  } else if (first === 0x6e) {
    if (length === 4 && bytes[from + 1] === 0x75 && bytes[from + 2] === 0x6c && bytes[from + 3] === 0x6c) return null;
  } else {
    const integer = parseInteger(bytes, from, to);
    if (integer !== undefined) return integer;
  }
  return parseText(utf8(bytes, from, to));
}

/** -?(0|[1-9][0-9]*) of at most SAFE_DIGITS digits, or undefined (anything else is left to JSON.parse). */
function parseInteger(bytes: Uint8Array, from: number, to: number): number | undefined {
  const negative = bytes[from] === MINUS;
  const start = negative ? from + 1 : from;
  const digits = to - start;
  if (digits < 1 || digits > SAFE_DIGITS || (bytes[start] === DIGIT_0 && digits > 1)) return undefined;
  let n = 0;
  for (let k = start; k < to; k++) {
    const b = bytes[k]!;
    if (b < DIGIT_0 || b > DIGIT_9) return undefined;
    n = n * 10 + (b - DIGIT_0);
  }
  return negative ? -n : n;
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function utf8(bytes: Uint8Array, from: number, to: number): string {
  return asBuffer(bytes).toString('utf8', from, to);
}

function latin1(bytes: Uint8Array, from: number, to: number): string {
  return asBuffer(bytes).toString('latin1', from, to);
}

/** The key written as bytes[from, to), decoded as the reference extraction sees it. */
function decodeKey(bytes: Uint8Array, from: number, to: number): string {
  const raw = utf8(bytes, from, to);
  if (!raw.includes('\\')) return raw;
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return raw;
  }
}
