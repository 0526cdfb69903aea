/**
 * Server-sent events from body bytes, for reading streamed usage: UTF-8
 * decoding across chunk boundaries, then eventsource-parser with a buffer
 * bound, so a stream that never ends an event cannot make us hold it.
 *
 * A reader whose listener can tell which events it still needs (`skip`) skips
 * the others unread. After each event delivered it asks; when the answer is a
 * list of byte patterns, a later event is decoded and parsed only if its bytes
 * contain one of them. The bytes are searched as they come, with native
 * `indexOf`, and cut at blank lines (`\n\n`): each one ends an event whatever
 * line breaks the stream uses (the line before it ended at its first `\n`, so
 * the second is an empty line), and leaves the parser with nothing pending.
 * So the bytes between two of them are either given to the parser whole, from
 * that clean state, or not at all: the events delivered are exactly those the
 * plain reader delivers whose bytes (comment, `id:` and `event:` lines
 * included) contain a pattern, in order and unchanged.
 *
 * Streams with other line breaks (`\r\n`, Python's sse-starlette's default,
 * or a lone `\r`) have no `\n\n` between events. So the first
 * `\r` in bytes about to be read, held back, or judged for where an event
 * starts turns every line break from there on into one `\n` before the bytes
 * are scanned: the same lines, so the same events, and the same patterns found
 * (none holds a line break). Nothing with a `\r` has reached the parser or the
 * carry by then, and the byte before it is no `\r`; a `\r` in bytes skipped
 * before only ended events without a pattern. LF streams search for `\r` at
 * most once a chunk, in what is read or held, as they did before.
 */
import { createParser, type EventSourceParser } from 'eventsource-parser';
import type { Extracted, FieldSpec } from '../providers/fields.js';
import { JsonFieldScanner } from './json-scanner.js';

/** Most characters held while an event (or line) is incomplete; past it the stream is given up on. */
export const EVENT_LIMIT = 1024 * 1024;

/**
 * Asked after each event delivered: byte patterns such that every later event whose bytes contain
 * none of them may be skipped, or undefined to read every event. Answer with the same array each
 * time (it is compiled once, by identity); a pattern must be non-empty and hold no line break.
 */
export type SkipPatterns = () => readonly string[] | undefined;

/**
 * Events too long to hold (more than EVENT_LIMIT bytes: a Responses `response.completed` carrying a
 * generated image next to its usage), read instead of giving the stream up: the JSON of their data
 * is scanned as it passes for `fields` only, so memory stays bounded whatever their size. Only for
 * readers given skip patterns (the plain reader still gives up); with any line breaks.
 */
export interface LargeEvents {
  readonly fields: readonly FieldSpec[];
  onEvent(event: string, fields: Extracted): void;
}

/** Longest `event:` name kept of a large event; longer names are nobody's. */
const NAME_LIMIT = 256;
const EVENT_FIELD = Buffer.from('event:');
const DATA_FIELD = Buffer.from('data:');
const NEWLINE = Buffer.from('\n');

/** One large event's bytes, from its first: its name kept, its data lines' JSON scanned. */
class LargeEvent {
  private readonly scanner: JsonFieldScanner;
  /** The start of the line under way, until its field name is known. */
  private head = Buffer.alloc(0);
  private field: 'unknown' | 'event' | 'data' | 'other' = 'unknown';
  /** After `data:`, one space is not part of the value. */
  private spaceNext = false;
  private dataLines = 0;
  private name = '';

  constructor(fields: readonly FieldSpec[]) {
    this.scanner = new JsonFieldScanner(fields);
  }

  write(bytes: Uint8Array): void {
    let pos = 0;
    while (pos < bytes.length) {
      const lf = bytes.indexOf(LF, pos);
      const end = lf === -1 ? bytes.length : lf;
      if (this.field === 'unknown') pos = this.readFieldName(bytes, pos, end);
      if (this.field === 'data' && pos < end) {
        if (this.spaceNext) {
          this.spaceNext = false;
          if (bytes[pos] === 0x20) pos++;
        }
        if (pos < end) this.scanner.write(bytes.subarray(pos, end));
      } else if (this.field === 'event' && pos < end && this.name.length < NAME_LIMIT) {
        this.name += Buffer.from(bytes.subarray(pos, Math.min(end, pos + NAME_LIMIT))).toString('utf8');
      }
      if (lf === -1) return;
      this.field = 'unknown';
      this.head = Buffer.alloc(0);
      pos = lf + 1;
    }
  }

