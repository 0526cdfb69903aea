/**
 * A prompt-prefix cache, so cached-token counts behave as the providers'
 * do: a prompt repeating the prefix of one seen recently (same model) is
 * served partly from cache; a new one is not. Only hashes of prefixes are
 * kept, never text.
 */
import { CHARS_PER_TOKEN, tokensOfChars } from './text.js';

/** A prompt prefix: its length in tokens and a hash of its text. */
export interface Checkpoint {
  readonly tokens: number;
  readonly hash: number;
}

/**
 * Hashes of the prefixes of `parts` (joined, in order) ending at each of the
 * ascending character positions `ends`, in one pass over the text.
 */
export function prefixHashes(parts: readonly string[], ends: readonly number[]): Checkpoint[] {
  const out: Checkpoint[] = [];
  let h = 0x811c9dc5;
  let pos = 0;
  let next = 0;
  const record = () => {
    while (next < ends.length && ends[next] === pos) {
      out.push({ tokens: tokensOfChars(pos), hash: h >>> 0 });
      next++;
    }
  };
  record();
  for (const part of parts) {
    for (let i = 0; i < part.length && next < ends.length; i++) {
      h ^= part.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
      pos++;
      record();
    }
    if (next >= ends.length) break;
    // Part boundaries count, so ["ab", "c"] and ["a", "bc"] differ.
    h ^= 0x1f;
    h = Math.imul(h, 0x01000193);
  }
  return out;
}

/**
 * Checkpoints every `stepTokens` tokens from `minTokens` on, as OpenAI caches
 * prompts of 1,024 tokens and more in 128-token increments.
 */
export function steppedCheckpoints(parts: readonly string[], minTokens: number, stepTokens: number): Checkpoint[] {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const ends: number[] = [];
  for (let chars = minTokens * CHARS_PER_TOKEN; chars <= total; chars += stepTokens * CHARS_PER_TOKEN) ends.push(chars);
  return prefixHashes(parts, ends);
}

export class PrefixCache {
  /** Key → expiry time (ms); insertion order doubles as age order for eviction. */
  private readonly entries = new Map<string, number>();

  constructor(
    private readonly maxEntries = 200_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Tokens of the longest of `checkpoints` stored for `namespace` and not expired; 0 when none. */
  longestHit(namespace: string, checkpoints: readonly Checkpoint[]): number {
    const now = this.now();
    let best = 0;
    for (const c of checkpoints) {
      const expiry = this.entries.get(key(namespace, c));
      if (expiry !== undefined && expiry > now && c.tokens > best) best = c.tokens;
    }
    return best;
  }

  /** Stores (or refreshes) every checkpoint for `ttlMs`. */
  store(namespace: string, checkpoints: readonly Checkpoint[], ttlMs: number): void {
    const expiry = this.now() + ttlMs;
    for (const c of checkpoints) {
      const k = key(namespace, c);
      this.entries.delete(k);
      this.entries.set(k, expiry);
    }
    if (this.entries.size > this.maxEntries) {
      let excess = this.entries.size - this.maxEntries;
      for (const k of this.entries.keys()) {
        if (excess-- <= 0) break;
        this.entries.delete(k);
      }
    }
  }

  clear(): void {
    this.entries.clear();
  }
}

function key(namespace: string, c: Checkpoint): string {
  return `${namespace}\u0000${c.tokens}\u0000${c.hash}`;
}
