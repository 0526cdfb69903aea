/**
 * Gemini API (`/google/v1beta/models/{model}:{method}`, as
 * generativelanguage.googleapis.com): generateContent, streamGenerateContent
 * (SSE with `alt=sse`, else a streamed JSON array), embedContent,
 * batchEmbedContents and countTokens. `usageMetadata` as the API reports it:
 * `promptTokenCount` includes cached content (an explicit `cachedContent`, or
 * an implicitly cached repeated prefix on 2.5 and later models), thinking
 * models report `thoughtsTokenCount`, Google Search grounding reports its
 * queries and `toolUsePromptTokenCount`.
 */
import { steppedCheckpoints } from '../cache.js';
import { fnv1a } from '../random.js';
import { embeddingVector, fillerText, promptText, randomId, splitChunks, tokensOf } from '../text.js';
import type { EmulatorRequest, EventStream, Json, Operation, ProviderEmulator, Reply } from '../types.js';
import { drawReasoning, googleError, googleFault, int, list, record, str, withReasoning } from './common.js';

const METHOD_PATH = /^\/v1(?:beta|alpha)?\/((?:models|tunedModels)\/[^/:]+):([A-Za-z]+)$/;
/** Implicit caching: prefixes from 1,024 tokens, kept a few minutes. */
const IMPLICIT_CACHE = { minTokens: 1024, stepTokens: 128, ttlMs: 5 * 60_000 } as const;
const STREAM_CHUNKS = 8;

/** 2.5 and later models think, and cache repeated prefixes implicitly. */
function isThinkingModel(model: string): boolean {
  return /^gemini-(2\.5|[3-9])/.test(model);
}

function invalid(name: string, message: string, model: string): Operation {
  const e = googleError(400, 'INVALID_ARGUMENT', message);
  return { name, model, stream: false, respond: (r) => r.json(e.status, e.body) };
}

interface Generation {
  readonly usage: Json;
  readonly text: string;
  readonly finishReason: string;
  readonly queries: string[];
  readonly candidates: number;
}

function generate(body: Json, model: string, reply: Reply): Generation {
  const rng = reply.rng;
  const parts: string[] = [];
  let prompt = 0;
  for (const field of ['tools', 'systemInstruction', 'system_instruction', 'contents'] as const) {
    const text = promptText(body[field]);
    prompt += tokensOf(text);
    parts.push(...text.parts);
  }
  const config = record(body.generationConfig) ?? record(body.generation_config) ?? {};
  let cached = 0;
  const cachedContent = str(body.cachedContent) ?? str(body.cached_content);
  if (cachedContent !== undefined) {
    // An explicit cache's size was fixed when it was created; stable per cache name.
    cached = 4096 + (fnv1a(cachedContent) % 60_000);
    prompt += cached;
  } else if (isThinkingModel(model) && prompt >= IMPLICIT_CACHE.minTokens) {
    const checkpoints = steppedCheckpoints(parts, IMPLICIT_CACHE.minTokens, IMPLICIT_CACHE.stepTokens);
    cached = Math.min(reply.cache.longestHit(`google:${model}`, checkpoints), prompt);
    reply.cache.store(`google:${model}`, checkpoints, IMPLICIT_CACHE.ttlMs);
  }
  const thinking = record(config.thinkingConfig) ?? record(config.thinking_config);
  const budget = thinking?.thinkingBudget ?? thinking?.thinking_budget;
  const thinks = isThinkingModel(model) && budget !== 0;
  const reasoning = thinks ? drawReasoning(rng, typeof budget === 'number' && budget > 0 ? budget : undefined) : 0;
  const cap = int(config.maxOutputTokens) ?? int(config.max_output_tokens);
  const out = withReasoning(rng, reply.output, cap, reasoning);
  const grounded = list(body.tools).some((t) => record(t)?.google_search !== undefined || record(t)?.googleSearch !== undefined);
  const queries = grounded ? Array.from({ length: rng.int(1, 2) }, (_, i) => `search query ${i + 1}`) : [];
  const toolPrompt = grounded ? rng.int(600, 1500) : 0;
  const usage: Json = {
    promptTokenCount: prompt,
    candidatesTokenCount: out.visible,
    totalTokenCount: prompt + out.visible + out.reasoning + toolPrompt,
    ...(cached > 0 ? { cachedContentTokenCount: cached } : {}),
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: prompt }],
    ...(cached > 0 ? { cacheTokensDetails: [{ modality: 'TEXT', tokenCount: cached }] } : {}),
    ...(toolPrompt > 0
      ? { toolUsePromptTokenCount: toolPrompt, toolUsePromptTokensDetails: [{ modality: 'TEXT', tokenCount: toolPrompt }] }
      : {}),
    ...(out.reasoning > 0 ? { thoughtsTokenCount: out.reasoning } : {}),
  };
  reply.usage({ input_tokens: prompt + toolPrompt, cached_input_tokens: cached, output_tokens: out.visible + out.reasoning });
  return {
    usage,
    text: out.visible > 0 ? fillerText(rng, out.visible) : '',
    finishReason: out.truncated ? 'MAX_TOKENS' : 'STOP',
    queries,
    candidates: out.visible,
  };
}

function grounding(queries: readonly string[]): Json {
  return {
    groundingMetadata: {
      searchEntryPoint: { renderedContent: '<div class="container">search suggestions</div>' },
      groundingChunks: queries.map((_, i) => ({ web: { uri: `https://example.org/redirect/${i + 1}`, title: 'example.org' } })),
      webSearchQueries: queries,
    },
  };
}

