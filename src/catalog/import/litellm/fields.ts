/**
 * The price fields of one LiteLLM entry: which usage unit each field prices
 * (and per how many), which field wins when several price the same unit, why a
 * field is dropped, and the parsing of an entry's (or a tiered_pricing range's)
 * numeric fields into base and above-threshold rates, with the checks that
 * keep a unit from being charged twice or at a rate LiteLLM would not apply.
 */
import { formatDecimal, parseDecimal, type Decimal } from '../../../pricing/decimal.js';

// ---------------------------------------------------------------------------
// Price fields

const PER_MILLION = 1_000_000;

export interface UnitSpec {
  readonly unit: string;
  /** Quantity our rate is quoted for: per million for tiny per-unit prices (tokens, characters, pixels). */
  readonly per: number;
}

const million = (unit: string): UnitSpec => ({ unit, per: PER_MILLION });
const each = (unit: string): UnitSpec => ({ unit, per: 1 });

/** LiteLLM base price fields (without threshold or service-tier suffix) and the usage unit they price. */
const FIELD_UNITS: Readonly<Record<string, UnitSpec>> = {
  input_cost_per_token: million('input_tokens'),
  cache_read_input_token_cost: million('cached_input_tokens'),
  // DeepSeek's name for the cache-hit rate; an alias of cache_read_input_token_cost.
  input_cost_per_token_cache_hit: million('cached_input_tokens'),
  cache_creation_input_token_cost: million('cache_write_tokens'),
  output_cost_per_token: million('output_tokens'),
  input_cost_per_audio_token: million('audio_input_tokens'),
  output_cost_per_audio_token: million('audio_output_tokens'),
  input_cost_per_image_token: million('image_input_tokens'),
  output_cost_per_image_token: million('image_output_tokens'),
  input_cost_per_video_token: million('video_input_tokens'),
  output_cost_per_video_token: million('video_output_tokens'),
  input_cost_per_character: million('characters'),
  output_cost_per_character: million('characters'),
  input_cost_per_pixel: million('pixels'),
  output_cost_per_pixel: million('pixels'),
  input_cost_per_image: each('images'),
  output_cost_per_image: each('images'),
  input_cost_per_second: each('seconds'),
  input_cost_per_audio_per_second: each('seconds'),
  output_cost_per_second: each('seconds'),
  input_cost_per_video_per_second: each('video_seconds'),
  output_cost_per_video_per_second: each('video_seconds'),
  input_cost_per_query: each('requests'),
  input_cost_per_request: each('requests'),
  ocr_cost_per_credit: each('credits'),
  ocr_cost_per_page: each('pages'),
};

/** Video generation bills seconds of generated video, which LiteLLM calls output_cost_per_second. */
export function specOf(field: string, mode: string): UnitSpec {
  if (mode === 'video_generation' && field === 'output_cost_per_second') return each('video_seconds');
  return FIELD_UNITS[field]!;
}

/** Charge order inside a tier: the order units first appear in FIELD_UNITS, then search. */
const UNIT_ORDER: readonly string[] = [...new Set([...Object.values(FIELD_UNITS).map((s) => s.unit), 'web_search_requests'])];

export function unitRank(unit: string): number {
  const i = UNIT_ORDER.indexOf(unit);
  return i < 0 ? UNIT_ORDER.length : i;
}

/**
 * When several fields price the same unit, the first present here wins. Which
 * side of a call a quantity measures depends on the mode: seconds of speech
 * are output audio, seconds of transcription are input audio (LiteLLM's
 * output_cost_per_second is billed on response time, which is not reported).
 */
function preference(unit: string, mode: string): readonly string[] {
  switch (unit) {
    case 'cached_input_tokens':
      return ['cache_read_input_token_cost', 'input_cost_per_token_cache_hit'];
    case 'characters':
      return ['input_cost_per_character', 'output_cost_per_character'];
    case 'pixels':
      return ['input_cost_per_pixel', 'output_cost_per_pixel'];
    case 'images':
      return mode === 'embedding' ? ['input_cost_per_image', 'output_cost_per_image'] : ['output_cost_per_image', 'input_cost_per_image'];
    case 'seconds':
      return mode === 'audio_speech'
        ? ['output_cost_per_second', 'input_cost_per_second', 'input_cost_per_audio_per_second']
        : ['input_cost_per_second', 'input_cost_per_audio_per_second', 'output_cost_per_second'];
    case 'video_seconds':
      return mode === 'video_generation'
        ? ['output_cost_per_second', 'output_cost_per_video_per_second', 'input_cost_per_video_per_second']
        : ['input_cost_per_video_per_second', 'output_cost_per_video_per_second'];
    case 'requests':
      return ['input_cost_per_query', 'input_cost_per_request'];
    default:
      return [];
  }
}

