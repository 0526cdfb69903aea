/**
 * The Vercel AI Gateway (ai-gateway.vercel.sh and any endpoint configured as `vercel.ai_gateway`),
 * what the `ai` package calls for a plain string model id (`generateText({ model: 'openai/gpt-4o-mini' })`).
 *
 * - The AI SDK protocol (@ai-sdk/gateway): `POST /v<N>/ai/language-model` with the model in the
 *   `ai-language-model-id` header (`provider/model`) and the body the AI SDK's call options (no
 *   model). The JSON response is the language model's generate result: `usage` in the AI SDK's
 *   shape (nested `inputTokens: {total, noCache, cacheRead, cacheWrite}` and `outputTokens: {total,
 *   reasoning}` since spec v3, flat numbers before), and `providerMetadata.gateway.cost`, what the
 *   gateway charges in US dollars. With `ai-language-model-streaming: true` it is SSE, one stream
 *   part per `data:` line, the `finish` part carrying the usage and the provider metadata.
 *   `POST /v<N>/ai/embedding-model` (model in `ai-model-id`) answers `{embeddings, usage: {tokens}}`.
 * - The OpenAI-compatible API (`/v1/chat/completions`, `/v1/embeddings`): OpenAI's shapes.
 *
 * The gateway bills the providers' list prices, and reports its charge, which wins over ours. Ours is
 * priced with OpenAI's plans (`pricedAs`) for `openai/*` models; other providers' models are priced
 * by the charge the gateway reports, or left unpriced (`unknown_model`) when it reports none.
 */
import { GEN_AI_OPERATION_CHAT } from '../semconv.js';
import { first, value } from './fields.js';
import { chatCompletionsRoute, embeddingsRoute } from './openai-api.js';
import { believable, count, dollars, hasJsonKey, minus, modelName, parseJson, reasoningOf, record, usage } from './read.js';
import type { CallFacts, CallReader, PriceItem, ProviderAdapter, RequestHead, Route, SemconvUsage } from './types.js';
import { PROVIDER_IDS } from './provider-ids.js';

type Json = Record<string, unknown>;

/** Whose plans price the gateway's `openai/*` models: it bills their list prices. */
export const GATEWAY_PRICED_AS = PROVIDER_IDS.openai;

/** `openai/gpt-4o-mini` → `gpt-4o-mini`, OpenAI's own name for a gateway id; undefined for other providers' ids. */
export function openAiName(id: string | undefined): string | undefined {
  const prefix = `${GATEWAY_PRICED_AS}/`;
  return id !== undefined && id.startsWith(prefix) && id.length > prefix.length ? id.slice(prefix.length) : undefined;
}

/** The item of a gateway id: the id itself, and OpenAI's own name to price it by. */
function itemOf(operation: string, model: string | undefined, used: Record<string, number>): PriceItem {
  const own = openAiName(model);
  return { operation, model, ...(own === undefined ? {} : { fallbackModel: own }), usage: used };
}

/** A route of the OpenAI-compatible API whose items name the gateway's `openai/…` models by OpenAI's own name too. */
function withOpenAiNames(route: Route): Route {
  return {
    ...route,
    begin(request, head) {
      const reader = route.begin(request, head);
      return {
        ...reader,
        finish(outcome) {
          const facts = reader.finish(outcome);
          const items = facts.items.map((item) => {
            const own = openAiName(item.model) ?? openAiName(item.fallbackModel);
            return own === undefined ? item : { ...item, fallbackModel: own };
          });
          return { ...facts, items };
        },
      };
    },
  };
}

/** AI SDK usage, nested (spec v3 and later) or flat (v2): billed quantities and span counts. */
export function gatewayUsage(raw: unknown): { usage: Record<string, number>; semconv: SemconvUsage } | undefined {
  const u = record(raw);
  if (u === undefined) return undefined;
  const inObj = record(u.inputTokens);
  const outObj = record(u.outputTokens);
  const total = inObj !== undefined ? inObj.total : u.inputTokens;
  const output = outObj !== undefined ? outObj.total : u.outputTokens;
  const cacheRead = inObj !== undefined ? inObj.cacheRead : u.cachedInputTokens;
  const cacheWrite = inObj?.cacheWrite;
  const noCache = inObj?.noCache;
  const reasoning = outObj !== undefined ? outObj.reasoning : u.reasoningTokens;
  if (!believable(total, output, cacheRead, cacheWrite, noCache)) return undefined;
  const input = count(total);
  const out = count(output);
  if (input === undefined && out === undefined) return undefined;
  const read = count(cacheRead);
  const write = count(cacheWrite);
  return {
    usage: usage({
      input_tokens: count(noCache) ?? minus(minus(input, read), write),
      cached_input_tokens: read,
      cache_write_tokens: write,
      output_tokens: out,
    }),
    semconv: {
      inputTokens: input,
      outputTokens: out,
      ...(read === undefined ? {} : { cacheReadInputTokens: read }),
      ...(write === undefined ? {} : { cacheCreationInputTokens: write }),
      ...reasoningOf(count(reasoning)),
    },
  };
}

