/**
 * The attributes of a call, for its span and for its metric series: one place decides the names
 * and values both show. The span gets them per call; the metrics once per series (a metric's
 * model is the capped label value, the span's the model as sent).
 */
import type { Attributes } from '@opentelemetry/api';
import type { Plan, Tier } from '../pricing/types.js';
import { costValue, type CallRecord } from '../record/call-record.js';
import { nearestDouble } from '../pricing/decimal.js';
import { isTokenUnit } from '../pricing/vocabulary.js';
import * as A from '../semconv.js';

/** Attribute sets a span carries only when asked for (resolveConfig reads them from the environment). */
export interface SpanAttributeOptions {
  /** OTEL_SEMCONV_STABILITY_OPT_IN lists gen_ai_latest_experimental: also the proposed gen_ai.usage.cost.* attributes. */
  readonly genAiLatestExperimental: boolean;
}

/** Who was called for what: the labels every series of a call carries. */
export function callLabels(provider: string, model: string, operation: string): Attributes {
  return { [A.ATTR_GEN_AI_PROVIDER_NAME]: provider, [A.ATTR_GEN_AI_REQUEST_MODEL]: model, [A.ATTR_GEN_AI_OPERATION_NAME]: operation };
}

/** A priced plan and tier, as every cost attribute set names them. */
export interface PricedPlan {
  readonly plan: Plan;
  readonly tier: Tier;
}

export function planTierLabels({ plan, tier }: PricedPlan): Attributes {
  return { [A.ATTR_AI_PRICING_PLAN]: plan.id, [A.ATTR_AI_PRICING_TIER]: tier.name };
}

/** The plan and tier with the pricing model and the plan's currency (requests and cost series). */
export function planLabels(result: PricedPlan | undefined): Attributes {
  if (result === undefined) return {};
  return {
    ...planTierLabels(result),
    [A.ATTR_AI_PRICING_MODEL]: result.tier.pricingModel,
    [A.ATTR_AI_COST_CURRENCY]: result.plan.currency,
  };
}

/** Attributes known when the call starts (also used as the span's start attributes). */
export function startAttributes(
  record: Pick<CallRecord, 'provider' | 'operation' | 'serverAddress' | 'serverPort' | 'requestModel'>,
): Attributes {
  const attrs: Attributes = {
    [A.ATTR_GEN_AI_OPERATION_NAME]: record.operation,
    [A.ATTR_GEN_AI_PROVIDER_NAME]: record.provider,
    [A.ATTR_SERVER_ADDRESS]: record.serverAddress,
  };
  if (record.serverPort !== undefined) attrs[A.ATTR_SERVER_PORT] = record.serverPort;
  if (record.requestModel !== undefined) attrs[A.ATTR_GEN_AI_REQUEST_MODEL] = record.requestModel;
  return attrs;
}

/** A usage unit shown as `ai.usage.<unit>`: tokens have their semconv attributes, and every call is one request. */
const onSpan = (unit: string): boolean => !isTokenUnit(unit) && unit !== 'requests';

export function spanName(operation: string, model: string | undefined): string {
  return model === undefined ? operation : `${operation} ${model}`;
}

/**
 * Everything a finished call's span shows; `withStart` false leaves out what the span got when
 * it started (or was identified), for a span of ours that has them already.
 */
export function endAttributes(record: CallRecord, options: SpanAttributeOptions, withStart = true): Attributes {
  const attrs: Attributes = withStart ? startAttributes(record) : {};
  if (record.responseModel !== undefined) attrs[A.ATTR_GEN_AI_RESPONSE_MODEL] = record.responseModel;
  const u = record.semconv;
  if (u?.inputTokens !== undefined) attrs[A.ATTR_GEN_AI_USAGE_INPUT_TOKENS] = u.inputTokens;
  if (u?.outputTokens !== undefined) attrs[A.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS] = u.outputTokens;
  if (u?.cacheReadInputTokens !== undefined) attrs[A.ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS] = u.cacheReadInputTokens;
  if (u?.cacheCreationInputTokens !== undefined) attrs[A.ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS] = u.cacheCreationInputTokens;
  if (u?.reasoningOutputTokens !== undefined) attrs[A.ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS] = u.reasoningOutputTokens;

  const main = record.main;
  if (main?.result.priced) {
    Object.assign(attrs, planTierLabels(main.result));
    attrs[A.ATTR_AI_PRICING_MODEL] = main.result.tier.pricingModel;
    attrs[A.ATTR_AI_PRICING_CATALOG] = main.result.plan.catalog;
  }
  // Non-token quantities (characters, images, seconds…); tokens have their semconv attributes.
  // The extra usage wins over the main item's for a unit both name.
  const extra = record.extraUsage;
  const itemUsage = main?.item.usage;
  for (const unit in itemUsage)
    if (extra?.[unit] === undefined && onSpan(unit)) attrs[`${A.ATTR_AI_USAGE_PREFIX}${unit}`] = itemUsage[unit];
  for (const unit in extra) if (onSpan(unit)) attrs[`${A.ATTR_AI_USAGE_PREFIX}${unit}`] = extra[unit];
  if (record.cost !== undefined) {
    // The double nearest the exact decimal, converted once so both cost attributes carry the same value.
    const amount = costValue(record.cost);
    attrs[A.ATTR_AI_COST_AMOUNT] = amount;
    attrs[A.ATTR_AI_COST_CURRENCY] = record.cost.currency;
    attrs[A.ATTR_AI_COST_SOURCE] = record.cost.source;
    if (record.cost.catalogAmount !== undefined) attrs[A.ATTR_AI_COST_CATALOG_AMOUNT] = nearestDouble(record.cost.catalogAmount);
    if (options.genAiLatestExperimental) {
      attrs[A.ATTR_GEN_AI_USAGE_COST_AMOUNT] = amount;
      attrs[A.ATTR_GEN_AI_USAGE_COST_CURRENCY] = record.cost.currency;
      attrs[A.ATTR_GEN_AI_USAGE_COST_SOURCE] =
        record.cost.source === A.COST_SOURCE_PROVIDER ? A.GEN_AI_COST_SOURCE_PROVIDER : A.GEN_AI_COST_SOURCE_LOCAL;
    }
  }
  if (record.unpricedReason !== undefined) attrs[A.ATTR_AI_PRICING_UNPRICED_REASON] = record.unpricedReason;
  if (record.errorType !== undefined) attrs[A.ATTR_ERROR_TYPE] = record.errorType;
  if (record.aborted) attrs[A.ATTR_AI_CALL_ABORTED] = true;
  return attrs;
}
