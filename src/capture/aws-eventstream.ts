/**
 * The AWS event-stream framing (`application/vnd.amazon.eventstream`), read as
 * the bytes pass. Each message is
 *
 *   total length (uint32 BE) | headers length (uint32 BE) | prelude CRC32 (of the 8 bytes before)
 *   headers | payload | message CRC32 (of every byte before it, prelude CRC included)
 *
 * and each header is name length (uint8), name (UTF-8), value type (uint8) and the value: 0/1 true
 * and false (no bytes), 2 byte, 3 short, 4 int, 5 long, 8 timestamp (1, 2, 4, 8, 8 bytes), 6 byte
 * array and 7 string (uint16 BE length, then the bytes), 9 UUID (16 bytes).
 *
 * The decoder is bounded (a message larger than `maxMessageBytes` stops it) and never throws: a
 * frame that is malformed, too large, or fails either CRC stops reading for good and marks the
 * stream `broken`, so the call's usage is unknown rather than whatever the frames before it said.
 * Only the current message is ever buffered.
 */
import zlib from 'node:zlib';

/** Messages larger than this are not read (Bedrock's chunks are a few KiB). */
export const DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

const PRELUDE = 12;
const MINIMUM = PRELUDE + 4;

/**
 * One decoded message: its string headers (`:event-type`, `:message-type`...) and its payload.
 * The payload is a view of the bytes as read, valid only during the listener's call (copy it to
 * keep it).
 */
export interface EventStreamMessage {
  readonly headers: ReadonlyMap<string, string>;
  readonly payload: Uint8Array;
}

export type EventStreamListener = (message: EventStreamMessage) => void;

export class EventStreamDecoder {
  private buffer: Uint8Array = new Uint8Array(0);
  private filled = 0;
  /** Total length of the message being collected, once its prelude is known. */
  private expected = 0;
  private failed = false;

  constructor(
    private readonly onMessage: EventStreamListener,
    private readonly maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES,
  ) {}

  /** True once a frame was malformed, oversized or failed its CRC: nothing after it is read. */
  get broken(): boolean {
    return this.failed;
  }

  /** True when the bytes so far end between messages (a cut stream leaves a partial one). */
  get atBoundary(): boolean {
    return this.filled === 0;
  }

  write(chunk: Uint8Array): void {
    if (this.failed) return;
    try {
      let at = 0;
      while (at < chunk.length && !this.failed) at = this.take(chunk, at);
    } catch {
      // A listener's fault or a bug here must not reach the host's stream.
      this.fail();
    }
  }

  private take(chunk: Uint8Array, at: number): number {
    if (this.filled === 0 && chunk.length - at >= PRELUDE) {
      // Fast path: a whole message in this chunk is read where it lies, never copied.
      const total = u32(chunk, at);
      if (total <= chunk.length - at) {
        if (!this.preludeOk(chunk, at)) return this.fail(at);
        this.deliver(view(chunk, at, at + total));
        return this.failed ? chunk.length : at + total;
      }
    }
    if (this.expected === 0) {
      // Collect the prelude first.
      const n = Math.min(PRELUDE - this.filled, chunk.length - at);
      this.append(chunk, at, n, PRELUDE);
      at += n;
      if (this.filled < PRELUDE) return at;
      if (!this.preludeOk(this.buffer, 0)) return this.fail(at);
      this.expected = u32(this.buffer, 0);
    }
    const n = Math.min(this.expected - this.filled, chunk.length - at);
    this.append(chunk, at, n, this.expected);
    at += n;
    if (this.filled === this.expected) this.complete();
    return at;
  }

  /** Copies `n` bytes into the message buffer, grown to `size` at most (never more than one message). */
  private append(chunk: Uint8Array, at: number, n: number, size: number): void {
    if (this.buffer.length < size) {
      const grown = new Uint8Array(Math.max(size, Math.min(this.buffer.length * 2, this.maxMessageBytes)));
      grown.set(this.buffer.subarray(0, this.filled));
      this.buffer = grown;
    }
    this.buffer.set(chunk.subarray(at, at + n), this.filled);
    this.filled += n;
  }

  /** The prelude's CRC holds and its lengths are possible and within the bound. */
  private preludeOk(bytes: Uint8Array, at: number): boolean {
    const total = u32(bytes, at);
    const headersLength = u32(bytes, at + 4);
    if (crc32(view(bytes, at, at + 8)) !== u32(bytes, at + 8)) return false;
    return total >= MINIMUM && total <= this.maxMessageBytes && headersLength <= total - MINIMUM;
  }