/** `providerMetadata.gateway.cost`: the gateway's charge, a US-dollar decimal string. */
function gatewayCost(metadata: unknown): CallFacts['providerCost'] {
  return dollars(record(record(metadata)?.gateway)?.cost);
}

/** Stream parts other than these change nothing: `finish` carries usage and the gateway's cost, `response-metadata` the model. */
const LANGUAGE_STREAM_NEEDS: readonly string[] = ['finish', 'response-metadata'];

/** `/v<N>/ai/language-model`: generateText (JSON) and streamText (SSE). */
export function languageModelRoute(head: RequestHead): Route {
  const model = modelName(head.header('ai-language-model-id') ?? head.header('ai-model-id'));
  return {
    operation: GEN_AI_OPERATION_CHAT,
    requestFields: [],
    begin(): CallReader {
      let finishPart: Json | undefined;
      let streamedModel: string | undefined;
      return {
        requestModel: model,
        responseFields: [value('usage'), value('providerMetadata.gateway'), value('response.modelId')],
        onEvent(_event, data) {
          const usageKey = hasJsonKey(data, 'usage', ':');
          if (!usageKey && !hasJsonKey(data, 'modelId', ':')) return;
          const part = record(parseJson(data));
          if (part?.type === 'finish' && usageKey) finishPart = part;
          else if (part?.type === 'response-metadata') streamedModel = modelName(part.modelId) ?? streamedModel;
        },
        skipEventsWithout: () => LANGUAGE_STREAM_NEEDS,
        finish(outcome): CallFacts {
          const raw = finishPart !== undefined ? finishPart.usage : first(outcome.response, 'usage');
          const metadata =
            finishPart !== undefined ? finishPart.providerMetadata : { gateway: first(outcome.response, 'providerMetadata.gateway') };
          const responseModel = modelName(first(outcome.response, 'response.modelId')) ?? streamedModel;
          const read = gatewayUsage(raw);
          if (read === undefined) return { responseModel, items: [], noUsage: true };
          const cost = gatewayCost(metadata);
          return {
            responseModel,
            items: [itemOf(GEN_AI_OPERATION_CHAT, model, read.usage)],
            semconv: read.semconv,
            ...(cost === undefined ? {} : { providerCost: cost }),
            ...(finishPart !== undefined ? { complete: true } : {}),
          };
        },
      };
    },
  };
}

/** `/v<N>/ai/embedding-model`: embed and embedMany, `usage.tokens`. */
export function embeddingModelRoute(head: RequestHead): Route {
  const model = modelName(head.header('ai-model-id'));
  return {
    operation: 'embeddings',
    requestFields: [],
    begin(): CallReader {
      return {
        requestModel: model,
        responseFields: [value('usage.tokens'), value('providerMetadata.gateway')],
        finish(outcome): CallFacts {
          const tokens = first(outcome.response, 'usage.tokens');
          const input = count(tokens);
          if (input === undefined) return { items: [], noUsage: true };
          const cost = gatewayCost({ gateway: first(outcome.response, 'providerMetadata.gateway') });
          return {
            items: [itemOf('embeddings', model, { input_tokens: input })],
            semconv: { inputTokens: input },
            ...(cost === undefined ? {} : { providerCost: cost }),
          };
        },
      };
    },
  };
}

const SDK_PATH = /^\/v\d+\/ai\/(language-model|embedding-model)$/;

export const vercelAiGatewayAdapter: ProviderAdapter = {
  provider: PROVIDER_IDS.vercelAiGateway,
  baseUrls: ['https://ai-gateway.vercel.sh'],
  pricedAs: GATEWAY_PRICED_AS,
  route(head) {
    if (head.method !== 'POST') return undefined;
    const sdk = SDK_PATH.exec(head.path);
    if (sdk !== null) return sdk[1] === 'language-model' ? languageModelRoute(head) : embeddingModelRoute(head);
    switch (head.path) {
      case '/v1/chat/completions':
        return withOpenAiNames(chatCompletionsRoute());
      case '/v1/embeddings':
        return withOpenAiNames(embeddingsRoute());
      default:
        return undefined;
    }
  },
};