  /** Reads the line's first bytes until its field is known; where its value starts. */
  private readFieldName(bytes: Uint8Array, pos: number, end: number): number {
    const want = Math.min(end - pos, EVENT_FIELD.length - this.head.length);
    const head = Buffer.concat([this.head, bytes.subarray(pos, pos + want)]);
    const isPrefix = (field: Buffer) => head.length <= field.length && field.subarray(0, head.length).equals(head);
    if (head.length >= DATA_FIELD.length && head.subarray(0, DATA_FIELD.length).equals(DATA_FIELD)) {
      this.field = 'data';
      this.spaceNext = true;
      // Data lines after the first are joined with a line break, as the parser would: JSON white space.
      if (this.dataLines++ > 0) this.scanner.write(NEWLINE);
      return pos + (DATA_FIELD.length - this.head.length);
    }
    if (head.equals(EVENT_FIELD)) {
      this.field = 'event';
      this.name = '';
      return pos + want;
    }
    if (want === end - pos && (isPrefix(DATA_FIELD) || isPrefix(EVENT_FIELD))) {
      // The line's name goes on in the next chunk (or the line ends here).
      this.head = head;
      return end;
    }
    this.field = 'other';
    return end;
  }

  /** The event's name and the fields its data had; undefined when the data was not JSON. */
  result(): { name: string; fields: Extracted } | undefined {
    if (this.dataLines === 0 || this.scanner.malformed) return undefined;
    return { name: this.name.trim() === '' ? 'message' : this.name.trim(), fields: this.scanner.result() };
  }
}

const LF = 10;
const CR = 13;
const BLANK_LINE = Buffer.from('\n\n');
const STREAM = { stream: true } as const;
const NO_BYTES = Buffer.alloc(0);
/** A carry buffer bigger than this is let go once it is emptied. */
const CARRY_KEPT = 64 * 1024;

/**
 * A pattern as searched: `Buffer.prototype.indexOf` is fastest when the first byte of what it looks
 * for is rare (it skips with memchr to each occurrence of that byte), so it looks for a short key that
 * starts at the pattern's least common byte, and each place the key is found is checked whole.
 */
interface Needle {
  readonly bytes: Buffer;
  /** Where the key starts in the pattern. */
  readonly at: number;
  readonly key: Buffer;
}

/** Bytes of JSON event streams, most common first (by the look of provider streams); others are rarer still. */
const COMMON_BYTES = ' "etaoinsrl:,cdhu_m0123456789p{}f.yw[]bvk-g';
/**
 * Node's string search finds keys shorter than 7 bytes with memchr on their first byte; longer ones
 * switch to Boyer–Moore–Horspool after a few false starts, which JSON soon gives and where it is slow.
 */
const KEY_LENGTH = 6;

function needleOf(pattern: string): Needle | undefined {
  if (pattern === '' || /[\r\n]/.test(pattern)) return undefined;
  const bytes = Buffer.from(pattern, 'utf8');
  let at = 0;
  let rank = -1;
  for (let i = 0; i < bytes.length; i++) {
    const common = COMMON_BYTES.indexOf(String.fromCharCode(bytes[i]!));
    const r = common === -1 || bytes[i]! >= 0x80 ? COMMON_BYTES.length : common;
    if (r > rank) {
      rank = r;
      at = i;
    }
  }
  return { bytes, at, key: bytes.subarray(at, Math.min(bytes.length, at + KEY_LENGTH)) };
}

/** Compiled pattern lists by identity; null when a list cannot be used (then nothing is skipped). */
const compiled = new WeakMap<readonly string[], readonly Needle[] | null>();

function needlesOf(patterns: readonly string[] | undefined): readonly Needle[] | undefined {
  if (patterns === undefined) return undefined;
  let needles = compiled.get(patterns);
  if (needles === undefined) {
    const list = patterns.map(needleOf);
    needles = list.every((n) => n !== undefined) ? (list as Needle[]) : null;
    compiled.set(patterns, needles);
  }
  return needles ?? undefined;
}

/** `bytes` is at `at` in `chunk`, wholly. */
function isAt(chunk: Uint8Array, at: number, bytes: Uint8Array): boolean {
  if (at < 0 || at + bytes.length > chunk.length) return false;
  for (let i = 0; i < bytes.length; i++) if (chunk[at + i] !== bytes[i]) return false;
  return true;
}

