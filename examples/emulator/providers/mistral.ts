/**
 * Mistral (`/mistral/v1/chat/completions`, `/fim/completions`,
 * `/embeddings`, as api.mistral.ai/v1). OpenAI-compatible: the same usage
 * block, cached prompt tokens in `prompt_tokens_details` when a repeated
 * prefix was cached, and streams that always end with a usage chunk.
 */
import { randomHex } from '../text.js';
import type { ErrorResponse, ProviderEmulator } from '../types.js';
import { chatOperation, embeddingsOperation, refused, type ChatFlavor } from './openai.js';

const MISTRAL_CHAT: ChatFlavor = {
  id: (rng) => randomHex(rng, 32),
  responseModel: (model) => model,
  cacheNamespace: 'mistral',
  streamUsage: 'final_chunk',
  doneMarker: true,
  openAiExtras: false,
  headers: (rng) => ({ 'mistral-correlation-id': randomHex(rng, 32), 'x-kong-request-id': randomHex(rng, 32) }),
};

function error(status: number, message: string, type: string, code: string): ErrorResponse {
  return { status, body: { object: 'error', message, type, param: null, code } };
}

export const mistral: ProviderEmulator = {
  provider: 'mistral_ai',
  prefix: 'mistral',
  apiRoot: '/v1',
  route(request) {
    if (request.method !== 'POST') return undefined;
    switch (request.path) {
      case '/v1/chat/completions':
      case '/v1/agents/completions':
        return chatOperation(request, MISTRAL_CHAT);
      case '/v1/fim/completions': {
        // Fill-in-the-middle: prompt (and suffix) instead of messages.
        const { prompt, suffix, ...rest } = request.body;
        if (typeof prompt !== 'string')
          return refused('fim.completions', error(422, 'prompt: Field required', 'invalid_request_error', '2000'));
        const messages = [{ role: 'user', content: prompt }, ...(typeof suffix === 'string' ? [{ role: 'user', content: suffix }] : [])];
        return { ...chatOperation({ ...request, body: { ...rest, messages } }, MISTRAL_CHAT), name: 'fim.completions' };
      }
      case '/v1/embeddings':
        return embeddingsOperation(request, () => 1024);
      default:
        return undefined;
    }
  },
  error(kind) {
    switch (kind) {
      case 'rate_limit':
        return error(429, 'Rate limit exceeded', 'rate_limited', '1300');
      case 'server_error':
        return error(500, 'Internal server error', 'internal_server_error', '3000');
      case 'overloaded':
        return error(503, 'Service unavailable', 'service_unavailable', '3001');
    }
  },
  notFound: () => ({ status: 404, body: { detail: 'Not Found' } }),
};
