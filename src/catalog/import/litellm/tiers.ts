/**
 * The tiers of a plan built from one LiteLLM entry: `*_above_<N>k_tokens`
 * threshold rates and `tiered_pricing` ranges as prompt-length tiers,
 * `search_context_cost_per_query` as search charges, and the combination of
 * both into the catalog's tier documents with their charges.
 */
import { decimal, formatDecimal, type Decimal } from '../../../pricing/decimal.js';
import type { ChargeDocument, ConditionDocument, TierDocument } from '../../schema.js';
import {
  checkReasoning,
  EntryLog,
  formatPer,
  isObj,
  parseFields,
  pruneDoubleCounts,
  readPrice,
  resolveUnits,
  specOf,
  unitRank,
  type Obj,
  type ParsedFields,
  type Price,
  type Rates,
} from './fields.js';

const kTokens = (n: number): string => (n % 1000 === 0 ? `${n / 1000}k` : String(n));

/**
 * The quantity a prompt-length tier tests. LiteLLM compares its usage's
 * `prompt_tokens` (uncached + cache reads + cache writes) with a threshold;
 * our derived `prompt_tokens` is the same sum, while each kind is still billed
 * once at its own rate. (Audio and image input tokens that an adapter reports
 * apart from `input_tokens` are not part of the sum; LiteLLM counts them.)
 */
const PROMPT_LENGTH = 'prompt_tokens';

export interface DraftTier {
  readonly name: string;
  readonly when?: Record<string, ConditionDocument>;
  readonly rates: Rates;
}

/**
 * `*_above_<N>k_tokens` rates as tiers. LiteLLM picks the highest threshold the
 * prompt exceeds and bills every token of the call at that threshold's rates,
 * a field without an above-rate at its base rate (not the rate of a lower
 * threshold). LiteLLM bills xAI's higher tier once the prompt reaches the
 * threshold (>=), every other provider's once it exceeds it (>).
 */
export function thresholdTiers(base: Rates, above: ParsedFields['above'], inclusive: boolean, mode: string, log: EntryLog): DraftTier[] {
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
export function rangeTiers(entry: Obj, base: Rates, mode: string, log: EntryLog): DraftTier[] | undefined {
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
    const fields = parseFields(
      range,
      Object.keys(range).filter((n) => n !== 'range'),
      log,
      context,
    );
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

export interface SearchCharge {
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
export function searchCharges(value: unknown, litellmProvider: string, log: EntryLog): SearchCharge[] {
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
export function alignUnits(tiers: DraftTier[]): void {
  const all = new Map<string, Price>();
  for (const t of tiers) for (const [unit, p] of t.rates) if (!all.has(unit)) all.set(unit, p);
  for (const t of tiers) {
    for (const [unit, p] of all) if (!t.rates.has(unit)) t.rates.set(unit, { ...p, value: decimal(0) });
  }
}

export function combine(tokenTiers: DraftTier[], search: SearchCharge[]): TierDocument[] {
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