/** Where the first occurrence of the needle at or after `from` starts, wholly inside `chunk`; -1 if none. */
function find(chunk: Buffer, needle: Needle, from: number): number {
  const { bytes, at, key } = needle;
  for (let k = chunk.indexOf(key, from + at); k !== -1; k = chunk.indexOf(key, k + 1)) {
    // Every later occurrence of the key would run past the end too: the next chunk's straddle check finds it.
    if (k - at + bytes.length > chunk.length) return -1;
    if (isAt(chunk, k - at, bytes)) return k - at;
  }
  return -1;
}

/** A search position not looked for yet in this chunk. */
const UNSEARCHED = -2;

export class SseReader {
  private decoder = new TextDecoder('utf-8');
  private readonly parser: EventSourceParser;
  private abandoned = false;
  /** Every byte goes to the parser as it comes: no listener to ask. */
  private readonly plain: boolean;
  /** What the listener needs, as of the last event delivered; undefined: every event. */
  private needles: readonly Needle[] | undefined;
  /** The parser holds the start of an event (lines since the last blank line): the rest of it must follow. */
  private feeding = false;
  /** The last byte given to the parser (while feeding) was `\n`: a `\n` first in the next chunk ends the event. */
  private lastFedLf = false;
  /** The parser holds bytes of the event under way (bytes of it were fed since the last one ended). */
  private pending = false;
  /** A `\r` was seen: every chunk's line breaks are made `\n` before it is scanned. */
  private normalizing = false;
  /** While normalizing: the last chunk ended in `\r`, so a `\n` first in the next is the same line break. */
  private crLast = false;
  /** Where the next `\r` in the current chunk is, at or after the last place looked from (-1: none). */
  private crAt = UNSEARCHED;
  /** Bytes since the last blank line held back from the parser: the start of an event that may be skipped. */
  private carry: Buffer = NO_BYTES;
  private carryLength = 0;
  /** Per needle of `hitsOf`, where its next occurrence in the current chunk starts (-1: none). */
  private readonly hits: number[] = [];
  private hitsOf: readonly Needle[] | undefined;
  /** With `large`: the bytes of the event under way given to the parser, until it ends (bounded by EVENT_LIMIT). */
  private fedParts: Uint8Array[] = [];
  private fedLength = 0;
  /** A large event under way, read outside the parser. */
  private largeEvent: LargeEvent | undefined;

  constructor(
    onEvent: (event: string, data: string) => void,
    private readonly skip?: SkipPatterns,
    private readonly large?: LargeEvents,
  ) {
    this.plain = skip === undefined;
    this.parser = createParser({
      maxBufferSize: EVENT_LIMIT,
      onEvent: (e) => {
        onEvent(e.event ?? 'message', e.data);
        if (this.skip !== undefined) this.needles = needlesOf(this.skip());
      },
      onError: (error) => {
        if (error.type === 'max-buffer-size-exceeded') this.abandoned = true;
      },
    });
  }

  /** True when the stream broke the buffer bound and reading stopped. */
  get overflowed(): boolean {
    return this.abandoned;
  }

