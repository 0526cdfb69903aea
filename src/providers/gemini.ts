/**
 * Gemini API (generativelanguage.googleapis.com and any endpoint configured as
 * `gcp.gemini`). The model is in the path (`/v1beta/models/{model}:{method}`).
 * generateContent is the GenAI conventions' own `generate_content` operation.
 * Token normalisation: `promptTokenCount` includes cached content and leaves
 * out tool-use prompts (billed as input); thinking tokens are billed as
 * output. So billed `input_tokens` = prompt − cached + tool-use prompt, and
 * `output_tokens` = candidates + thoughts.
 */
import { GEN_AI_OPERATION_GENERATE_CONTENT } from '../semconv.js';
import { extractFields, last, value, type Extracted } from './fields.js';
import { believable, count, hasJsonKey, minus, modelName, parseJson, plus, reasoningOf, record, usage } from './read.js';
import type { CallFacts, CallReader, PriceItem, ProviderAdapter, RequestHead, Route, SemconvUsage } from './types.js';
import { PROVIDER_IDS } from './provider-ids.js';

/** `usageMetadata` of generateContent, as the body and every stream chunk carry it (cumulative). */
export function geminiUsage(raw: unknown): { usage: Record<string, number>; semconv: SemconvUsage } | undefined {
  const u = record(raw);
  if (u === undefined) return undefined;
  if (!believable(u.promptTokenCount, u.cachedContentTokenCount, u.candidatesTokenCount, u.thoughtsTokenCount, u.toolUsePromptTokenCount))
    return undefined;
  const prompt = count(u.promptTokenCount);
  const cached = count(u.cachedContentTokenCount);
  const candidates = count(u.candidatesTokenCount);
  const thoughts = count(u.thoughtsTokenCount);
  const toolPrompt = count(u.toolUsePromptTokenCount);
  if (prompt === undefined && candidates === undefined && thoughts === undefined && toolPrompt === undefined) return undefined;
  const output = plus(candidates, thoughts);
  return {
    usage: usage({ input_tokens: plus(minus(prompt, cached), toolPrompt), cached_input_tokens: cached, output_tokens: output }),
    semconv: { inputTokens: plus(prompt, toolPrompt), outputTokens: output, cacheReadInputTokens: cached, ...reasoningOf(thoughts) },
  };
}

const USAGE = 'usageMetadata';
const MODEL = 'modelVersion';
/** Google Search grounding: the queries the model ran (Gemini 3 bills each one). */
const SEARCH_QUERIES = 'candidates.*.groundingMetadata.webSearchQueries';

/** What finish needs of a response, wherever it came from. */
interface Reported {
  readonly usage: unknown;
  readonly model: unknown;
  readonly queries: unknown;
}

/** From extracted fields; `prefix` is `*.` when the body is a streamed JSON array (the last element is final). */
function reported(extracted: Extracted, prefix: string): Reported {
  return {
    usage: last(extracted, prefix + USAGE),
    model: last(extracted, prefix + MODEL),
    queries: last(extracted, prefix + SEARCH_QUERIES),
  };
}

const CHUNK_FIELDS = [value(USAGE), value(MODEL), value(SEARCH_QUERIES)];

function fromChunk(data: string | undefined): Reported | undefined {
  return data === undefined ? undefined : reported(extractFields(parseJson(data), CHUNK_FIELDS), '');
}

/** generateContent and streamGenerateContent: JSON, a streamed JSON array, or SSE with `alt=sse`. */
export function generateContentRoute(pathModel: string | undefined, head: RequestHead, stream: boolean): Route {
  const prefix = stream && new URLSearchParams(head.query).get('alt') !== 'sse' ? '*.' : '';
  return {
    operation: GEN_AI_OPERATION_GENERATE_CONTENT,
    requestFields: [],
    begin(): CallReader {
      // Every SSE chunk repeats the cumulative usage: keep the latest text and parse it once, at the end.
      // No skipEventsWithout: only chunks without usageMetadata, webSearchQueries and finishReason could
      // go unread, and every chunk carries usageMetadata. Only the last one matters, but which one that
      // is shows only when the stream ends.
      let usageChunk: string | undefined;
      let groundingChunk: string | undefined;
      let finished = false;
      return {
        requestModel: pathModel,
        responseFields: [value(prefix + USAGE), value(prefix + MODEL), value(prefix + SEARCH_QUERIES)],
        onEvent(_event, data) {
          if (hasJsonKey(data, 'usageMetadata')) usageChunk = data;
          if (hasJsonKey(data, 'webSearchQueries')) groundingChunk = data;
          if (hasJsonKey(data, 'finishReason')) finished = true;
        },
        finish(outcome): CallFacts {
          const body = reported(outcome.response, prefix);
          const final = fromChunk(usageChunk);
          const responseModel = modelName(body.model ?? final?.model);
          const read = geminiUsage(body.usage ?? final?.usage);
          if (read === undefined) return { responseModel, items: [], noUsage: true };
          const model = responseModel ?? pathModel;
          const queries = body.queries ?? (groundingChunk === usageChunk ? final : fromChunk(groundingChunk))?.queries;
          const searches = Array.isArray(queries) ? queries.length : 0;
          const items: PriceItem[] = [{ operation: GEN_AI_OPERATION_GENERATE_CONTENT, model, fallbackModel: pathModel, usage: read.usage }];
          if (searches > 0) items.push({ operation: 'web_search', model, usage: { web_search_requests: searches } });
          return { responseModel, items, semconv: read.semconv, ...(finished ? { complete: true } : {}) };
        },
      };
    },
  };
}

/** embedContent and batchEmbedContents: prompt tokens in `usageMetadata` when the API reports them. */
export function embedContentRoute(pathModel: string | undefined): Route {
  return {
    operation: 'embeddings',
    requestFields: [],
    begin(): CallReader {
      return {
        requestModel: pathModel,
        responseFields: [value(USAGE)],
        finish(outcome): CallFacts {
          const prompt = count(record(last(outcome.response, USAGE))?.promptTokenCount);
          if (prompt === undefined) return { items: [], noUsage: true };
          return {
            items: [{ operation: 'embeddings', model: pathModel, usage: { input_tokens: prompt } }],
            semconv: { inputTokens: prompt },
          };
        },
      };
    },
  };
}

/** `/v1beta/models/gemini-2.5-flash:generateContent`; tuned models keep their `tunedModels/` name. */
const METHOD_PATH = /^\/v1(?:beta|alpha)?\/((?:models|tunedModels)\/[^/:]+):([A-Za-z]+)$/;

export const geminiAdapter: ProviderAdapter = {
  provider: PROVIDER_IDS.gemini,
  baseUrls: ['https://generativelanguage.googleapis.com'],
  route(head) {
    if (head.method !== 'POST') return undefined;
    const match = METHOD_PATH.exec(head.path);
    if (match === null) return undefined;
    const [, resource = '', method] = match;
    const model = modelName(resource.startsWith('models/') ? resource.slice('models/'.length) : resource);
    switch (method) {
      case 'generateContent':
        return generateContentRoute(model, head, false);
      case 'streamGenerateContent':
        return generateContentRoute(model, head, true);
      case 'embedContent':
      case 'batchEmbedContents':
        return embedContentRoute(model);
      default:
        // countTokens is free; other methods are not priced here.
        return undefined;
    }
  },
};