  private complete(): void {
    const message = view(this.buffer, 0, this.expected);
    this.expected = 0;
    this.filled = 0;
    this.deliver(message);
    // A large message's buffer is not kept for the next ones.
    if (this.buffer.length > 64 * 1024) this.buffer = new Uint8Array(0);
  }

  /** A whole message, prelude checked: its CRC, then its headers and payload to the listener. */
  private deliver(message: Uint8Array): void {
    const total = message.length;
    if (crc32(view(message, 0, total - 4)) !== u32(message, total - 4)) {
      this.fail();
      return;
    }
    const headersLength = u32(message, 4);
    const headers = parseHeaders(view(message, PRELUDE, PRELUDE + headersLength));
    if (headers === undefined) {
      this.fail();
      return;
    }
    this.onMessage({ headers, payload: view(message, PRELUDE + headersLength, total - 4) });
  }

  private fail(at = 0): number {
    this.failed = true;
    this.buffer = new Uint8Array(0);
    this.filled = 0;
    this.expected = 0;
    return at;
  }
}

/** Bytes `from` to `to` of `bytes` as a plain Uint8Array view (Buffer's subarray costs more). */
function view(bytes: Uint8Array, from: number, to: number): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset + from, to - from);
}

/** A big-endian uint32 at `at` (the caller checked there are 4 bytes). */
function u32(bytes: Uint8Array, at: number): number {
  return ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

/** A short header name or value: ASCII without a decoder call, anything else as UTF-8. */
function text(bytes: Uint8Array, from: number, to: number): string {
  let out = '';
  for (let i = from; i < to; i++) {
    const b = bytes[i]!;
    if (b >= 0x80) return utf8.decode(bytes.subarray(from, to));
    out += String.fromCharCode(b);
  }
  return out;
}

/** Fixed value sizes by header type; -1: uint16-length-prefixed (byte array, string). */
const VALUE_SIZE: readonly number[] = [0, 0, 1, 2, 4, 8, -1, -1, 8, 16];

/** The headers read, as bytes to compare names with; the others (`:content-type`, `:date`…) are skipped. */
const KEPT: readonly { readonly name: string; readonly bytes: Uint8Array }[] = [
  ':event-type',
  ':message-type',
  ':exception-type',
  ':error-code',
].map((name) => ({ name, bytes: new TextEncoder().encode(name) }));

/** The kept header name at `at`, `length` bytes long, or undefined: compared as bytes, never decoded. */
function keptName(bytes: Uint8Array, at: number, length: number): string | undefined {
  next: for (const kept of KEPT) {
    if (kept.bytes.length !== length) continue;
    for (let i = 0; i < length; i++) if (bytes[at + i] !== kept.bytes[i]) continue next;
    return kept.name;
  }
  return undefined;
}

/**
 * The string-typed headers that name a message (`:event-type`, `:message-type`, `:exception-type`,
 * `:error-code`), by name; every other header is skipped. Undefined when the block is malformed.
 */
export function parseHeaders(bytes: Uint8Array): Map<string, string> | undefined {
  const out = new Map<string, string>();
  let at = 0;
  while (at < bytes.length) {
    const nameLength = bytes[at]!;
    at += 1;
    if (nameLength === 0 || at + nameLength + 1 > bytes.length) return undefined;
    const name = keptName(bytes, at, nameLength);
    at += nameLength;
    const type = bytes[at]!;
    at += 1;
    const size = VALUE_SIZE[type];
    if (size === undefined) return undefined;
    if (size >= 0) {
      if (at + size > bytes.length) return undefined;
      at += size;
      continue;
    }
    if (at + 2 > bytes.length) return undefined;
    const length = (bytes[at]! << 8) | bytes[at + 1]!;
    at += 2;
    if (at + length > bytes.length) return undefined;
    if (type === 7 && name !== undefined) out.set(name, text(bytes, at, at + length));
    at += length;
  }
  return out;
}

type Crc32 = (data: Uint8Array) => number;

/** zlib's CRC32 (Node 20.15+, 22.2+), else a table-driven one. */
const crc32: Crc32 = typeof (zlib as { crc32?: Crc32 }).crc32 === 'function' ? (d) => zlib.crc32(d) >>> 0 : tableCrc32;

let table: Uint32Array | undefined;

function tableCrc32(data: Uint8Array): number {
  if (table === undefined) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = table[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** Exported for tests: the fallback CRC32 matches zlib's. */
export const crc32ForTests = { zlib: crc32, table: tableCrc32 };
