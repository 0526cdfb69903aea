// Feeding bytes to a streaming reader in pieces, as a network delivers them.

/** Writes `bytes` to `sink` cut at the given offsets (any order; duplicates and out-of-range cuts ignored). */
export function writeInPieces(sink: { write(chunk: Uint8Array): void }, bytes: Uint8Array, cuts: Iterable<number> = []): void {
  const sorted = [...new Set(cuts)].filter((c) => c > 0 && c < bytes.length).sort((a, b) => a - b);
  let from = 0;
  for (const cut of sorted) {
    sink.write(bytes.subarray(from, cut));
    from = cut;
  }
  if (from < bytes.length) sink.write(bytes.subarray(from));
}
