/**
 * OpenAI-compatible inference providers, recognised by their public hosts: Groq, DeepSeek, xAI,
 * Together AI, Fireworks AI and OpenRouter. Each speaks the Chat Completions wire format (JSON
 * bodies and SSE streams ending in a usage chunk) and reuses the OpenAI routes; what differs is
 * pinned here, one reader per difference:
 * - Groq streams carry their usage in `x_groq.usage` (a top-level `usage` only with `stream_options`).
 * - DeepSeek splits the prompt into `prompt_cache_hit_tokens` (billed at the cache-hit rate) and
 *   `prompt_cache_miss_tokens` (billed as input); both are in `prompt_tokens`.
 * - xAI's `completion_tokens` (and the Responses API's `output_tokens`) leave the reasoning tokens
 *   out (`total_tokens` is input + output + reasoning), and reasoning is billed as output.
 * - OpenRouter reports the call's charge in `usage.cost` (credits, one per US dollar), which wins.
 */
import { GEN_AI_OPERATION_TEXT_COMPLETION } from '../semconv.js';
import {
  chatCompletionsRoute,
  chatUsage,
  embeddingsRoute,
  responsesRoute,
  responsesUsage,
  type RouteOptions,
  type UsageRead,
} from './openai-api.js';
import { believable, count, dollars, minus, plus, record, usage } from './read.js';
import type { ProviderAdapter, Route } from './types.js';
import { PROVIDER_IDS } from './provider-ids.js';

/** Groq: a stream's usage is in the final chunk's `x_groq`, unless the request asked for a top-level one. */
function groqChunkUsage(chunk: Record<string, unknown>): unknown {
  return record(chunk.usage) ?? record(chunk.x_groq)?.usage;
}

const GROQ_CHAT: RouteOptions = { chunkUsage: groqChunkUsage };

export const groqAdapter: ProviderAdapter = {
  provider: PROVIDER_IDS.groq,
  baseUrls: ['https://api.groq.com/openai/v1'],
  route(head) {
    if (head.method !== 'POST') return undefined;
    return head.path === '/chat/completions' ? chatCompletionsRoute(GROQ_CHAT) : undefined;
  },
};

/**
 * DeepSeek usage: cache hits are billed at their own rate, misses as input. Where the hit and miss
 * counts are absent, the OpenAI-style `prompt_tokens_details.cached_tokens` (which DeepSeek also
 * sends) is read instead.
 */
function deepseekUsage(raw: unknown): UsageRead | undefined {
  const read = chatUsage(raw);
  const u = record(raw);
  if (read === undefined || u === undefined) return undefined;
  if (!believable(u.prompt_cache_hit_tokens, u.prompt_cache_miss_tokens)) return undefined;
  const hit = count(u.prompt_cache_hit_tokens);
  const miss = count(u.prompt_cache_miss_tokens);
  if (hit === undefined && miss === undefined) return read;
  const prompt = count(u.prompt_tokens) ?? plus(hit, miss);
  const cached = hit ?? minus(prompt, miss);
  return {
    usage: usage({ ...read.usage, input_tokens: miss ?? minus(prompt, hit), cached_input_tokens: cached }),
    semconv: { ...read.semconv, inputTokens: prompt, cacheReadInputTokens: cached },
  };
}

const DEEPSEEK_CHAT: RouteOptions = { readUsage: deepseekUsage };
const DEEPSEEK_FIM: RouteOptions = { readUsage: deepseekUsage, operation: GEN_AI_OPERATION_TEXT_COMPLETION };

export const deepseekAdapter: ProviderAdapter = {
  provider: PROVIDER_IDS.deepseek,
  // The official clients use the bare host; `/v1` is accepted for OpenAI compatibility.
  baseUrls: ['https://api.deepseek.com'],
  route(head) {
    if (head.method !== 'POST') return undefined;
    switch (head.path) {
      case '/chat/completions':
      case '/v1/chat/completions':
      case '/beta/chat/completions':
        return chatCompletionsRoute(DEEPSEEK_CHAT);
      case '/beta/completions':
        return chatCompletionsRoute(DEEPSEEK_FIM);
      default:
        return undefined;
    }
  },
};

