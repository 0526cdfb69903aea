/**
 * The LiteLLM price-list importer: converts LiteLLM's community price list into
 * a catalog document. This module only re-exports the public names; the work is
 * done in convert.ts (entries and plans), tiers.ts (tiers and search charges),
 * fields.ts (price fields and their units) and names.ts (providers, operations,
 * model names).
 */
export {
  importLiteLLM,
  LITELLM_SOURCE,
  type DroppedField,
  type LiteLLMImportOptions,
  type LiteLLMImportResult,
  type SkippedEntry,
} from './convert.js';
