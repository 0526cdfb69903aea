/**
 * Attribute and metric names, defined once. GenAI names are copied from the
 * OpenTelemetry semantic conventions (@experimental there: the GenAI
 * conventions are still in development); `ai.*` names are ai-pricetag's own.
 */

// OpenTelemetry semantic conventions (GenAI, experimental; server, error: stable).
export const ATTR_GEN_AI_OPERATION_NAME = 'gen_ai.operation.name';
export const ATTR_GEN_AI_PROVIDER_NAME = 'gen_ai.provider.name';
export const ATTR_GEN_AI_REQUEST_MODEL = 'gen_ai.request.model';
export const ATTR_GEN_AI_RESPONSE_MODEL = 'gen_ai.response.model';
export const ATTR_GEN_AI_USAGE_INPUT_TOKENS = 'gen_ai.usage.input_tokens';
export const ATTR_GEN_AI_USAGE_OUTPUT_TOKENS = 'gen_ai.usage.output_tokens';
export const ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS = 'gen_ai.usage.cache_read.input_tokens';
export const ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS = 'gen_ai.usage.cache_creation.input_tokens';
export const ATTR_GEN_AI_CONVERSATION_ID = 'gen_ai.conversation.id';
export const ATTR_SERVER_ADDRESS = 'server.address';
export const ATTR_SERVER_PORT = 'server.port';
export const ATTR_ERROR_TYPE = 'error.type';

// ai-pricetag's own attributes.
export const ATTR_AI_COST_AMOUNT = 'ai.cost.amount';
export const ATTR_AI_COST_CURRENCY = 'ai.cost.currency';
export const ATTR_AI_COST_SOURCE = 'ai.cost.source';
/** Our catalog's price when the provider reported its own cost (which wins). */
export const ATTR_AI_COST_CATALOG_AMOUNT = 'ai.cost.catalog_amount';
export const ATTR_AI_PRICING_PLAN = 'ai.pricing.plan';
export const ATTR_AI_PRICING_MODEL = 'ai.pricing.model';
export const ATTR_AI_PRICING_TIER = 'ai.pricing.tier';
export const ATTR_AI_PRICING_CATALOG = 'ai.pricing.catalog';
export const ATTR_AI_PRICING_UNPRICED_REASON = 'ai.pricing.unpriced_reason';
/** The response ended early (client abort, network error, idle timeout): usage is what was observed. */
export const ATTR_AI_CALL_ABORTED = 'ai.call.aborted';
/** Prefix of non-token usage attributes: `ai.usage.characters`, `ai.usage.images`, … */
export const ATTR_AI_USAGE_PREFIX = 'ai.usage.';

export const COST_SOURCE_CATALOG = 'catalog';
export const COST_SOURCE_PROVIDER = 'provider';