/**
 * xAI's reasoning tokens are billed as output but left out of the output count, in Chat Completions
 * (`completion_tokens`) and Responses (`output_tokens`) alike. They are added when the total shows
 * they were left out (total = input + output + reasoning), so a response that counts them in (as
 * OpenAI does) is not billed for them twice.
 */
function withReasoningApart(
  read: UsageRead | undefined,
  input: unknown,
  output: unknown,
  reasoning: unknown,
  total: unknown,
): UsageRead | undefined {
  const apart = count(reasoning);
  if (read === undefined || apart === undefined || apart === 0) return read;
  const shown = count(output) ?? 0;
  if (count(total) !== (count(input) ?? 0) + shown + apart) return read;
  return {
    usage: { ...read.usage, output_tokens: (read.usage.output_tokens ?? 0) + apart },
    semconv: { ...read.semconv, outputTokens: shown + apart },
  };
}

/** xAI Chat Completions usage. */
function xaiUsage(raw: unknown): UsageRead | undefined {
  const u = record(raw);
  const reasoning = record(u?.completion_tokens_details)?.reasoning_tokens;
  return withReasoningApart(chatUsage(raw), u?.prompt_tokens, u?.completion_tokens, reasoning, u?.total_tokens);
}

/** xAI Responses usage. */
function xaiResponsesUsage(raw: unknown): UsageRead | undefined {
  const u = record(raw);
  const reasoning = record(u?.output_tokens_details)?.reasoning_tokens;
  return withReasoningApart(responsesUsage(raw), u?.input_tokens, u?.output_tokens, reasoning, u?.total_tokens);
}

const XAI_CHAT: RouteOptions = { readUsage: xaiUsage };
const XAI_RESPONSES: RouteOptions = { readUsage: xaiResponsesUsage };

export const xaiAdapter: ProviderAdapter = {
  provider: PROVIDER_IDS.xai,
  baseUrls: ['https://api.x.ai/v1'],
  route(head) {
    if (head.method !== 'POST') return undefined;
    switch (head.path) {
      case '/chat/completions':
        return chatCompletionsRoute(XAI_CHAT);
      case '/responses':
        return responsesRoute(XAI_RESPONSES);
      default:
        return undefined;
    }
  },
};

/** Chat, legacy completions and embeddings, the routes Together, Fireworks and OpenRouter share. */
function compatibleRoute(path: string, options: RouteOptions = {}): Route | undefined {
  switch (path) {
    case '/chat/completions':
      return chatCompletionsRoute(options);
    case '/completions':
      return chatCompletionsRoute({ ...options, operation: GEN_AI_OPERATION_TEXT_COMPLETION });
    case '/embeddings':
      return embeddingsRoute(options);
    default:
      return undefined;
  }
}

export const togetherAdapter: ProviderAdapter = {
  provider: PROVIDER_IDS.togetherAi,
  baseUrls: ['https://api.together.xyz/v1'],
  route(head) {
    return head.method === 'POST' ? compatibleRoute(head.path) : undefined;
  },
};

export const fireworksAdapter: ProviderAdapter = {
  provider: PROVIDER_IDS.fireworksAi,
  baseUrls: ['https://api.fireworks.ai/inference/v1'],
  route(head) {
    return head.method === 'POST' ? compatibleRoute(head.path) : undefined;
  },
};

/** OpenRouter's `usage.cost`: credits, which OpenRouter sells at one US dollar each. */
function openRouterCost(u: Record<string, unknown>): ReturnType<typeof dollars> {
  return dollars(u.cost);
}

const OPENROUTER: RouteOptions = { providerCost: openRouterCost };

export const openRouterAdapter: ProviderAdapter = {
  provider: PROVIDER_IDS.openrouter,
  baseUrls: ['https://openrouter.ai/api/v1'],
  route(head) {
    return head.method === 'POST' ? compatibleRoute(head.path, OPENROUTER) : undefined;
  },
};

export const OPENAI_COMPATIBLE_ADAPTERS: readonly ProviderAdapter[] = [
  groqAdapter,
  deepseekAdapter,
  xaiAdapter,
  togetherAdapter,
  fireworksAdapter,
  openRouterAdapter,
];
