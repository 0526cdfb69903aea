/**
 * Converts LiteLLM's community price list (`model_prices_and_context_window.json`
 * in BerriAI/litellm) into a catalog document. Pure: the caller reads the JSON
 * and writes the result. Every LiteLLM entry becomes at most one plan,
 * `litellm/<key>`; whatever cannot be expressed is reported, never guessed:
 * a whole entry in `skipped`, a single price field in `dropped`.
 *
 * The semantics follow LiteLLM's own cost calculator (litellm_core_utils/
 * llm_cost_calc), so an imported plan prices a call as LiteLLM would, within
 * the limits noted where a rule is applied.
 */
import { decimal, formatDecimal, parseDecimal, type Decimal } from '../../pricing/decimal.js';
import { isGlob } from '../../pricing/glob.js';
import {
  isCalendarDate,
  type CatalogDocument,
  type ChargeDocument,
  type ConditionDocument,
  type PlanDocument,
  type TierDocument,
} from '../schema.js';

export interface LiteLLMImportOptions {
  /** Catalog version label. @default 'litellm-import' */
  readonly catalog?: string;
  /** Date the prices were read (YYYY-MM-DD), put in each plan's `as_of`. */
  readonly asOf?: string;
  /** Where the prices come from, put in each plan's `source`. @default LITELLM_SOURCE */
  readonly source?: string;
}

/** A whole entry that was not converted. */
export interface SkippedEntry {
  readonly key: string;
  readonly reason: string;
}

/** A price field of a converted entry that is not part of its plan. */
export interface DroppedField {
  readonly key: string;
  readonly field: string;
  readonly reason: string;
}

export interface LiteLLMImportResult {
  readonly document: CatalogDocument;
  readonly skipped: SkippedEntry[];
  readonly dropped: DroppedField[];
}

export const LITELLM_SOURCE = 'https://github.com/BerriAI/litellm/blob/main/model_prices_and_context_window.json';
export const DEFAULT_IMPORT_LABEL = 'litellm-import';

/** Top-level keys of the upstream file that are not models. */
const NOT_MODELS: Readonly<Record<string, string>> = {
  sample_spec: 'LiteLLM schema example, not a model',
  fallback_generalizations: 'LiteLLM routing rules, not a model',
};

// ---------------------------------------------------------------------------
// Providers, operations, model names

/** LiteLLM provider names that have an obvious name of ours; others are kept as they are. */
const PROVIDERS: Readonly<Record<string, string>> = {
  openai: 'openai',
  'text-completion-openai': 'openai',
  anthropic: 'anthropic',
  gemini: 'google',
  vertex_ai: 'google',
  azure: 'azure-openai',
  azure_text: 'azure-openai',
  bedrock: 'aws-bedrock',
  bedrock_converse: 'aws-bedrock',
  mistral: 'mistral',
  perplexity: 'perplexity',
  cohere: 'cohere',
  cohere_chat: 'cohere',
};

function ourProvider(litellm: string): string {
  // Every vertex_ai-<family> (language, embedding, anthropic, … models) is Google Cloud's endpoint.
  if (litellm.startsWith('vertex_ai-')) return 'google';
  return PROVIDERS[litellm] ?? litellm;
}

/**
 * LiteLLM `mode` to our operation. `image_edit` prices like image generation
 * (per output image) and the same models serve both endpoints, so both are
 * `image_generation`. Modes not listed (e.g. `realtime`) keep LiteLLM's name.
 */
const OPERATIONS: Readonly<Record<string, string>> = {
  chat: 'chat',
  completion: 'chat',
  responses: 'chat',
  embedding: 'embeddings',
  image_generation: 'image_generation',
  image_edit: 'image_generation',
  audio_transcription: 'audio_transcription',
  audio_speech: 'audio_speech',
  moderation: 'moderation',
  rerank: 'rerank',
  search: 'search',
  ocr: 'ocr',
};

