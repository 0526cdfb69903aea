/**
 * Converts LiteLLM's community price list (`model_prices_and_context_window.json`
 * in BerriAI/litellm) into a catalog document. Pure: the caller reads the JSON
 * and writes the result. Every LiteLLM entry becomes at most one plan,
 * `litellm/<key>`; whatever cannot be expressed is reported, never guessed:
 * a whole entry in `skipped`, a single price field in `dropped`.
 * The semantics follow LiteLLM's own cost calculator (litellm_core_utils/
 * llm_cost_calc), so an imported plan prices a call as LiteLLM would, within
 * the limits noted where a rule is applied.
 */
import { isGlob } from '../../../pricing/glob.js';
import { isCalendarDate, type CatalogDocument, type PlanDocument } from '../../schema.js';
import { checkReasoning, EntryLog, isObj, isPriceField, parseFields, pruneDoubleCounts, resolveUnits } from './fields.js';
import { modelNames, ourOperation, ourProvider } from './names.js';
import { alignUnits, combine, rangeTiers, searchCharges, thresholdTiers, type DraftTier } from './tiers.js';

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
// Conversion of one entry

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
    operations: [ourOperation(litellmProvider, mode)],
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
