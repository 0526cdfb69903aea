/**
 * Azure OpenAI: the OpenAI REST API on per-resource hosts. Deployment-addressed
 * paths name a deployment, not a model: the response's model prices the call,
 * and the deployment name is the fallback. Azure bills OpenAI's list prices,
 * so without plans of its own it is priced with OpenAI's.
 */
import { openAiRoute } from './openai-api.js';
import { modelName } from './read.js';
import type { ProviderAdapter } from './types.js';
import { PROVIDER_IDS } from './provider-ids.js';

export const AZURE_PRICED_AS = PROVIDER_IDS.openai;

/** `/openai/deployments/{deployment}/chat/completions` and the like. */
const DEPLOYMENT_PATH = /^\/openai\/deployments\/([^/]+)(\/.+)$/;

export const azureOpenAiAdapter: ProviderAdapter = {
  provider: PROVIDER_IDS.azureOpenAi,
  baseUrls: [],
  // cognitiveservices.azure.com hosts other Azure AI services too: only paths under /openai/ are ours.
  hostSuffixes: ['.openai.azure.com', '.cognitiveservices.azure.com'],
  pricedAs: AZURE_PRICED_AS,
  route(head) {
    if (head.method !== 'POST') return undefined;
    const deployment = DEPLOYMENT_PATH.exec(head.path);
    if (deployment !== null) return openAiRoute(deployment[2] ?? '', { pathModel: modelName(deployment[1]) });
    // The v1 API and the preview Responses API name the model (a deployment) in the body.
    if (head.path.startsWith('/openai/v1/')) return openAiRoute(head.path.slice('/openai/v1'.length));
    if (head.path === '/openai/responses') return openAiRoute('/responses');
    return undefined;
  },
};