/**
 * Key segments that name a priced variant rather than the model: image size,
 * quality and steps (`hd/1024-x-1792/dall-e-3`), cloud region and commitment
 * (`bedrock/us-east-1/1-month-commitment/…`), Azure data zone (`azure/us/…`).
 */
const QUALIFIERS: readonly { readonly pattern: RegExp; readonly describe: (s: string) => string }[] = [
  { pattern: /^\d+-x-\d+$/, describe: (s) => `size ${s.replace('-x-', 'x')}` },
  { pattern: /^(?:\d+|max)-steps$/, describe: (s) => s.replace('-', ' ') },
  { pattern: /^(?:standard|hd|low|medium|high|auto)$/, describe: (s) => `quality ${s}` },
  { pattern: /^[a-z]{2}(?:-gov)?-[a-z]+-\d+$/, describe: (s) => `region ${s}` },
  { pattern: /^(?:\d+-month|no)-commitment$/, describe: (s) => s.replaceAll('-', ' ') },
  { pattern: /^(?:us|eu|global|global-standard|apac)$/, describe: (s) => `data zone ${s}` },
];

/** True when a key segment is LiteLLM's routing prefix for the entry's provider (`openai/`, `vertex_ai/`…). */
function isProviderPrefix(segment: string, litellmProvider: string): boolean {
  return (
    segment === litellmProvider ||
    litellmProvider.startsWith(`${segment}-`) ||
    litellmProvider.startsWith(`${segment}_`) ||
    (litellmProvider === 'text-completion-openai' && segment === 'openai')
  );
}

interface ModelNames {
  /** The model as providers name it: the key without routing prefix and qualifiers. */
  readonly base: string;
  /** Variant qualifiers found in the key, described for people. */
  readonly qualifiers: string[];
}

function modelNames(key: string, litellmProvider: string): ModelNames {
  const segments = key.split('/');
  const qualifiers: string[] = [];
  while (segments.length > 1) {
    const first = segments[0]!;
    const qualifier = QUALIFIERS.find((q) => q.pattern.test(first));
    if (qualifier !== undefined) qualifiers.push(qualifier.describe(first));
    else if (!isProviderPrefix(first, litellmProvider)) break;
    segments.shift();
  }
  return { base: segments.join('/'), qualifiers };
}

// ---------------------------------------------------------------------------
// Price fields

const PER_MILLION = 1_000_000;

