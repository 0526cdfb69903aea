/**
 * Content-Encoding decoding for tapped bodies. Transports hand us the bytes
 * as they came off the wire (undici before fetch decodes them, http always),
 * so a compressed JSON response is decoded here, incrementally, for our
 * reading only. If decoding falls behind by more than PENDING_LIMIT bytes or
 * fails, we stop reading that body rather than buffer it.
 */
import zlib from 'node:zlib';

/** Compressed bytes we let wait for the decoder before giving up on a body. */
export const PENDING_LIMIT = 4 * 1024 * 1024;

/**
 * Codings undone per body at most, as undici's fetch allows (it rejects a response listing more):
 * a header listing thousands must not build thousands of decoders.
 */
export const MAX_CODINGS = 5;

type Decoder = zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress;

const zstd = (zlib as unknown as { createZstdDecompress?: () => Decoder }).createZstdDecompress;

/** Whether `createDecoder` knows the coding, without building a decoder. */
function knownCoding(encoding: string): boolean {
  switch (encoding) {
    case 'gzip':
    case 'x-gzip':
    case 'deflate':
    case 'br':
      return true;
    case 'zstd':
      return zstd !== undefined;
    default:
      return false;
  }
}

function createDecoder(encoding: string): Decoder | undefined {
  switch (encoding) {
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip();
    case 'deflate':
      // Zlib-wrapped, as the name means; raw deflate (sent by some servers) is told apart by its first bytes.
      return zlib.createInflate();
    case 'br':
      return zlib.createBrotliDecompress();
    case 'zstd':
      return zstd?.();
    default:
      return undefined;
  }
}

/** The codings of a header to undo, innermost first as listed ("gzip, br" was gzipped then brotli'd). */
function codingsOf(header: string | undefined): string[] {
  return (header ?? '')
    .split(',')
    .map((e) => e.trim().toLowerCase())
    .filter((e) => e !== '' && e !== 'identity');
}

/** Encodings we can decode: known codings, at most MAX_CODINGS of them. */
export function isSupportedEncoding(header: string | undefined): boolean {
  if (header === undefined) return true;
  const codings = codingsOf(header);
  return codings.length <= MAX_CODINGS && codings.every(knownCoding);
}

export interface ByteSink {
  write(chunk: Uint8Array): void;
  end(): void;
}

/**
 * A sink that decodes `encoding` before passing bytes on. `onDone` runs once
 * the decoded stream has been delivered (or abandoned, with `ok` false).
 */
export function decodingSink(header: string | undefined, next: ByteSink, onDone: (ok: boolean) => void): ByteSink {
  const encodings = codingsOf(header);
  if (encodings.length === 0) {
    return {
      write: (c) => next.write(c),
      end: () => {
        next.end();
        onDone(true);
      },
    };
  }
  if (encodings.length > MAX_CODINGS || !encodings.every(knownCoding)) {
    return { write: () => undefined, end: () => onDone(false) };
  }
  // Undo the encodings from the last applied to the first. The outermost decoder is made on the
  // first bytes, when a deflate body can be told to be zlib-wrapped or raw.
  const outer = encodings[encodings.length - 1]!;
  const inner = encodings
    .slice(0, -1)
    .reverse()
    .map((e) => createDecoder(e)!);
  let chain: Decoder[] | undefined;
  let early: Uint8Array | undefined;
  let received = false;
  let failed = false;
  let finished = false;
  const finish = (ok: boolean) => {
    if (finished) return;
    finished = true;
    for (const d of chain ?? []) d.destroy();
    onDone(ok);
  };
  const build = (first: Uint8Array): Decoder[] => {
    const head = outer === 'deflate' && !isZlibHeader(first) ? zlib.createInflateRaw() : createDecoder(outer)!;
    const decoders = [head, ...inner];
    for (let k = 0; k < decoders.length; k++) {
      const decoder = decoders[k]!;
      const after = decoders[k + 1];
      decoder.on('error', () => {
        failed = true;
        finish(false);
      });
      if (after === undefined) {
        decoder.on('data', (c: Buffer) => next.write(c));
        decoder.on('end', () => {
          next.end();
          finish(true);
        });
      } else {
        decoder.on('data', (c: Buffer) => after.write(c));
        decoder.on('end', () => after.end());
      }
    }
    return decoders;
  };
  return {
    write(chunk) {
      if (failed || finished || chunk.length === 0) return;
      received = true;
      if (chain === undefined) {
        // Two bytes tell a zlib header from raw deflate; a one-byte first chunk waits for the next.
        early = early === undefined ? chunk : Buffer.concat([early, chunk]);
        if (outer === 'deflate' && early.length < 2) return;
        chain = build(early);
        chunk = early;
        early = undefined;
      }
      const head = chain[0]!;
      if (head.writableLength > PENDING_LIMIT) {
        failed = true;
        finish(false);
        return;
      }
      head.write(chunk);
    },
    end() {
      if (failed || finished) return;
      // An empty body (a 204, a HEAD) has nothing to decode.
      if (chain === undefined && early !== undefined) {
        // A body of one byte: decode it as it is (and fail, as it must).
        chain = build(early);
        chain[0]!.write(early);
        early = undefined;
      }
      if (!received || chain === undefined) {
        next.end();
        finish(true);
        return;
      }
      chain[0]!.end();
    },
  };
}

/** RFC 1950 header: compression method 8 and a header checksum divisible by 31. */
function isZlibHeader(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && (bytes[0]! & 0x0f) === 8 && ((bytes[0]! << 8) | bytes[1]!) % 31 === 0;
}
