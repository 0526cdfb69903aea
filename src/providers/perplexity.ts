/**
 * Perplexity (api.perplexity.ai and any endpoint configured as `perplexity`).
 * Sonar chat completions carry OpenAI-style token usage plus a request fee
 * chosen by the search context size, and the response reports its own charge
 * (`usage.cost.total_cost`, USD), which wins over ours. The Search API is a
 * flat fee per request.
 */
import { first, value } from './fields.js';
import { chatUsage } from './openai-api.js';
import { dollars, modelName, parseJson, record, text } from './read.js';
import type { CallFacts, CallReader, ProviderAdapter, Route } from './types.js';
import { PROVIDER_IDS } from './provider-ids.js';

/** Perplexity's default when a request does not set `web_search_options.search_context_size`. */
export const DEFAULT_SEARCH_CONTEXT_SIZE = 'low';

function providerCost(u: Record<string, unknown>): CallFacts['providerCost'] {
  return dollars(record(u.cost)?.total_cost);
}

/** A chunk carrying a usage object, however its JSON is spaced (text content cannot match: its quotes are escaped). */
const USAGE_OBJECT = /"usage"\s*:\s*\{/;

/** Chat completions: usage in the body, or in the last stream chunk (sent without `stream_options`). */
export function sonarChatRoute(): Route {
  return {
    operation: 'chat',
    requestFields: [value('model'), value('web_search_options.search_context_size')],
    begin(request): CallReader {
      const model = modelName(first(request, 'model'));
      const requestedSize = text(first(request, 'web_search_options.search_context_size'));
      // The latest chunk with usage is the final word; it is parsed once, at the end.
      let usageChunk: string | undefined;
      return {
        requestModel: model,
        responseFields: [value('model'), value('usage')],
        onEvent(_event, data) {
          if (USAGE_OBJECT.test(data)) usageChunk = data;
        },
        finish(outcome): CallFacts {
          const final = usageChunk === undefined ? undefined : record(parseJson(usageChunk));
          const responseModel = modelName(first(outcome.response, 'model') ?? final?.model);
          const raw = record(first(outcome.response, 'usage') ?? final?.usage);
          const read = chatUsage(raw);
          if (raw === undefined || read === undefined) return { responseModel, items: [], noUsage: true };
          // The response says which size it billed; the request's (or the default) otherwise.
          const size = text(raw.search_context_size) ?? requestedSize ?? DEFAULT_SEARCH_CONTEXT_SIZE;
          return {
            responseModel,
            items: [
              {
                operation: 'chat',
                model: responseModel ?? model,
                fallbackModel: model,
                usage: read.usage,
                dimensions: { search_context_size: size },
              },
            ],
            semconv: read.semconv,
            providerCost: providerCost(raw),
            // The usage chunk is the stream's last word.
            ...(usageChunk !== undefined ? { complete: true } : {}),
          };
        },
      };
    },
  };
}

/** Search API: one request, whatever it returns; a refused request is not billed. */
export function searchRoute(): Route {
  return {
    operation: 'search',
    requestFields: [],
    begin(): CallReader {
      return {
        responseFields: [],
        finish(outcome): CallFacts {
          if (outcome.status >= 400) return { items: [], noUsage: true };
          return { items: [{ operation: 'search', usage: { requests: 1 } }] };
        },
      };
    },
  };
}

export const perplexityAdapter: ProviderAdapter = {
  provider: PROVIDER_IDS.perplexity,
  baseUrls: ['https://api.perplexity.ai'],
  route(head) {
    if (head.method !== 'POST') return undefined;
    switch (head.path) {
      case '/chat/completions':
      case '/v1/chat/completions':
        return sonarChatRoute();
      case '/search':
        return searchRoute();
      default:
        return undefined;
    }
  },
};