  write(chunk: Uint8Array): void {
    if (this.abandoned) return;
    if (this.plain) this.feed(chunk);
    else this.scan(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  }

  end(): void {
    if (this.abandoned) return;
    // Bytes held back are an event without any pattern: skipped like the others.
    this.carryLength = 0;
    this.carry = NO_BYTES;
    // A large event the stream ended in counts, as a last event without its blank line does.
    if (this.largeEvent !== undefined) this.eventEnded();
    // A last event without its blank line still counts (servers that close right after it):
    // the line breaks it lacks are added. A stream that ended with them gains an empty line only.
    this.parser.feed(`${this.decoder.decode()}\n\n`);
    this.parser.reset();
  }

  private feed(bytes: Uint8Array): void {
    if (!this.abandoned) this.parser.feed(this.decoder.decode(bytes, STREAM));
  }

  private scan(chunk: Buffer): void {
    if (chunk.length === 0) return;
    if (this.normalizing) chunk = this.lineFeeds(chunk, 0);
    let n = chunk.length;
    this.hitsOf = undefined;
    this.crAt = this.normalizing ? -1 : UNSEARCHED;
    let pos = 0;
    while (pos < n && !this.abandoned) {
      const needles = this.needles;
      if (this.feeding || needles === undefined) {
        // To the parser, up to the end of the event: one event at a time until the listener says what it needs.
        const end = this.eventEnd(chunk, pos);
        if (this.hasCr(chunk, pos, end === -1 ? n : end)) {
          chunk = this.startNormalizing(chunk, pos);
          n = chunk.length;
          pos = 0;
          continue;
        }
        if (end === -1) {
          this.feedPart(pos === 0 ? chunk : chunk.subarray(pos));
          this.feeding = true;
          this.lastFedLf = chunk[n - 1] === LF;
          return;
        }
        this.feeding = false;
        this.feedPart(chunk.subarray(pos, end));
        this.eventEnded();
        pos = end;
        continue;
      }
      // Skipping. The event held back in the carry is needed if a pattern runs from it into this chunk.
      if (pos === 0 && this.carryLength > 0 && this.straddles(chunk, needles)) {
        this.release();
        this.feeding = true;
        continue;
      }
      const hit = this.nextHit(chunk, pos, needles);
      // Where the event with the hit starts is judged by blank lines: not before the line breaks are `\n`.
      if (hit !== -1 && this.hasCr(chunk, pos, hit)) {
        chunk = this.startNormalizing(chunk, pos);
        n = chunk.length;
        pos = 0;
        continue;
      }
      const start = this.eventStart(chunk, pos, hit === -1 ? n : hit);
      if (hit === -1) {
        if (start !== -1) {
          this.drop();
          pos = start;
        }
        if (this.hasCr(chunk, pos, n)) {
          chunk = this.startNormalizing(chunk, pos);
          n = chunk.length;
          pos = 0;
          continue;
        }
        this.hold(chunk, pos);
        return;
      }
      // The event with the pattern, from its start (in the carry, or after a blank line here).
      if (start === -1) this.release();
      else {
        this.drop();
        pos = start;
      }
      this.feeding = true;
    }
  }

  /** `chunk` has a `\r` at or after `from` and before `to` (searched once per chunk while there is none). */
  private hasCr(chunk: Buffer, from: number, to: number): boolean {
    let at = this.crAt;
    if (at === UNSEARCHED || (at !== -1 && at < from)) this.crAt = at = chunk.indexOf(CR, from);
    return at !== -1 && at < to;
  }

  /**
   * The first `\r` is in the chunk at or after `pos`, where nothing of it has been read yet: from
   * there on, line breaks become `\n`. Returns the rest of the chunk so, to be scanned from its start.
   */
  private startNormalizing(chunk: Buffer, pos: number): Buffer {
    this.normalizing = true;
    this.crAt = -1;
    this.hitsOf = undefined;
    // An event judged to start at `pos` by the `\n\n` before it is judged again, where it may end sooner.
    if (!this.pending) this.feeding = false;
    return this.lineFeeds(chunk, pos);
  }

  /** The chunk from `from` with each `\r\n` and lone `\r` made one `\n` (the chunk itself when it has none). */
  private lineFeeds(chunk: Buffer, from: number): Buffer {
    if (this.crLast) {
      this.crLast = false;
      if (chunk[from] === LF) from++;
    }
    let cr = chunk.indexOf(CR, from);
    if (cr === -1) return from === 0 ? chunk : chunk.subarray(from);
    const out = Buffer.allocUnsafe(chunk.length - from);
    let length = 0;
    while (cr !== -1) {
      length += chunk.copy(out, length, from, cr);
      out[length++] = LF;
      from = cr + 1;
      if (from === chunk.length) {
        this.crLast = true;
        break;
      }
      if (chunk[from] === LF) from++;
      cr = chunk.indexOf(CR, from);
    }
    length += chunk.copy(out, length, from);
    return out.subarray(0, length);
  }

  /** Where the blank line that ends the event under way ends, at or after `pos`; -1 if not in this chunk. */
  private eventEnd(chunk: Buffer, pos: number): number {
    if (pos === 0 && this.feeding && this.lastFedLf && chunk[0] === LF) return 1;
    const i = chunk.indexOf(BLANK_LINE, pos);
    return i === -1 ? -1 : i + 2;
  }

  /**
   * Where the event holding the byte before `limit` starts: after the last blank line between
   * `pos` and it; -1 when there is none, so it started at `pos` (or in the carry, when `pos` is 0).
   */
  private eventStart(chunk: Buffer, pos: number, limit: number): number {
    if (limit >= 2) {
      const i = chunk.lastIndexOf(BLANK_LINE, limit - 2);
      if (i !== -1 && i + 2 > pos) return i + 2;
    }
    if (pos === 0 && this.carryLength > 0 && this.carry[this.carryLength - 1] === LF && limit > 0 && chunk[0] === LF) return 1;
    return -1;
  }

  /** Where the next pattern wholly in the chunk at or after `from` starts; -1 if none. */
  private nextHit(chunk: Buffer, from: number, needles: readonly Needle[]): number {
    const hits = this.hits;
    if (this.hitsOf !== needles) {
      this.hitsOf = needles;
      hits.length = needles.length;
      hits.fill(UNSEARCHED);
    }
    let first = -1;
    for (let i = 0; i < needles.length; i++) {
      let at = hits[i]!;
      if (at === UNSEARCHED || (at !== -1 && at < from)) hits[i] = at = find(chunk, needles[i]!, from);
      if (at !== -1 && (first === -1 || at < first)) first = at;
    }
    return first;
  }

  /** A pattern that starts in the carry and ends in this chunk. */
  private straddles(chunk: Buffer, needles: readonly Needle[]): boolean {
    const carry = this.carry;
    const held = this.carryLength;
    for (const { bytes } of needles) {
      // `t` bytes of the pattern end the carry, the rest start the chunk.
      for (let t = Math.max(1, bytes.length - chunk.length); t < bytes.length && t <= held; t++) {
        if (chunk[0] !== bytes[t]) continue;
        let i = 1;
        while (t + i < bytes.length && chunk[i] === bytes[t + i]) i++;
        if (t + i < bytes.length) continue;
        let j = 0;
        while (j < t && carry[held - t + j] === bytes[j]) j++;
        if (j === t) return true;
      }
    }
    return false;
  }

  /**
   * The end of the chunk, from `pos` (where its last event starts; no `\r` in it), has no pattern:
   * kept back as the start of an event that may still need reading.
   */
  private hold(chunk: Buffer, pos: number): void {
    const n = chunk.length;
    const more = n - pos;
    if (more === 0) return;
    if (this.carryLength + more > EVENT_LIMIT) {
      // Too long to hold back: the parser reads it, within its own bound, as the plain reader would
      // (or, with `large`, a large event's reader).
      this.release();
      this.feedPart(chunk.subarray(pos));
      this.feeding = true;
      this.lastFedLf = chunk[n - 1] === LF;
      return;
    }
    if (this.carry.length < this.carryLength + more) {
      const grown = Buffer.allocUnsafe(Math.min(EVENT_LIMIT, Math.max(1024, 2 * (this.carryLength + more))));
      this.carry.copy(grown, 0, 0, this.carryLength);
      this.carry = grown;
    }
    chunk.copy(this.carry, this.carryLength, pos, n);
    this.carryLength += more;
  }

  /** Forgets the carry: the event in it ended without a pattern. */
  private drop(): void {
    this.carryLength = 0;
    if (this.carry.length > CARRY_KEPT) this.carry = NO_BYTES;
  }

  /** Gives the carry to the parser: the event in it is read after all. */
  private release(): void {
    const held = this.carryLength;
    this.lastFedLf = held > 0 && this.carry[held - 1] === LF;
    this.carryLength = 0;
    // Copied when kept for a large event: the carry is written over.
    if (held > 0) this.feedPart(this.large === undefined ? this.carry.subarray(0, held) : Buffer.from(this.carry.subarray(0, held)));
    if (this.carry.length > CARRY_KEPT) this.carry = NO_BYTES;
  }

  /**
   * Bytes of the event under way, to the parser; with `large`, to a large event's reader instead once
   * the event outgrows EVENT_LIMIT (before the parser would give up: it counts characters, we bytes).
   */
  private feedPart(bytes: Uint8Array): void {
    if (bytes.length > 0) this.pending = true;
    if (this.large === undefined) {
      this.feed(bytes);
      return;
    }
    if (this.largeEvent === undefined && this.fedLength + bytes.length > EVENT_LIMIT) {
      // What the parser holds of this event is dropped with its state, and read again from its first byte.
      this.parser.reset();
      this.decoder.decode();
      this.decoder = new TextDecoder('utf-8');
      this.largeEvent = new LargeEvent(this.large.fields);
      for (const part of this.fedParts) this.largeEvent.write(part);
      this.fedParts = [];
      this.fedLength = 0;
    }
    if (this.largeEvent !== undefined) {
      this.largeEvent.write(bytes);
      return;
    }
    this.fedParts.push(bytes);
    this.fedLength += bytes.length;
    this.feed(bytes);
  }

  /** The event under way ended at a blank line. */
  private eventEnded(): void {
    this.pending = false;
    if (this.large === undefined) return;
    this.fedParts = [];
    this.fedLength = 0;
    const event = this.largeEvent;
    if (event === undefined) return;
    this.largeEvent = undefined;
    const read = event.result();
    if (read !== undefined) this.large.onEvent(read.name, read.fields);
    if (this.skip !== undefined) this.needles = needlesOf(this.skip());
  }
}
