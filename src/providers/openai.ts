/** OpenAI (api.openai.com/v1 and any endpoint configured as `openai`). */
import { openAiRoute } from './openai-api.js';
import type { ProviderAdapter } from './types.js';
import { PROVIDER_IDS } from './provider-ids.js';

export const openAiAdapter: ProviderAdapter = {
  provider: PROVIDER_IDS.openai,
  baseUrls: ['https://api.openai.com/v1'],
  route(head) {
    return head.method === 'POST' ? openAiRoute(head.path) : undefined;
  },
};
