/**
 * Cohere (api.cohere.com, the cohere-ai SDK's default, and the older api.cohere.ai; any endpoint
 * configured as `cohere`). Cohere bills what its responses call `billed_units`, which can be less
 * than the tokens the model processed (`tokens`: Cohere does not bill the tokens it adds itself),
 * so prices come from `billed_units` and the semantic-convention counts from `tokens`.
 *
 * - v2 Chat: `usage.billed_units` in the body; a stream (`stream: true`) carries it in the
 *   `message-end` event's `delta.usage`, followed by `data: [DONE]`.
 * - v2 (and v1) Embed: `meta.billed_units.input_tokens`, and `image_tokens` / `images` for images.
 * - v2 (and v1) Rerank: `meta.billed_units.search_units`, one per query of up to 100 documents:
 *   the `rerank` operation, priced per search unit.
 * - The OpenAI-compatible API under `/compatibility/v1`: OpenAI's usage shape.
 */
import { GEN_AI_OPERATION_CHAT } from '../semconv.js';
import { first, value } from './fields.js';
import { chatCompletionsRoute, embeddingsRoute } from './openai-api.js';
import { believable, count, hasJsonKey, modelName, parseJson, record, usage } from './read.js';
import type { CallFacts, CallReader, ProviderAdapter, Route, SemconvUsage } from './types.js';
import { PROVIDER_IDS } from './provider-ids.js';

type Json = Record<string, unknown>;

/** gen_ai.operation.name of Cohere's Rerank API (the conventions list none for it). */
export const OPERATION_RERANK = 'rerank';

const NO_USAGE = (responseModel: string | undefined): CallFacts => ({ responseModel, items: [], noUsage: true });

/** Chat `usage` ({billed_units, tokens, cached_tokens}): billed tokens to price, processed tokens for the span. */
export function cohereChatUsage(raw: unknown): { usage: Record<string, number>; semconv: SemconvUsage } | undefined {
  const u = record(raw);
  const billed = record(u?.billed_units);
  if (u === undefined || billed === undefined) return undefined;
  const tokens = record(u.tokens);
  if (!believable(billed.input_tokens, billed.output_tokens, tokens?.input_tokens, tokens?.output_tokens, u.cached_tokens)) {
    return undefined;
  }
  const input = count(billed.input_tokens);
  const output = count(billed.output_tokens);
  if (input === undefined && output === undefined) return undefined;
  return {
    usage: usage({ input_tokens: input, output_tokens: output }),
    semconv: {
      inputTokens: count(tokens?.input_tokens) ?? input,
      outputTokens: count(tokens?.output_tokens) ?? output,
      ...(count(u.cached_tokens) === undefined ? {} : { cacheReadInputTokens: count(u.cached_tokens) }),
    },
  };
}

/** The stream's `message-end` event is the only one with billed units; nothing else is read. */
const CHAT_STREAM_NEEDS: readonly string[] = ['billed_units'];

/** v2 Chat, JSON or streamed. */
export function cohereChatRoute(): Route {
  return {
    operation: GEN_AI_OPERATION_CHAT,
    requestFields: [value('model')],
    begin(request): CallReader {
      const model = modelName(first(request, 'model'));
      let endUsage: unknown;
      let ended = false;
      return {
        requestModel: model,
        responseFields: [value('usage')],
        onEvent(_event, data) {
          if (!hasJsonKey(data, 'billed_units', ':')) return;
          const delta = record(record(parseJson(data))?.delta);
          if (delta?.usage === undefined) return;
          endUsage = delta.usage;
          ended = true;
        },
        skipEventsWithout: () => CHAT_STREAM_NEEDS,
        finish(outcome): CallFacts {
          // Cohere's v2 chat response names no model: the request's is the one billed.
          const read = cohereChatUsage(ended ? endUsage : first(outcome.response, 'usage'));
          if (read === undefined) return NO_USAGE(undefined);
          return {
            items: [{ operation: GEN_AI_OPERATION_CHAT, model, usage: read.usage }],
            semconv: read.semconv,
            ...(ended ? { complete: true } : {}),
          };
        },
      };
    },
  };
}

const BILLED_UNITS = 'meta.billed_units';

/** Embed and Rerank: the request names the model, the response's `meta.billed_units` is all that is read. */
function billedUnitsRoute(operation: string, facts: (billed: Json | undefined, model: string | undefined) => CallFacts): Route {
  return {
    operation,
    requestFields: [value('model')],
    begin(request): CallReader {
      const model = modelName(first(request, 'model'));
      return {
        requestModel: model,
        responseFields: [value(BILLED_UNITS)],
        finish: (outcome): CallFacts => facts(record(first(outcome.response, BILLED_UNITS)), model),
      };
    },
  };
}

/** v2 and v1 Embed: billed text tokens, and billed image tokens (Embed v4) or images (Embed v3). */
export function cohereEmbedRoute(): Route {
  return billedUnitsRoute('embeddings', (b, model) => {
    if (b === undefined || !believable(b.input_tokens, b.image_tokens, b.images)) return NO_USAGE(undefined);
    const used = usage({ input_tokens: count(b.input_tokens), image_tokens: count(b.image_tokens), images: count(b.images) });
    if (Object.keys(used).length === 0) return NO_USAGE(undefined);
    return {
      items: [{ operation: 'embeddings', model, usage: used }],
      ...(used.input_tokens === undefined ? {} : { semconv: { inputTokens: used.input_tokens } }),
    };
  });
}

/** v2 and v1 Rerank: billed search units, a fee per query of up to 100 documents. */
export function cohereRerankRoute(): Route {
  return billedUnitsRoute(OPERATION_RERANK, (b, model) => {
    const units = count(b?.search_units);
    if (units === undefined) return NO_USAGE(undefined);
    return { items: [{ operation: OPERATION_RERANK, model, usage: { search_units: units } }], extraUsage: { search_units: units } };
  });
}

export const cohereAdapter: ProviderAdapter = {
  provider: PROVIDER_IDS.cohere,
  baseUrls: ['https://api.cohere.com', 'https://api.cohere.ai'],
  route(head) {
    if (head.method !== 'POST') return undefined;
    switch (head.path) {
      case '/v2/chat':
        return cohereChatRoute();
      case '/v2/embed':
      case '/v1/embed':
        return cohereEmbedRoute();
      case '/v2/rerank':
      case '/v1/rerank':
        return cohereRerankRoute();
      case '/compatibility/v1/chat/completions':
        return chatCompletionsRoute();
      case '/compatibility/v1/embeddings':
        return embeddingsRoute();
      default:
        return undefined;
    }
  },
};
