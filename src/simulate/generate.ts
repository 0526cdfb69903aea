/**
 * A deterministic synthetic usage log for benchmarks and tests: a mix of chat,
 * search and translation calls against the built-in catalog, a few unknown models,
 * conversations of varying length. The same seed gives the same bytes.
 */

export interface GenerateOptions {
  readonly lines: number;
  /** @default 1 */
  readonly seed?: number;
  /** Day the calls happen (UTC), YYYY-MM-DD. @default 2026-11-27 */
  readonly day?: string;
}

/** mulberry32: small, fast, good enough to shape a workload. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Kind {
  readonly weight: number;
  readonly line: (next: () => number) => string;
}

/** A heavy-tailed token count: most calls small, a few very large. */
function tokens(next: () => number, median: number): number {
  return Math.max(1, Math.round(median * Math.exp((next() - 0.5) * 4) * (next() < 0.02 ? 20 : 1)));
}

const KINDS: readonly Kind[] = [
  {
    weight: 45,
    line: (next) =>
      '"provider":"openai","operation":"chat","model":"gpt-4o-mini",' +
      `"usage":{"input_tokens":${tokens(next, 800)},"cached_input_tokens":${next() < 0.3 ? tokens(next, 400) : 0},` +
      `"output_tokens":${tokens(next, 250)}}`,
  },
  {
    weight: 15,
    line: (next) =>
      '"provider":"openai","operation":"chat","model":"gpt-4o",' +
      `"usage":{"input_tokens":${tokens(next, 1500)},"output_tokens":${tokens(next, 400)}}`,
  },
  {
    weight: 20,
    line: (next) =>
      '"provider":"anthropic","operation":"chat","model":"claude-haiku-4-5",' +
      `"usage":{"input_tokens":${tokens(next, 1000)},"cached_input_tokens":${tokens(next, 2000)},` +
      `"cache_write_tokens":${next() < 0.1 ? tokens(next, 2000) : 0},"output_tokens":${tokens(next, 300)}}`,
  },
  {
    weight: 12,
    line: (next) =>
      '"provider":"tavily","operation":"search","usage":{"requests":1},' +
      `"dimensions":{"search_depth":"${next() < 0.7 ? 'basic' : 'advanced'}"}`,
  },
  {
    weight: 6,
    line: (next) => `"provider":"aws.comprehend","operation":"sentiment","usage":{"characters":${tokens(next, 600)}}`,
  },
  {
    weight: 2,
    line: (next) =>
      `"provider":"openai","operation":"chat","model":"gpt-unknown-${Math.floor(next() * 3)}",` +
      `"usage":{"input_tokens":${tokens(next, 500)},"output_tokens":${tokens(next, 100)}}`,
  },
];

const TOTAL_WEIGHT = KINDS.reduce((sum, k) => sum + k.weight, 0);

function pick(r: number): Kind {
  let x = r * TOTAL_WEIGHT;
  for (const kind of KINDS) {
    x -= kind.weight;
    if (x < 0) return kind;
  }
  return KINDS[KINDS.length - 1]!;
}

/** The log's lines (each with its newline), one call per line. */
export function* generateUsageLog(options: GenerateOptions): Generator<string> {
  const next = random(options.seed ?? 1);
  const start = Date.parse(`${options.day ?? '2026-11-27'}T00:00:00Z`);
  let conversation = 0;
  let left = 0;
  for (let i = 0; i < options.lines; i++) {
    if (left === 0) {
      conversation++;
      left = 1 + Math.floor(next() * next() * 30);
    }
    left--;
    const time = new Date(start + Math.floor((i / options.lines) * 86_399_000)).toISOString();
    const id = next() < 0.05 ? '' : `,"conversation_id":"c-${conversation}"`;
    yield `{${pick(next()).line(next)}${id},"time":"${time}"}\n`;
  }
}
