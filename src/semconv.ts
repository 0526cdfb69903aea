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
/** Output tokens spent on reasoning (thinking), included in gen_ai.usage.output_tokens. */
export const ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS = 'gen_ai.usage.reasoning.output_tokens';
export const ATTR_GEN_AI_CONVERSATION_ID = 'gen_ai.conversation.id';
export const ATTR_SERVER_ADDRESS = 'server.address';
export const ATTR_SERVER_PORT = 'server.port';
export const ATTR_ERROR_TYPE = 'error.type';
/** Set on the span of a redirect hop only (the status tells it apart from a call). */
export const ATTR_HTTP_RESPONSE_STATUS_CODE = 'http.response.status_code';

/** gen_ai.operation.name well-known values the adapters use; their other operations (`translation`, `search`, …) are ai-pricetag's own. */
export const GEN_AI_OPERATION_CHAT = 'chat';
export const GEN_AI_OPERATION_GENERATE_CONTENT = 'generate_content';
export const GEN_AI_OPERATION_TEXT_COMPLETION = 'text_completion';
export const GEN_AI_OPERATION_EMBEDDINGS = 'embeddings';

/**
 * Per-call cost as proposed for the GenAI conventions (open-telemetry/semantic-conventions-genai#443),
 * not yet in a release: on spans only with the opt-in below, next to ai.cost.*.
 */
export const ATTR_GEN_AI_USAGE_COST_AMOUNT = 'gen_ai.usage.cost.amount';
export const ATTR_GEN_AI_USAGE_COST_CURRENCY = 'gen_ai.usage.cost.currency';
/** `provider` when the response reported the cost, `local` when we priced it. */
export const ATTR_GEN_AI_USAGE_COST_SOURCE = 'gen_ai.usage.cost.source';
export const GEN_AI_COST_SOURCE_PROVIDER = 'provider';
export const GEN_AI_COST_SOURCE_LOCAL = 'local';

/** The conventions' switch to their latest experimental GenAI attributes: a comma-separated list of categories. */
export const ENV_SEMCONV_STABILITY_OPT_IN = 'OTEL_SEMCONV_STABILITY_OPT_IN';
export const SEMCONV_OPT_IN_GEN_AI_LATEST_EXPERIMENTAL = 'gen_ai_latest_experimental';

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
/** On ai_pricing_catalog_info: `invalid` for a configured catalog left out for its problems (absent for catalogs in use). */
export const ATTR_AI_PRICING_CATALOG_STATUS = 'ai.pricing.catalog.status';
export const ATTR_AI_PRICING_UNPRICED_REASON = 'ai.pricing.unpriced_reason';
/** The response ended early (client abort, network error, idle timeout): usage is what was observed. */
export const ATTR_AI_CALL_ABORTED = 'ai.call.aborted';
/** Prefix of non-token usage attributes: `ai.usage.characters`, `ai.usage.images`, … */
export const ATTR_AI_USAGE_PREFIX = 'ai.usage.';

export const COST_SOURCE_CATALOG = 'catalog';
export const COST_SOURCE_PROVIDER = 'provider';

/** The call's result for ai_requests_total: `success` or `error`. */
export const ATTR_AI_OUTCOME = 'ai.outcome';
/** The usage unit of ai_usage_total and ai_pricing_rate (`input_tokens`, `characters`, …). */
export const ATTR_AI_USAGE_UNIT = 'ai.usage.unit';
/** The alternative plan of ai_cost_shadow_total. */
export const ATTR_AI_PRICING_SHADOW_PLAN = 'ai.pricing.shadow_plan';
/** Where an internal fault happened, on ai_instrumentation_errors_total. */
export const ATTR_AI_INSTRUMENTATION_STAGE = 'ai.instrumentation.stage';
/** GenAI convention: `input` or `output` on gen_ai.client.token.usage. */
export const ATTR_GEN_AI_TOKEN_TYPE = 'gen_ai.token.type';
/** The kind of unit of work a conversation metric describes (`conversation`, or a configured name). */
export const ATTR_AI_WORK_UNIT = 'ai.work_unit';
/** Span attribute prefix for the ids of configured units of work: `ai.work_unit.<name>.id`. */
export const ATTR_AI_WORK_UNIT_ID_PREFIX = 'ai.work_unit.';
/** The unit name of conversations. */
export const CONVERSATION_UNIT = 'conversation';

// Metric instruments, as named in OpenTelemetry; Prometheus scrapes them with dots as
// underscores and counters ending in _total (ai.cost → ai_cost_total).
export const METRIC_AI_COST = 'ai.cost';
export const METRIC_AI_REQUESTS = 'ai.requests';
export const METRIC_AI_USAGE = 'ai.usage';
export const METRIC_AI_REQUEST_COST = 'ai.request.cost';
export const METRIC_AI_COST_SHADOW = 'ai.cost.shadow';
export const METRIC_AI_UNPRICED_REQUESTS = 'ai.unpriced_requests';
export const METRIC_AI_PRICING_CATALOG_INFO = 'ai.pricing.catalog.info';
export const METRIC_AI_PRICING_RATE = 'ai.pricing.rate';
export const METRIC_AI_INSTRUMENTATION_ERRORS = 'ai.instrumentation.errors';
export const METRIC_AI_CONVERSATION_COST = 'ai.conversation.cost';
export const METRIC_AI_CONVERSATION_REQUESTS = 'ai.conversation.requests';
export const METRIC_AI_CONVERSATION_DURATION = 'ai.conversation.duration_seconds';
export const METRIC_AI_CONVERSATIONS_ACTIVE = 'ai.conversations.active';
export const METRIC_AI_CONVERSATION_EVICTIONS = 'ai.conversation.evictions';
/** GenAI semantic-convention metrics (experimental). */
export const METRIC_GEN_AI_CLIENT_TOKEN_USAGE = 'gen_ai.client.token.usage';
export const METRIC_GEN_AI_CLIENT_OPERATION_DURATION = 'gen_ai.client.operation.duration';
/** The de-facto cost histogram (USD) some GenAI dashboards read; recorded only when enabled. */
export const METRIC_GEN_AI_USAGE_COST = 'gen_ai.usage.cost';

/** The Prometheus series names the pack (rules, dashboards) reads, one per instrument. */
export const PROMETHEUS_SERIES = {
  cost: 'ai_cost_total',
  requests: 'ai_requests_total',
  usage: 'ai_usage_total',
  requestCost: 'ai_request_cost',
  costShadow: 'ai_cost_shadow_total',
  unpricedRequests: 'ai_unpriced_requests_total',
  catalogInfo: 'ai_pricing_catalog_info',
  rate: 'ai_pricing_rate',
  instrumentationErrors: 'ai_instrumentation_errors_total',
  tokenUsage: 'gen_ai_client_token_usage',
  operationDuration: 'gen_ai_client_operation_duration',
  usageCost: 'gen_ai_usage_cost',
  conversationCost: 'ai_conversation_cost',
  conversationRequests: 'ai_conversation_requests',
  conversationDuration: 'ai_conversation_duration_seconds',
  conversationsActive: 'ai_conversations_active',
  conversationEvictions: 'ai_conversation_evictions_total',
} as const;

/** Label value that replaces values past a label's cardinality cap. */
export const OVERFLOW_LABEL_VALUE = 'other';
