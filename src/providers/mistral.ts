/**
 * Mistral (api.mistral.ai/v1 and any endpoint configured as `mistral`). The
 * API is OpenAI-compatible: the same usage block (cached prompt tokens in
 * `prompt_tokens_details`), and streams always end with a usage chunk.
 */
import { chatCompletionsRoute, embeddingsRoute } from './openai-api.js';
import type { ProviderAdapter } from './types.js';

export const mistralAdapter: ProviderAdapter = {
  provider: 'mistral',
  baseUrls: ['https://api.mistral.ai/v1'],
  route(head) {
    if (head.method !== 'POST') return undefined;
    switch (head.path) {
      case '/chat/completions':
      case '/fim/completions':
      case '/agents/completions':
        return chatCompletionsRoute();
      case '/embeddings':
        return embeddingsRoute();
      default:
        return undefined;
    }
  },
};
