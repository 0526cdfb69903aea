/** Streams a usage log file into a Simulator in large chunks (no line reader: it is the bottleneck). */
import { open } from 'node:fs/promises';
import type { Simulator } from './simulator.js';

/** Bytes read per step: big enough that per-chunk work vanishes, small enough for steady progress. */
export const CHUNK_BYTES = 4 << 20;

/**
 * Feeds the whole file to `simulator` (then ends it), calling `onChunk` after every
 * chunk. Rejects with the file system's error (e.g. ENOENT) when it cannot read.
 */
export async function simulateFile(path: string, simulator: Simulator, onChunk?: () => void): Promise<void> {
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    for (;;) {
      const { bytesRead } = await file.read(buffer, 0, CHUNK_BYTES, null);
      if (bytesRead === 0) break;
      simulator.push(buffer.subarray(0, bytesRead));
      onChunk?.();
    }
    simulator.end();
  } finally {
    await file.close();
  }
}