/** Why a price field family is not converted (checked in order, first match wins). */
const DROP_REASONS: readonly { readonly pattern: RegExp; readonly reason: string }[] = [
  { pattern: /_batches$/, reason: 'batch API rate: batch jobs are not priced per call' },
  {
    pattern: /_(?:priority|flex|fast|ultrafast)$/,
    reason: 'service-tier rate (priority/flex): no tier condition selects it, the standard rate applies',
  },
  { pattern: /above_1hr/, reason: '1-hour cache-write rate: cache writes are not reported by cache lifetime' },
  { pattern: /dbu/, reason: 'Databricks DBU rate: the USD per-token rate of the same entry is used' },
  { pattern: /^code_interpreter_/, reason: 'code interpreter session charge: sessions are not a usage quantity' },
  { pattern: /^file_search_/, reason: 'file search tool charge: not a usage quantity of the call' },
  { pattern: /^vector_store_/, reason: 'vector store storage charge: not billed per call' },
  { pattern: /^computer_use_/, reason: 'computer-use tool tokens are not reported separately' },
  { pattern: /^citation_cost/, reason: 'citation tokens are not reported separately' },
  { pattern: /_above_\d+s_interval$/, reason: 'rate depends on the video sampling interval, which is not reported' },
  { pattern: /^cache_creation_input_audio_token_cost$/, reason: 'audio cache-write tokens are not reported separately' },
  { pattern: /multiplier/, reason: 'regional price multiplier: the region of a call is not reported' },
  { pattern: /^provider_specific_entry$/, reason: 'regional price multipliers: the region of a call is not reported' },
  { pattern: /^off_peak_pricing$/, reason: 'time-of-day rates: a catalog tier cannot select by time of day' },
];

const UNMAPPED = 'no usage unit of ours measures what this field prices';

/** Top-level fields that carry prices; everything else is capabilities and limits. */
export function isPriceField(name: string): boolean {
  return /cost|pricing|multiplier/.test(name) || name === 'provider_specific_entry';
}

const THRESHOLD = /^(.+)_above_(\d+)(k?)_tokens$/;

export type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface Price {
  readonly field: string;
  readonly unit: string;
  readonly per: number;
  /** LiteLLM's price per one unit, exact. */
  readonly value: Decimal;
}

/** A numeric price field as LiteLLM states it: per one unit. */
export interface Field {
  readonly field: string;
  readonly value: Decimal;
}

/** Unit → price: the charges of one tier before formatting. */
export type Rates = Map<string, Price>;

/** Collects what an entry loses, then decides whether it was converted. */
export class EntryLog {
  readonly dropped: { field: string; reason: string }[] = [];
  drop(field: string, reason: string): void {
    this.dropped.push({ field, reason });
  }
}

export function readPrice(value: unknown): Decimal | undefined {
  if (typeof value !== 'number' && typeof value !== 'string') return undefined;
  return parseDecimal(value);
}

export const formatPer = (value: Decimal, per: number): string => formatDecimal(value.times(per));

function describeRate(p: Price): string {
  return p.per === 1 ? formatDecimal(p.value) : `${formatPer(p.value, p.per)} per ${p.per}`;
}

/**
 * Fields that state the same price under two names, so an equal rate under the
 * other name loses nothing. (Input and output prices of one unit measure
 * different things even when equal, e.g. seconds of audio vs response time.)
 */
const SAME_MEANING: readonly (readonly string[])[] = [
  ['cache_read_input_token_cost', 'input_cost_per_token_cache_hit'],
  ['input_cost_per_second', 'input_cost_per_audio_per_second'],
  ['input_cost_per_query', 'input_cost_per_request'],
];

const sameMeaning = (a: string, b: string): boolean => SAME_MEANING.some((g) => g.includes(a) && g.includes(b));

/** Resolves fields that price the same unit: one wins by preference, the others are reported. */
export function resolveUnits(fields: readonly Field[], mode: string, log: EntryLog, context: string): Rates {
  const byUnit = new Map<string, Field[]>();
  for (const f of fields) {
    const unit = specOf(f.field, mode).unit;
    byUnit.set(unit, [...(byUnit.get(unit) ?? []), f]);
  }
  const rates: Rates = new Map();
  for (const [unit, candidates] of byUnit) {
    const order = preference(unit, mode);
    const rank = (f: { field: string }): number => {
      const i = order.indexOf(f.field);
      return i < 0 ? order.length : i;
    };
    // A zero rate loses to a non-zero one: LiteLLM's zero on the other side means "not billed there".
    const sorted = [...candidates].sort((a, b) => Number(a.value.eq(0)) - Number(b.value.eq(0)) || rank(a) - rank(b));
    const winner = sorted[0]!;
    const spec = specOf(winner.field, mode);
    rates.set(unit, { field: winner.field, unit, per: spec.per, value: winner.value });
    for (const loser of sorted.slice(1)) {
      // Nothing is lost when the loser is zero (LiteLLM's "not billed on this side") or an alias repeating the rate.
      if (loser.value.eq(0) || (loser.value.eq(winner.value) && sameMeaning(loser.field, winner.field))) continue;
      log.drop(context + loser.field, `"${unit}" is already charged by ${winner.field}; one quantity cannot carry two rates`);
    }
  }
  return rates;
}

