/**
 * The shared vocabulary of billable quantities, request dimensions and price
 * outcomes. Capture, catalogs and the CLI all speak these names.
 */

/** Usage quantities every adapter reports with these exact names. */
export const USAGE_UNITS = [
  'requests',
  'input_tokens',
  'cached_input_tokens',
  'cache_write_tokens',
  'output_tokens',
  'audio_input_tokens',
  'audio_output_tokens',
  'characters',
  'images',
  'seconds',
  'pages',
  'text_records',
  'web_search_requests',
  'request_bytes',
  // Cohere Rerank: one per query of up to 100 documents (`meta.billed_units.search_units`).
  'search_units',
  // Cohere Embed v4: image inputs, billed apart from text tokens (`meta.billed_units.image_tokens`).
  'image_tokens',
] as const;

/**
 * Quantities a tier condition may test that adapters do not report: sums of
 * reported ones. Long-context thresholds count the whole prompt, cached or not,
 * while `input_tokens` excludes cached tokens so they are never billed twice.
 */
export const DERIVED_QUANTITIES: Readonly<Record<string, readonly string[]>> = {
  prompt_tokens: ['input_tokens', 'cached_input_tokens', 'cache_write_tokens'],
};

/** Categorical request properties a tier may match with exact values only. */
export const CATEGORICAL_DIMENSIONS = [
  'quality',
  'size',
  'search_depth',
  'search_context_size',
  'feature',
  'model',
  'region',
  'service_tier',
] as const;

export const PRICING_MODELS = ['per_request', 'per_token', 'per_unit', 'blended'] as const;
export type PricingModel = (typeof PRICING_MODELS)[number];

export const UNPRICED_REASONS = ['unknown_model', 'no_plan', 'no_tier', 'no_usage', 'error'] as const;
export type UnpricedReason = (typeof UNPRICED_REASONS)[number];

/** Tier name of a plan that declares `charges` instead of `tiers`. */
export const IMPLICIT_TIER = 'standard';

/** Any unit ending in `_tokens` is a token unit (covers custom token kinds too). */
export function isTokenUnit(unit: string): boolean {
  return unit.endsWith('_tokens');
}

const categorical: ReadonlySet<string> = new Set(CATEGORICAL_DIMENSIONS);
export function isCategoricalDimension(name: string): boolean {
  return categorical.has(name);
}
