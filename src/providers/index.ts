/** The built-in provider adapters, recognised by their public hosts and by configured endpoints. */
import { anthropicAdapter } from './anthropic.js';
import { awsComprehendAdapter, awsRekognitionAdapter, awsTranslateAdapter } from './aws.js';
import { azureAiLanguageAdapter } from './azure-ai-language.js';
import { azureOpenAiAdapter } from './azure-openai.js';
import { bedrockAdapter } from './bedrock.js';
import { cohereAdapter } from './cohere.js';
import { deeplAdapter } from './deepl.js';
import { exaAdapter } from './exa.js';
import { geminiAdapter } from './gemini.js';
import { googleCloudTranslateAdapter } from './google-cloud-translate.js';
import { googleCloudVisionAdapter } from './google-cloud-vision.js';
import { mistralAdapter } from './mistral.js';
import { openAiAdapter } from './openai.js';
import { OPENAI_COMPATIBLE_ADAPTERS } from './openai-compatible.js';
import { perplexityAdapter } from './perplexity.js';
import { tavilyAdapter } from './tavily.js';
import type { ProviderAdapter } from './types.js';
import { vertexAiAdapter } from './vertex-ai.js';
import { vercelAiGatewayAdapter } from './vercel-ai-gateway.js';

export const BUILT_IN_ADAPTERS: readonly ProviderAdapter[] = [
  openAiAdapter,
  azureOpenAiAdapter,
  anthropicAdapter,
  geminiAdapter,
  vertexAiAdapter,
  mistralAdapter,
  perplexityAdapter,
  googleCloudVisionAdapter,
  googleCloudTranslateAdapter,
  deeplAdapter,
  awsComprehendAdapter,
  awsTranslateAdapter,
  awsRekognitionAdapter,
  bedrockAdapter,
  azureAiLanguageAdapter,
  tavilyAdapter,
  exaAdapter,
  ...OPENAI_COMPATIBLE_ADAPTERS,
  cohereAdapter,
  vercelAiGatewayAdapter,
];
