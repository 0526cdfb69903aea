/**
 * Token arithmetic and generated text. Prompt size is measured from the
 * request (about four characters a token, as the providers' own rules of
 * thumb say); answers are neutral filler that never repeats the prompt.
 */
import type { Random } from './random.js';

export const CHARS_PER_TOKEN = 4;
/** What one attached image counts as (OpenAI's high-detail 512px tile estimate, rounded). */
export const IMAGE_TOKENS = 765;

export function tokensOfChars(chars: number): number {
  return chars <= 0 ? 0 : Math.ceil(chars / CHARS_PER_TOKEN);
}

/** Keys whose values are structure, not prompt text. */
const STRUCTURAL_KEYS = new Set([
  'role',
  'type',
  'model',
  'cache_control',
  'mime_type',
  'media_type',
  'mimeType',
  'detail',
  'id',
  'tool_call_id',
  'format',
  'ttl',
]);
/** Keys under which a value is an attached image or file (base64 bytes or a URL), not text. */
const MEDIA_KEYS = new Set(['image_url', 'input_image', 'inline_data', 'inlineData', 'file_data', 'fileData', 'image', 'file']);

/** Anthropic's `{ source: { type: 'base64', data } }` image and document blocks. */
function isMediaSource(v: unknown): boolean {
  return typeof v === 'object' && v !== null && ('data' in v || 'url' in v || 'file_id' in v);
}

/** Prompt text of a JSON value, in document order, and the media parts it attaches. */
export interface PromptText {
  readonly parts: string[];
  images: number;
}

export function promptText(value: unknown, into: PromptText = { parts: [], images: 0 }): PromptText {
  if (typeof value === 'string') into.parts.push(value);
  else if (Array.isArray(value)) for (const v of value) promptText(v, into);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, v] of Object.entries(value)) {
      if (STRUCTURAL_KEYS.has(key)) continue;
      if (MEDIA_KEYS.has(key) || (key === 'source' && isMediaSource(v))) {
        into.images++;
        continue;
      }
      promptText(v, into);
    }
  }
  return into;
}

/** Characters of the parts. */
export function charsOf(text: PromptText): number {
  let n = 0;
  for (const p of text.parts) n += p.length;
  return n;
}

/** Tokens of the text plus its images, plus `overhead` (per-message framing). */
export function tokensOf(text: PromptText, overhead = 0): number {
  return tokensOfChars(charsOf(text)) + text.images * IMAGE_TOKENS + overhead;
}

const WORDS = [
  'the',
  'system',
  'returns',
  'a',
  'short',
  'answer',
  'based',
  'on',
  'available',
  'context',
  'and',
  'general',
  'practice',
  'in',
  'most',
  'cases',
  'this',
  'works',
  'well',
  'when',
  'values',
  'are',
  'checked',
  'first',
  'results',
  'may',
  'vary',
  'with',
  'load',
  'consider',
  'the',
  'options',
  'below',
  'each',
  'has',
  'trade-offs',
  'for',
  'cost',
  'speed',
  'and',
  'quality',
  'a',
  'simple',
  'approach',
  'is',
  'often',
  'enough',
  'measure',
  'before',
  'changing',
  'settings',
  'note',
  'that',
  'limits',
  'apply',
  'to',
  'every',
  'request',
  'over',
  'time',
  'usage',
  'grows',
  'steadily',
  'review',
  'it',
  'regularly',
  'summary',
  'details',
  'follow',
  'step',
  'next',
  'then',
  'finally',
  'overall',
  'example',
  'typical',
];

/** Neutral filler of about `tokens` tokens, in sentences. */
export function fillerText(rng: Random, tokens: number): string {
  const target = Math.max(1, tokens) * CHARS_PER_TOKEN;
  const words: string[] = [];
  let length = 0;
  let sentence = 0;
  while (length < target) {
    let w = rng.choice(WORDS);
    if (sentence === 0) w = w[0]!.toUpperCase() + w.slice(1);
    sentence++;
    if (sentence >= 6 && rng.bernoulli(0.2)) {
      w += '.';
      sentence = 0;
    }
    words.push(w);
    length += w.length + 1;
  }
  let text = words.join(' ');
  if (!text.endsWith('.')) text += '.';
  return text;
}

/** Splits text at spaces into at most `max` consecutive pieces that join back to it. */
export function splitChunks(text: string, max: number): string[] {
  const words = text.split(/(?<= )/);
  const per = Math.max(1, Math.ceil(words.length / Math.max(1, max)));
  const out: string[] = [];
  for (let i = 0; i < words.length; i += per) out.push(words.slice(i, i + per).join(''));
  return out.length === 0 ? [''] : out;
}

/** A provider-looking id: prefix plus `length` base62 characters. */
export function randomId(rng: Random, prefix: string, length = 24): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let s = prefix;
  for (let i = 0; i < length; i++) s += alphabet[rng.int(0, alphabet.length - 1)];
  return s;
}

/** A hex id (request ids, response ids). */
export function randomHex(rng: Random, length = 32): string {
  let s = '';
  for (let i = 0; i < length; i++) s += rng.int(0, 15).toString(16);
  return s;
}

/** A version-4-shaped UUID from the generator. */
export function randomUuid(rng: Random): string {
  const h = randomHex(rng, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[rng.int(0, 3)]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A unit vector of `dimensions` floats, deterministic in the generator. */
export function embeddingVector(rng: Random, dimensions: number): number[] {
  const v = Array.from({ length: dimensions }, () => rng.normal());
  const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0)) || 1;
  return v.map((x) => Math.round((x / norm) * 1e7) / 1e7);
}

/** Little-endian float32 bytes in base64, as OpenAI's `encoding_format: base64` returns them. */
export function base64Floats(values: readonly number[]): string {
  const buffer = Buffer.alloc(values.length * 4);
  values.forEach((x, i) => buffer.writeFloatLE(x, i * 4));
  return buffer.toString('base64');
}

/** A 1×1 transparent PNG, the stand-in for every generated image. */
export const PIXEL_PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';
