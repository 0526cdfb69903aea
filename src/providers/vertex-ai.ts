/**
 * Google Vertex AI (aiplatform.googleapis.com, the regional `{region}-aiplatform.googleapis.com`
 * and the multi-region `aiplatform.{us,eu}.rep.googleapis.com`): Gemini's generateContent and
 * streamGenerateContent under `publishers/google/models/{model}`, and Anthropic's Claude Messages
 * API under `publishers/anthropic/models/{model}:rawPredict` / `:streamRawPredict`. The bodies are
 * the Gemini API's and the Messages API's, so their readers are reused; what differs is that the
 * model and the location come from the path (the Claude body has `anthropic_version` and no
 * model). Claude models are named with `@` before their date on Vertex
 * (`claude-sonnet-4@20250514`): they are priced as the Messages API's `claude-sonnet-4-20250514`.
 *
 * Every item carries the call's `location` dimension (`global`, `us-central1`, `us`, …): Vertex
 * prices some models (Claude from Sonnet 4.5 on) differently on regional endpoints than on the
 * global one. Vertex has plans of its own rather than `pricedAs`: it serves two providers' models
 * (one `pricedAs` cannot name both), and its regional prices are not the list prices.
 */
import { messagesRoute } from './anthropic.js';
import { generateContentRoute } from './gemini.js';
import { modelName } from './read.js';
import type { CallReader, PriceItem, ProviderAdapter, RequestHead, Route } from './types.js';
import { PROVIDER_IDS } from './provider-ids.js';

/**
 * `/v1/projects/{project}/locations/{location}/publishers/{publisher}/models/{model}:{method}`, also
 * under `v1beta1`, and without the project and location (Vertex express mode with an API key).
 */
const PUBLISHER_PATH =
  /^\/v1(?:beta1)?\/(?:projects\/[^/]+\/locations\/([^/]+)\/)?publishers\/(google|anthropic)\/models\/([^/:]+):([A-Za-z]+)$/;

/** `us-central1` of `us-central1-aiplatform.googleapis.com`, `us` of `aiplatform.us.rep.googleapis.com`. */
const REGIONAL_HOST = /^([a-z0-9-]+)-aiplatform\.googleapis\.com(?::\d+)?$/;
const MULTI_REGION_HOST = /^aiplatform\.([a-z0-9-]+)\.rep\.googleapis\.com(?::\d+)?$/;

/** The location a call is served in: the path's, else the host's, else the global endpoint's. */
function locationOf(pathLocation: string | undefined, host: string): string {
  if (pathLocation !== undefined && pathLocation !== '') return pathLocation;
  return REGIONAL_HOST.exec(host)?.[1] ?? MULTI_REGION_HOST.exec(host)?.[1] ?? 'global';
}

/** A path segment unescaped (`claude-sonnet-4%4020250514` is sent by clients that escape `@`); as is when malformed. */
function unescaped(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Claude's Vertex name as the Messages API's: `claude-sonnet-4@20250514` → `claude-sonnet-4-20250514`. */
export function claudeModelName(model: string | undefined): string | undefined {
  return model?.replace('@', '-');
}

/** The inner route's reader, with the path's model asked for and the items adjusted by `item`. */
function adjusted(inner: Route, requestModel: string | undefined, item: (i: PriceItem) => PriceItem): Route {
  return {
    operation: inner.operation,
    requestFields: inner.requestFields,
    begin(request, head): CallReader {
      const reader = inner.begin(request, head);
      return {
        ...reader,
        requestModel,
        finish(outcome) {
          const facts = reader.finish(outcome);
          return facts.items.length === 0 ? facts : { ...facts, items: facts.items.map(item) };
        },
      };
    },
  };
}

function withLocation(item: PriceItem, location: string): PriceItem {
  return { ...item, dimensions: { ...item.dimensions, location } };
}

export const vertexAiAdapter: ProviderAdapter = {
  provider: PROVIDER_IDS.vertexAi,
  baseUrls: ['https://aiplatform.googleapis.com', 'https://aiplatform.us.rep.googleapis.com', 'https://aiplatform.eu.rep.googleapis.com'],
  hostSuffixes: ['-aiplatform.googleapis.com'],
  route(head: RequestHead) {
    if (head.method !== 'POST') return undefined;
    const match = PUBLISHER_PATH.exec(head.path);
    if (match === null) return undefined;
    const [, pathLocation, publisher, rawModel, method] = match;
    const model = modelName(unescaped(rawModel ?? ''));
    const location = locationOf(pathLocation, head.host);
    if (publisher === 'google') {
      // countTokens and computeTokens are free; embeddings (:predict) are not priced here.
      if (method !== 'generateContent' && method !== 'streamGenerateContent') return undefined;
      const inner = generateContentRoute(model, head, method === 'streamGenerateContent');
      return adjusted(inner, model, (i) => withLocation(i, location));
    }
    // `publishers/anthropic/models/count-tokens:rawPredict` counts tokens for free.
    if (model === 'count-tokens' || (method !== 'rawPredict' && method !== 'streamRawPredict')) return undefined;
    const pathModel = claudeModelName(model);
    return adjusted(messagesRoute(), model, (i) =>
      withLocation(
        { ...i, model: claudeModelName(i.model) ?? pathModel, ...(i.operation === 'chat' ? { fallbackModel: pathModel } : {}) },
        location,
      ),
    );
  },
};
