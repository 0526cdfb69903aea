/**
 * Mistral (api.mistral.ai/v1 and any endpoint configured as `mistral_ai`). The
 * API is OpenAI-compatible: the same usage block (cached prompt tokens in
 * `prompt_tokens_details`), and streams always end with a usage chunk. FIM
 * (fill-in-the-middle) completions are the GenAI conventions' `text_completion`.
 */
import { GEN_AI_OPERATION_TEXT_COMPLETION } from '../semconv.js';
import { chatCompletionsRoute, embeddingsRoute } from './openai-api.js';
import type { ProviderAdapter } from './types.js';
import { PROVIDER_IDS } from './provider-ids.js';

export const mistralAdapter: ProviderAdapter = {
  provider: PROVIDER_IDS.mistral,
  baseUrls: ['https://api.mistral.ai/v1'],
  route(head) {
    if (head.method !== 'POST') return undefined;
    switch (head.path) {
      case '/chat/completions':
      case '/agents/completions':
        return chatCompletionsRoute();
      case '/fim/completions':
        return chatCompletionsRoute({ operation: GEN_AI_OPERATION_TEXT_COMPLETION });
      case '/embeddings':
        return embeddingsRoute();
      default:
        return undefined;
    }
  },
};
