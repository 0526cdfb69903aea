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

type Decoder = zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress;

function createDecoder(encoding: string): Decoder | undefined {
  switch (encoding) {
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip();
    case 'deflate':
      // Servers send zlib-wrapped or raw deflate under this name; Unzip detects which.
      return zlib.createUnzip() as unknown as zlib.Inflate;
    case 'br':
      return zlib.createBrotliDecompress();
    case 'zstd': {
      const create = (zlib as unknown as { createZstdDecompress?: () => Decoder }).createZstdDecompress;
      return create?.();
    }
    default:
      return undefined;
  }
}

/** Encodings we can decode, innermost last as in the header ("gzip, br" was gzipped then brotli'd). */
export function isSupportedEncoding(header: string | undefined): boolean {
  if (header === undefined) return true;
  return header
    .split(',')
    .map((e) => e.trim().toLowerCase())
    .every((e) => e === '' || e === 'identity' || createDecoder(e) !== undefined);
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
  const encodings = (header ?? '')
    .split(',')
    .map((e) => e.trim().toLowerCase())
    .filter((e) => e !== '' && e !== 'identity');
  if (encodings.length === 0) {
    return {
      write: (c) => next.write(c),
      end: () => {
        next.end();
        onDone(true);
      },
    };
  }
  // Undo the encodings from the last applied to the first.
  const decoders = encodings.reverse().map((e) => createDecoder(e));
  if (decoders.some((d) => d === undefined)) {
    return { write: () => undefined, end: () => onDone(false) };
  }
  const chain = decoders as Decoder[];
  let failed = false;
  let finished = false;
  const finish = (ok: boolean) => {
    if (finished) return;
    finished = true;
    for (const d of chain) d.destroy();
    onDone(ok);
  };
  for (let k = 0; k < chain.length; k++) {
    const decoder = chain[k]!;
    const after = chain[k + 1];
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
  const head = chain[0]!;
  return {
    write(chunk) {
      if (failed || finished) return;
      if (head.writableLength > PENDING_LIMIT) {
        failed = true;
        finish(false);
        return;
      }
      head.write(chunk);
    },
    end() {
      if (failed || finished) return;
      head.end();
    },
  };
}