interface UnitSpec {
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
function specOf(field: string, mode: string): UnitSpec {
  if (mode === 'video_generation' && field === 'output_cost_per_second') return each('video_seconds');
  return FIELD_UNITS[field]!;
}

/** Charge order inside a tier: the order units first appear in FIELD_UNITS, then search. */
const UNIT_ORDER: readonly string[] = [...new Set([...Object.values(FIELD_UNITS).map((s) => s.unit), 'web_search_requests'])];

function unitRank(unit: string): number {
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
function isPriceField(name: string): boolean {
  return /cost|pricing|multiplier/.test(name) || name === 'provider_specific_entry';
}

const THRESHOLD = /^(.+)_above_(\d+)(k?)_tokens$/;

// ---------------------------------------------------------------------------
// Conversion of one entry

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

interface Price {
  readonly field: string;
  readonly unit: string;
  readonly per: number;
  /** LiteLLM's price per one unit, exact. */
  readonly value: Decimal;
}

/** A numeric price field as LiteLLM states it: per one unit. */
interface Field {
  readonly field: string;
  readonly value: Decimal;
}

/** Unit → price: the charges of one tier before formatting. */
type Rates = Map<string, Price>;

interface DraftTier {
  readonly name: string;
  readonly when?: Record<string, ConditionDocument>;
  readonly rates: Rates;
}

/** Collects what an entry loses, then decides whether it was converted. */
class EntryLog {
  readonly dropped: { field: string; reason: string }[] = [];
  drop(field: string, reason: string): void {
    this.dropped.push({ field, reason });
  }
}

function readPrice(value: unknown): Decimal | undefined {
  if (typeof value !== 'number' && typeof value !== 'string') return undefined;
  return parseDecimal(value);
}

const formatPer = (value: Decimal, per: number): string => formatDecimal(value.times(per));

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
function resolveUnits(fields: readonly Field[], mode: string, log: EntryLog, context: string): Rates {
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
function pruneDoubleCounts(fields: readonly Field[], mode: string, log: EntryLog, context: string): Field[] {
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

interface ParsedFields {
  readonly base: Field[];
  /** threshold (tokens) → fields priced above it */
  readonly above: Map<number, (Field & { readonly name: string })[]>;
  reasoning?: Decimal;
}

/**
 * Sorts the numeric price fields of an entry (or of one tiered_pricing range)
 * into base rates and above-threshold rates; everything else is dropped.
 */
function parseFields(source: Obj, names: readonly string[], log: EntryLog, context: string): ParsedFields {
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
function checkReasoning(reasoning: Decimal | undefined, rates: Rates, log: EntryLog, context: string): void {
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

const kTokens = (n: number): string => (n % 1000 === 0 ? `${n / 1000}k` : String(n));

/**
 * The quantity a prompt-length tier tests. LiteLLM compares its usage's
 * `prompt_tokens` (uncached + cache reads + cache writes) with a threshold;
 * our derived `prompt_tokens` is the same sum, while each kind is still billed
 * once at its own rate. (Audio and image input tokens that an adapter reports
 * apart from `input_tokens` are not part of the sum; LiteLLM counts them.)
 */
const PROMPT_LENGTH = 'prompt_tokens';

/**
 * `*_above_<N>k_tokens` rates as tiers. LiteLLM picks the highest threshold the
 * prompt exceeds and bills every token of the call at that threshold's rates,
 * a field without an above-rate at its base rate (not the rate of a lower
 * threshold). LiteLLM bills xAI's higher tier once the prompt reaches the
 * threshold (>=), every other provider's once it exceeds it (>).
 */
function thresholdTiers(
  base: Rates,
  above: ParsedFields['above'],
  inclusive: boolean,
  mode: string,
  log: EntryLog,
): DraftTier[] {
  const thresholds = [...above.keys()].sort((a, b) => a - b);
  const tiers: DraftTier[] = [];
  const upto = (t: number): number => (inclusive ? t - 1 : t);
  tiers.push({ name: 'standard', when: { [PROMPT_LENGTH]: { upto: upto(thresholds[0]!) } }, rates: base });
  thresholds.forEach((t, i) => {
    const rates: Rates = new Map(base);
    const taken = new Map<string, string>();
    for (const f of above.get(t)!) {
      const spec = specOf(f.field, mode);
      const baseRate = base.get(spec.unit);
      const first = taken.get(spec.unit);
      if (baseRate !== undefined && baseRate.field !== f.field) {
        log.drop(f.name, `"${spec.unit}" is charged by ${baseRate.field}, not by ${f.field}`);
      } else if (first !== undefined) {
        if (!rates.get(spec.unit)!.value.eq(f.value)) {
          log.drop(f.name, `"${spec.unit}" above ${kTokens(t)} tokens is already charged by ${first}`);
        }
      } else {
        taken.set(spec.unit, f.name);
        rates.set(spec.unit, { field: f.name, unit: spec.unit, per: spec.per, value: f.value });
      }
    }
    const next = thresholds[i + 1];
    tiers.push({ name: `above-${kTokens(t)}`, when: next === undefined ? undefined : { [PROMPT_LENGTH]: { upto: upto(next) } }, rates });
  });
  return tiers;
}

/**
 * `tiered_pricing` ranges as tiers. LiteLLM chooses one range by the prompt's
 * tokens (start < tokens <= end), bills the whole call at its rates and falls
 * back to the last range above the highest end; inside a range, cache reads
 * and writes without their own rate cost the range's input rate and a missing
 * output rate is the entry's. The prompt is measured as for thresholds
 * (PROMPT_LENGTH).
 */
function rangeTiers(entry: Obj, base: Rates, mode: string, log: EntryLog): DraftTier[] | undefined {
  const ranges = entry.tiered_pricing;
  if (!Array.isArray(ranges) || ranges.length === 0) {
    log.drop('tiered_pricing', 'not a list of priced ranges');
    return undefined;
  }
  const parsed: { start: number; end: number; index: number; range: Obj }[] = [];
  for (const [index, range] of ranges.entries()) {
    const other = isObj(range) && range.range === undefined ? Object.keys(range).find((n) => n.endsWith('_range')) : undefined;
    if (other !== undefined) {
      log.drop('tiered_pricing', `priced by ${other}, which no usage quantity or dimension reports`);
      return undefined;
    }
    const bounds = isObj(range) ? range.range : undefined;
    const [start, end] = Array.isArray(bounds) ? bounds : [];
    if (!isObj(range) || typeof start !== 'number' || typeof end !== 'number' || !(start < end) || start < 0) {
      log.drop('tiered_pricing', `range ${index} has no valid "range": [start, end]`);
      return undefined;
    }
    parsed.push({ start, end, index, range });
  }
  parsed.sort((a, b) => a.start - b.start);
  const tiers: DraftTier[] = [];
  parsed.forEach(({ start, end, index, range }, i) => {
    const context = `tiered_pricing[${index}].`;
    const fields = parseFields(range, Object.keys(range).filter((n) => n !== 'range'), log, context);
    for (const [t, list] of fields.above) {
      for (const f of list) {
        log.drop(context + f.name, `a threshold inside a tiered_pricing range (${kTokens(t)} tokens) is not used by LiteLLM`);
      }
    }
    const own = resolveUnits(pruneDoubleCounts(fields.base, mode, log, context), mode, log, context);
    const rates: Rates = new Map(base);
    for (const [unit, price] of own) rates.set(unit, { ...price, field: context + price.field });
    const input = own.get('input_tokens');
    if (input !== undefined) {
      for (const unit of ['cached_input_tokens', 'cache_write_tokens']) {
        if (!own.has(unit)) rates.set(unit, { ...input, unit });
      }
    }
    checkReasoning(fields.reasoning, rates, log, context);
    const last = i === parsed.length - 1;
    tiers.push({
      name: last && parsed.length > 1 ? `above-${kTokens(start)}` : last ? 'standard' : `upto-${kTokens(end)}`,
      when: last ? undefined : { [PROMPT_LENGTH]: { upto: end } },
      rates,
    });
  });
  return tiers;
}

const SEARCH_SIZES: readonly string[] = ['low', 'medium', 'high'];

interface SearchCharge {
  readonly name: string;
  readonly when?: Record<string, ConditionDocument>;
  readonly price: Price;
}

/**
 * `search_context_cost_per_query`. Where the price is the same for every
 * context size it is a web search tool fee (Anthropic web search, Gemini
 * grounding, Perplexity deep research), which LiteLLM bills per search the
 * response reports: a `web_search_requests` charge. Where it depends on the
 * size, it is a per-call fee of a model that searches on every call (OpenAI
 * search-preview models, Perplexity Sonar): a `requests` charge in tiers by
 * the `search_context_size` dimension, the provider's default size (low for
 * Perplexity, medium otherwise) being the default tier.
 */
function searchCharges(value: unknown, litellmProvider: string, log: EntryLog): SearchCharge[] {
  const field = 'search_context_cost_per_query';
  if (!isObj(value)) {
    log.drop(field, 'not a mapping of search_context_size_low/medium/high');
    return [];
  }
  const sizes: { size: string; value: Decimal }[] = [];
  for (const [name, raw] of Object.entries(value)) {
    const size = /^search_context_size_(low|medium|high)$/.exec(name)?.[1];
    const price = readPrice(raw);
    if (size === undefined || price === undefined) {
      log.drop(`${field}.${name}`, size === undefined ? 'unknown search context size' : 'not a non-negative number');
      continue;
    }
    sizes.push({ size, value: price });
  }
  if (sizes.length === 0) return [];
  sizes.sort((a, b) => SEARCH_SIZES.indexOf(a.size) - SEARCH_SIZES.indexOf(b.size));
  if (sizes.every((s) => s.value.eq(sizes[0]!.value))) {
    return [{ name: 'search', price: { field, unit: 'web_search_requests', per: 1, value: sizes[0]!.value } }];
  }
  const preferred = litellmProvider === 'perplexity' ? 'low' : 'medium';
  const fallback = sizes.find((s) => s.size === preferred) ?? sizes[sizes.length - 1]!;
  const charge = (s: { size: string; value: Decimal }): Price => ({
    field: `${field}.search_context_size_${s.size}`,
    unit: 'requests',
    per: 1,
    value: s.value,
  });
  const sized = sizes.filter((s) => s !== fallback);
  return [
    ...sized.map((s) => ({ name: `search-${s.size}`, when: { search_context_size: s.size }, price: charge(s) })),
    { name: `search-${fallback.size}`, price: charge(fallback) },
  ];
}

function toCharges(rates: Rates): ChargeDocument[] {
  return [...rates.values()]
    .sort((a, b) => unitRank(a.unit) - unitRank(b.unit))
    .map((p): ChargeDocument =>
      p.per === 1 ? { unit: p.unit, rate: formatDecimal(p.value) } : { unit: p.unit, rate: formatPer(p.value, p.per), per: p.per },
    );
}

/** Every tier charges the same units: a unit priced only in some tiers costs 0 in the others, as in LiteLLM. */
function alignUnits(tiers: DraftTier[]): void {
  const all = new Map<string, Price>();
  for (const t of tiers) for (const [unit, p] of t.rates) if (!all.has(unit)) all.set(unit, p);
  for (const t of tiers) {
    for (const [unit, p] of all) if (!t.rates.has(unit)) t.rates.set(unit, { ...p, value: decimal(0) });
  }
}

function combine(tokenTiers: DraftTier[], search: SearchCharge[]): TierDocument[] {
  if (search.length === 0) return tokenTiers.map((t) => tierDoc(t.name, t.when, t.rates));
  const tiers: TierDocument[] = [];
  for (const t of tokenTiers) {
    for (const s of search) {
      const rates: Rates = new Map(t.rates);
      rates.set(s.price.unit, s.price);
      const when = t.when === undefined && s.when === undefined ? undefined : { ...t.when, ...s.when };
      const name = search.length === 1 ? t.name : tokenTiers.length === 1 ? s.name : `${t.name}/${s.name}`;
      tiers.push(tierDoc(name, when, rates));
    }
  }
  return tiers;
}

function tierDoc(name: string, when: Record<string, ConditionDocument> | undefined, rates: Rates): TierDocument {
  return when === undefined ? { name, charges: toCharges(rates) } : { name, when, charges: toCharges(rates) };
}

type Conversion = { readonly plan: PlanDocument; readonly dropped: EntryLog['dropped'] } | { readonly skipped: string };

interface ResolvedOptions {
  readonly asOf?: string;
  readonly source: string;
}

function convertEntry(key: string, entry: unknown, options: ResolvedOptions): Conversion {
  if (!isObj(entry)) return { skipped: 'not an object' };
  const priceNames = Object.keys(entry).filter((n) => isPriceField(n) && entry[n] !== null && entry[n] !== undefined);
  if (priceNames.length === 0) return { skipped: 'no prices' };
  const mode = entry.mode;
  if (typeof mode !== 'string' || mode === '') return { skipped: 'no mode: LiteLLM does not say which operation it prices' };
  const litellmProvider = entry.litellm_provider;
  if (typeof litellmProvider !== 'string' || litellmProvider === '') return { skipped: 'no litellm_provider' };

  const log = new EntryLog();
  const flatNames = priceNames.filter((n) => n !== 'tiered_pricing' && n !== 'search_context_cost_per_query');
  const fields = parseFields(entry, flatNames, log, '');
  const base = resolveUnits(pruneDoubleCounts(fields.base, mode, log, ''), mode, log, '');
  checkReasoning(fields.reasoning, base, log, '');

  let tokenTiers: DraftTier[] = [{ name: 'standard', rates: base }];
  if (entry.tiered_pricing !== undefined && entry.tiered_pricing !== null) {
    for (const list of fields.above.values()) {
      for (const f of list) log.drop(f.name, 'LiteLLM ignores above-threshold rates of an entry with tiered_pricing');
    }
    const ranges = rangeTiers(entry, base, mode, log);
    if (ranges !== undefined) tokenTiers = ranges;
  } else if (fields.above.size > 0) {
    tokenTiers = thresholdTiers(base, fields.above, litellmProvider === 'xai', mode, log);
  }
  alignUnits(tokenTiers);
  const search = priceNames.includes('search_context_cost_per_query')
    ? searchCharges(entry.search_context_cost_per_query, litellmProvider, log)
    : [];

  if (tokenTiers.every((t) => t.rates.size === 0) && search.length === 0) {
    return { skipped: `no convertible prices (${log.dropped.map((d) => `${d.field}: ${d.reason}`).join('; ')})` };
  }

  const { base: model, qualifiers } = modelNames(key, litellmProvider);
  // A priced variant (size, quality, region…) answers only to its LiteLLM key: under the bare
  // model name it would shadow the model's other variants and the plans of other catalogs.
  const candidates = qualifiers.length > 0 ? [key] : [...new Set([model, key])];
  const models = candidates.filter((m) => !isGlob(m));
  if (models.length === 0) return { skipped: 'the key is not usable as a model name (contains * or ?)' };

  const described = [`LiteLLM entry "${key}" (litellm_provider ${litellmProvider}, mode ${mode})`];
  if (qualifiers.length > 0) described.push(`variant of ${model}: ${qualifiers.join(', ')}`);
  if (typeof entry.source === 'string' && entry.source !== '') described.push(`provider pricing: ${entry.source}`);

  const tiers = combine(tokenTiers, search);
  const single = tiers.length === 1 && tiers[0]!.when === undefined ? tiers[0]! : undefined;
  const plan: PlanDocument = {
    id: `litellm/${key}`,
    provider: ourProvider(litellmProvider),
    operations: [OPERATIONS[mode] ?? mode],
    models,
    ...(options.asOf === undefined ? {} : { as_of: options.asOf }),
    source: options.source,
    description: described.join('; '),
    ...(single === undefined ? { tiers } : { charges: single.charges }),
  };
  return { plan, dropped: log.dropped };
}

/**
 * Converts the parsed JSON of LiteLLM's price list. Throws only on a root that
 * is not a JSON object or on invalid options; problems inside the list are
 * reported in `skipped` and `dropped`.
 */
export function importLiteLLM(json: unknown, options: LiteLLMImportOptions = {}): LiteLLMImportResult {
  if (!isObj(json)) throw new TypeError('a LiteLLM price list is a JSON object of model entries');
  if (options.asOf !== undefined && !isCalendarDate(options.asOf)) {
    throw new RangeError(`asOf must be a date YYYY-MM-DD, got "${options.asOf}"`);
  }
  const catalog = options.catalog ?? DEFAULT_IMPORT_LABEL;
  if (catalog === '') throw new RangeError('catalog label must not be empty');
  const resolved: ResolvedOptions = { asOf: options.asOf, source: options.source ?? LITELLM_SOURCE };

  const plans: PlanDocument[] = [];
  const skipped: SkippedEntry[] = [];
  const dropped: DroppedField[] = [];
  for (const [key, entry] of Object.entries(json)) {
    const notModel = NOT_MODELS[key];
    if (notModel !== undefined) {
      skipped.push({ key, reason: notModel });
      continue;
    }
    const result = convertEntry(key, entry, resolved);
    if ('skipped' in result) {
      skipped.push({ key, reason: result.skipped });
      continue;
    }
    plans.push(result.plan);
    for (const d of result.dropped) dropped.push({ key, field: d.field, reason: d.reason });
  }
  return { document: { catalog, currency: 'USD', plans }, skipped, dropped };
}
