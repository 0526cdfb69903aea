/**
 * Anthropic Messages API (api.anthropic.com and any endpoint configured as
 * `anthropic`). Token normalisation: Anthropic's `input_tokens` already leave
 * out cache reads and cache writes, which come as their own counts, so the
 * billed quantities map one to one; the semantic-convention input count is
 * their sum. Server-side web searches are a fee of their own.
 */
import { first, value } from './fields.js';
import type { Dimensions } from '../pricing/types.js';
import { believable, count, modelName, parseJson, record, text, usage } from './read.js';
import type { CallFacts, CallReader, PriceItem, ProviderAdapter, Route } from './types.js';
import { PROVIDER_IDS } from './provider-ids.js';

/** Usage as observed so far; a later report of a field replaces an earlier one (Bedrock's Anthropic bodies too). */
export interface Observed {
  input?: number;
  cacheRead?: number;
  cacheWrite?: number;
  output?: number;
  webSearches?: number;
  serviceTier?: string;
  /** A usage field was present but not a believable count: the usage cannot be trusted. */
  untrusted?: boolean;
}

/**
 * Folds one `usage` object in. Stream counts are cumulative and newer API
 * versions repeat the input and cache fields in `message_delta`, so the latest
 * value present of each field wins; an absent one keeps the last. A present one
 * that is not a believable count makes the whole usage untrusted.
 */
export function observe(into: Observed, raw: unknown): void {
  const u = record(raw);
  if (u === undefined) return;
  const tools = record(u.server_tool_use);
  if (!believable(u.input_tokens, u.cache_read_input_tokens, u.cache_creation_input_tokens, u.output_tokens, tools?.web_search_requests))
    into.untrusted = true;
  into.input = count(u.input_tokens) ?? into.input;
  into.cacheRead = count(u.cache_read_input_tokens) ?? into.cacheRead;
  into.cacheWrite = count(u.cache_creation_input_tokens) ?? into.cacheWrite;
  into.output = count(u.output_tokens) ?? into.output;
  into.webSearches = count(record(u.server_tool_use)?.web_search_requests) ?? into.webSearches;
  into.serviceTier = text(u.service_tier) ?? into.serviceTier;
}

export function facts(observed: Observed, responseModel: string | undefined, requestModel: string | undefined): CallFacts {
  const { input, cacheRead, cacheWrite, output, webSearches, serviceTier } = observed;
  if (observed.untrusted === true || (input === undefined && cacheRead === undefined && cacheWrite === undefined && output === undefined)) {
    return { responseModel, items: [], noUsage: true };
  }
  const model = responseModel ?? requestModel;
  const dimensions: Dimensions | undefined = serviceTier === undefined ? undefined : { service_tier: serviceTier };
  const items: PriceItem[] = [
    {
      operation: 'chat',
      model,
      fallbackModel: requestModel,
      usage: usage({ input_tokens: input, cached_input_tokens: cacheRead, cache_write_tokens: cacheWrite, output_tokens: output }),
      dimensions,
    },
  ];
  if (webSearches !== undefined && webSearches > 0)
    items.push({ operation: 'web_search', model, usage: { web_search_requests: webSearches } });
  return {
    responseModel,
    items,
    semconv: {
      inputTokens: input === undefined ? undefined : input + (cacheRead ?? 0) + (cacheWrite ?? 0),
      outputTokens: output,
      cacheReadInputTokens: cacheRead,
      cacheCreationInputTokens: cacheWrite,
    },
  };
}

/** What a messages stream is read for: message_start, message_delta and message_stop all have it on their `event:` lines. */
const MESSAGE_EVENTS: readonly string[] = ['message_'];

/** POST /v1/messages: usage in the body, or in `message_start` then `message_delta` events. */
export function messagesRoute(): Route {
  return {
    operation: 'chat',
    requestFields: [value('model')],
    begin(request): CallReader {
      const model = modelName(first(request, 'model'));
      const observed: Observed = {};
      let streamModel: string | undefined;
      let stopped = false;
      return {
        requestModel: model,
        responseFields: [value('model'), value('usage')],
        onEvent(event, data) {
          // Only these two events carry the model and usage; content deltas are never parsed.
          if (event === 'message_start') {
            const message = record(record(parseJson(data))?.message);
            streamModel ??= modelName(message?.model);
            observe(observed, message?.usage);
          } else if (event === 'message_delta') {
            observe(observed, record(parseJson(data))?.usage);
          } else if (event === 'message_stop') {
            stopped = true;
          }
        },
        skipEventsWithout: () => MESSAGE_EVENTS,
        finish(outcome): CallFacts {
          // A stream cut short is priced as far as it was observed.
          observe(observed, first(outcome.response, 'usage'));
          const result = facts(observed, modelName(first(outcome.response, 'model')) ?? streamModel, model);
          return stopped ? { ...result, complete: true } : result;
        },
      };
    },
  };
}

export const anthropicAdapter: ProviderAdapter = {
  provider: PROVIDER_IDS.anthropic,
  baseUrls: ['https://api.anthropic.com'],
  route(head) {
    // /v1/messages/count_tokens is free; message batches report their usage only in the results.
    return head.method === 'POST' && head.path === '/v1/messages' ? messagesRoute() : undefined;
  },
};
