// Public API of ai-pricetag: the instrumentation, the pure pricing core and catalog loading.
export { PricetagInstrumentation, DEFAULT_CALL_TIMEOUT_MS } from './instrumentation.js';
export type {
  PricetagInstrumentationConfig,
  PricetagStartHook,
  PricetagEndHook,
  AttributionConfig,
  GenAiSpanMode,
  CallRecord,
  CallStart,
  CustomRoute,
  Endpoint,
} from './types.js';
export type { PricedItem, ShadowPrice, Outcome } from './record/call-record.js';
export * as attributes from './semconv.js';
export { Pricer, type PriceRequest } from './pricing/pricer.js';
export { pricePlan } from './pricing/price.js';
export { PlanIndex, epochDay, type Resolution } from './pricing/plan-index.js';
export { decimal, parseDecimal, formatDecimal, sumDecimals, type Decimal } from './pricing/decimal.js';
export {
  USAGE_UNITS,
  CATEGORICAL_DIMENSIONS,
  PRICING_MODELS,
  UNPRICED_REASONS,
  IMPLICIT_TIER,
  type PricingModel,
  type UnpricedReason,
} from './pricing/vocabulary.js';
export type { Usage, Dimensions, Plan, Tier, Charge, Condition, ChargeLine, PriceTag, Unpriced, PriceResult } from './pricing/types.js';
export {
  loadCatalogs,
  validateCatalogFile,
  validateCatalogText,
  validateCatalogValue,
  DEFAULT_CATALOG_PATH,
  type CatalogInput,
  type LoadResult,
  type LoadOptions,
} from './catalog/load.js';
export type { ValidationResult } from './catalog/validate.js';
export { formatProblem, type CatalogProblem } from './catalog/problems.js';
export type { CatalogDocument, PlanDocument, TierDocument, ChargeDocument } from './catalog/schema.js';
export {
  importLiteLLM,
  type LiteLLMImportOptions,
  type LiteLLMImportResult,
  type DroppedField,
  type SkippedEntry,
} from './catalog/import/litellm/index.js';