const IMAGE_MODES: ReadonlySet<string> = new Set(['image_generation', 'image_edit']);

/**
 * Removes fields that price the same thing twice in different units, keeping
 * the one LiteLLM bills: image tokens over the flat per-image fallback, a
 * per-image price over a per-pixel one. An image model with both an input and
 * an output per-image price prices input images with the former; `images`
 * counts generated images, so that one cannot be applied. (With only
 * input_cost_per_image, LiteLLM's legacy name for the per-generated-image price,
 * it is kept.)
 */
export function pruneDoubleCounts(fields: readonly Field[], mode: string, log: EntryLog, context: string): Field[] {
  const nonZero = (name: string): Field | undefined => fields.find((f) => f.field === name && !f.value.eq(0));
  const remove = new Map<string, string>();
  const outputImage = nonZero('output_cost_per_image');
  const inputImage = nonZero('input_cost_per_image');
  if (IMAGE_MODES.has(mode) && outputImage !== undefined && inputImage !== undefined && !inputImage.value.eq(outputImage.value)) {
    remove.set('input_cost_per_image', 'price per input image: the images quantity counts generated images');
  }
  const imageTokens = nonZero('output_cost_per_image_token');
  if (imageTokens !== undefined && outputImage !== undefined) {
    remove.set(
      'output_cost_per_image',
      'LiteLLM uses the per-image price only when a response reports no token usage; ' +
        'charged with output_cost_per_image_token it would count each image twice',
    );
  }
  const perImage = fields.some((f) => f.field.endsWith('_cost_per_image') && !f.value.eq(0) && !remove.has(f.field));
  if (perImage) {
    for (const name of ['input_cost_per_pixel', 'output_cost_per_pixel']) {
      remove.set(name, 'same image priced twice: the per-image price takes precedence, as in LiteLLM');
    }
  }
  return fields.filter((f) => {
    const reason = remove.get(f.field);
    if (reason === undefined) return true;
    if (!f.value.eq(0)) log.drop(context + f.field, reason);
    return false;
  });
}

export interface ParsedFields {
  readonly base: Field[];
  /** threshold (tokens) → fields priced above it */
  readonly above: Map<number, (Field & { readonly name: string })[]>;
  reasoning?: Decimal;
}

/**
 * Sorts the numeric price fields of an entry (or of one tiered_pricing range)
 * into base rates and above-threshold rates; everything else is dropped.
 */
export function parseFields(source: Obj, names: readonly string[], log: EntryLog, context: string): ParsedFields {
  const parsed: ParsedFields = { base: [], above: new Map() };
  for (const name of names) {
    const raw = source[name];
    if (raw === null || raw === undefined) continue;
    const label = context + name;
    const special = DROP_REASONS.find((d) => d.pattern.test(name));
    if (special !== undefined) {
      log.drop(label, special.reason);
      continue;
    }
    const value = readPrice(raw);
    const threshold = THRESHOLD.exec(name);
    const baseName = threshold ? threshold[1]! : name;
    if (name === 'output_cost_per_reasoning_token') {
      if (value === undefined) log.drop(label, 'not a non-negative number');
      else parsed.reasoning = value;
      continue;
    }
    if (FIELD_UNITS[baseName] === undefined) {
      log.drop(label, UNMAPPED);
      continue;
    }
    if (value === undefined) {
      log.drop(label, 'not a non-negative number');
      continue;
    }
    if (threshold) {
      const tokens = Number(threshold[2]) * (threshold[3] === 'k' ? 1000 : 1);
      parsed.above.set(tokens, [...(parsed.above.get(tokens) ?? []), { field: baseName, value, name }]);
    } else {
      parsed.base.push({ field: name, value });
    }
  }
  return parsed;
}

/**
 * Our output_tokens include reasoning tokens, so a reasoning rate equal to the
 * output rate is already applied; a different one cannot be.
 */
export function checkReasoning(reasoning: Decimal | undefined, rates: Rates, log: EntryLog, context: string): void {
  if (reasoning === undefined) return;
  const output = rates.get('output_tokens');
  if (output !== undefined && output.value.eq(reasoning)) return;
  const applied = output === undefined ? 'no output rate' : `output rate ${describeRate(output)}`;
  log.drop(
    `${context}output_cost_per_reasoning_token`,
    `reasoning tokens are billed as output_tokens (${applied}); ` +
      `LiteLLM's reasoning rate ${formatPer(reasoning, PER_MILLION)} per ${PER_MILLION} differs`,
  );
}
