/**
 * Perplexity (`/perplexity/chat/completions` or `/v1/chat/completions`, and
 * `/search`, as api.perplexity.ai). Sonar chat is OpenAI-compatible; its usage
 * also carries the search context size billed and the call's own cost, from
 * Perplexity's list prices (request fee by context size plus tokens). Streams
 * repeat each delta as `message` and end with a chunk carrying usage, without
 * `[DONE]`.
 */
import type { Random } from '../random.js';
import { fillerText, randomUuid } from '../text.js';
import type { ErrorResponse, Json, ProviderEmulator } from '../types.js';
import { dollars, int, record, str } from './common.js';
import { chatOperation, type ChatFlavor } from './openai.js';

interface SonarPrice {
  /** Dollars per 1,000 requests by search context size. */
  readonly request: Readonly<Record<string, number>>;
  /** Dollars per million tokens. */
  readonly input: number;
  readonly output: number;
}

const PRICES: Readonly<Record<string, SonarPrice>> = {
  sonar: { request: { low: 5, medium: 8, high: 12 }, input: 1, output: 1 },
  'sonar-pro': { request: { low: 6, medium: 10, high: 14 }, input: 3, output: 15 },
  'sonar-reasoning-pro': { request: { low: 6, medium: 10, high: 14 }, input: 2, output: 8 },
};

function contextSize(request: Json): string {
  const size = str(record(request.web_search_options)?.search_context_size);
  return size === 'medium' || size === 'high' ? size : 'low';
}

function results(rng: Random, n: number): Json[] {
  return Array.from({ length: n }, (_, i) => ({
    title: fillerText(rng, 5).replace(/\.$/, ''),
    url: `https://example.org/source/${rng.int(1000, 9999)}-${i}`,
    date: rng.bernoulli(0.6) ? `2025-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}` : null,
    last_updated: null,
    snippet: fillerText(rng, 30),
  }));
}

const SONAR: ChatFlavor = {
  id: (rng) => randomUuid(rng),
  responseModel: (model) => model,
  reasoning: (model) => model.includes('reasoning'),
  streamUsage: 'final_chunk',
  doneMarker: false,
  messageInChunks: true,
  openAiExtras: false,
  extraUsage(request, { prompt, completion }) {
    const size = contextSize(request);
    const price = PRICES[str(request.model) ?? ''] ?? PRICES.sonar!;
    const inputCost = dollars((prompt * price.input) / 1e6);
    const outputCost = dollars((completion * price.output) / 1e6);
    const requestCost = dollars((price.request[size] ?? 0) / 1000);
    return {
      search_context_size: size,
      cost: {
        input_tokens_cost: inputCost,
        output_tokens_cost: outputCost,
        request_cost: requestCost,
        total_cost: dollars(inputCost + outputCost + requestCost),
      },
    };
  },
  extraBody(rng) {
    const found = results(rng, rng.int(2, 5));
    return { citations: found.map((r) => r.url), search_results: found };
  },
};

function error(status: number, message: string, type: string): ErrorResponse {
  return { status, body: { error: { message, type, code: status } } };
}

export const perplexity: ProviderEmulator = {
  provider: 'perplexity',
  apiRoot: '',
  route(request) {
    if (request.method !== 'POST') return undefined;
    switch (request.path) {
      case '/chat/completions':
      case '/v1/chat/completions':
        return chatOperation(request, SONAR);
      case '/search': {
        const query = request.body.query;
        if (typeof query !== 'string' && !Array.isArray(query)) {
          const e = error(400, 'query is required', 'invalid_request');
          return { name: 'search', stream: false, respond: (r) => r.json(e.status, e.body) };
        }
        return {
          name: 'search',
          stream: false,
          respond(reply) {
            reply.usage({ requests: 1 });
            reply.json(200, { results: results(reply.rng, Math.min(20, int(request.body.max_results) ?? 10)), id: randomUuid(reply.rng) });
          },
        };
      }
      default:
        return undefined;
    }
  },
  error(kind) {
    switch (kind) {
      case 'rate_limit':
        return error(429, 'Rate limit exceeded. Please try again later.', 'rate_limit_exceeded');
      case 'server_error':
        return error(500, 'Internal server error', 'internal_server_error');
      case 'overloaded':
        return error(503, 'Service temporarily unavailable', 'service_unavailable');
    }
  },
};