function generateOperation(request: EmulatorRequest, model: string, stream: boolean): Operation {
  const body = request.body;
  if (!Array.isArray(body.contents) || body.contents.length === 0)
    return invalid(
      stream ? 'streamGenerateContent' : 'generateContent',
      '* GenerateContentRequest.contents: contents is not specified\n',
      model,
    );
  const sse = request.query.get('alt') === 'sse';
  return {
    name: stream ? 'streamGenerateContent' : 'generateContent',
    model,
    stream,
    async respond(reply) {
      const g = generate(body, model, reply);
      const responseId = randomId(reply.rng, '', 23);
      const candidate = (text: string, final: boolean): Json => ({
        content: { parts: [{ text }], role: 'model' },
        ...(final ? { finishReason: g.finishReason } : {}),
        index: 0,
        ...(final && g.queries.length > 0 ? grounding(g.queries) : {}),
      });
      const chunk = (text: string, final: boolean, usage: Json): Json => ({
        candidates: [candidate(text, final)],
        usageMetadata: usage,
        modelVersion: model,
        responseId,
      });
      if (!stream) {
        reply.json(200, chunk(g.text, true, g.usage), { vary: 'Origin, X-Origin, Referer' });
        return;
      }
      const pieces = g.text === '' ? [''] : splitChunks(g.text, STREAM_CHUNKS);
      const s: EventStream = reply.stream(
        pieces.length + (sse ? 0 : 1),
        sse ? { lineEnd: '\r\n' } : { contentType: 'application/json; charset=UTF-8' },
      );
      let written = 0;
      for (let i = 0; i < pieces.length; i++) {
        const final = i === pieces.length - 1;
        // Every chunk repeats the usage so far: the prompt at once, the candidates as they grow.
        written += Math.round((g.candidates * pieces[i]!.length) / Math.max(1, g.text.length));
        const partial = final ? g.candidates : Math.min(written, g.candidates);
        const usage = {
          ...g.usage,
          candidatesTokenCount: partial,
          totalTokenCount: (g.usage.totalTokenCount as number) - (g.candidates - partial),
        };
        const data = chunk(pieces[i]!, final, usage);
        const ok = sse ? await s.event(data) : await s.write(`${i === 0 ? '[' : '\r\n,'}${JSON.stringify(data, null, 2)}`);
        if (!ok) return;
      }
      if (!sse && !(await s.write('\r\n]'))) return;
      s.end();
    },
  };
}

function embedOperation(request: EmulatorRequest, model: string, batch: boolean): Operation {
  const body = request.body;
  const contents = batch ? list(body.requests).map((r) => record(r)?.content) : [body.content];
  if (contents.length === 0 || contents.some((c) => record(c) === undefined)) {
    return invalid(
      batch ? 'batchEmbedContents' : 'embedContent',
      batch
        ? '* BatchEmbedContentsRequest.requests: requests is not specified\n'
        : '* EmbedContentRequest.content: content is not specified\n',
      model,
    );
  }
  const dimensionsOf = (r: unknown) => int(record(r)?.outputDimensionality) ?? (model.startsWith('gemini-embedding') ? 3072 : 768);
  return {
    name: batch ? 'batchEmbedContents' : 'embedContent',
    model,
    stream: false,
    respond(reply) {
      const tokens = contents.reduce<number>((n, c) => n + tokensOf(promptText(c)), 0);
      reply.usage({ input_tokens: tokens });
      const usageMetadata = { promptTokenCount: tokens, totalTokenCount: tokens };
      if (batch) {
        const embeddings = list(body.requests).map((r) => ({ values: embeddingVector(reply.rng, dimensionsOf(r)) }));
        reply.json(200, { embeddings, usageMetadata });
      } else {
        reply.json(200, { embedding: { values: embeddingVector(reply.rng, dimensionsOf(body)) }, usageMetadata });
      }
    },
  };
}

export const gemini: ProviderEmulator = {
  provider: 'gcp.gemini',
  prefix: 'google',
  apiRoot: '',
  route(request) {
    if (request.method !== 'POST') return undefined;
    const match = METHOD_PATH.exec(request.path);
    if (match === null) return undefined;
    const [, resource = '', method] = match;
    const model = resource.startsWith('models/') ? resource.slice('models/'.length) : resource;
    switch (method) {
      case 'generateContent':
        return generateOperation(request, model, false);
      case 'streamGenerateContent':
        return generateOperation(request, model, true);
      case 'embedContent':
        return embedOperation(request, model, false);
      case 'batchEmbedContents':
        return embedOperation(request, model, true);
      case 'countTokens': {
        const body = request.body;
        const request_ = record(body.generateContentRequest) ?? body;
        return {
          name: 'countTokens',
          model,
          stream: false,
          respond(reply) {
            const total = tokensOf(promptText(request_.contents)) + tokensOf(promptText(request_.systemInstruction));
            reply.json(200, { totalTokens: total, promptTokensDetails: [{ modality: 'TEXT', tokenCount: total }] });
          },
        };
      }
      default:
        return undefined;
    }
  },
  error: (kind, _request, retryAfter) =>
    googleFault(
      kind,
      retryAfter,
      'You exceeded your current quota, please check your plan and billing details. ' +
        'For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.',
    ),
  notFound: (request) => googleError(404, 'NOT_FOUND', `The requested URL ${request.path} was not found on this server.`),
};
