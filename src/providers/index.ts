/** The built-in provider adapters, recognised by their public hosts and by configured endpoints. */
import { anthropicAdapter } from './anthropic.js';
import { awsComprehendAdapter, awsRekognitionAdapter, awsTranslateAdapter } from './aws.js';
import { azureAiLanguageAdapter } from './azure-ai-language.js';
import { azureOpenAiAdapter } from './azure-openai.js';
import { deeplAdapter } from './deepl.js';
import { exaAdapter } from './exa.js';
import { geminiAdapter } from './gemini.js';
import { googleCloudTranslateAdapter } from './google-cloud-translate.js';
import { googleCloudVisionAdapter } from './google-cloud-vision.js';
import { mistralAdapter } from './mistral.js';
import { openAiAdapter } from './openai.js';
import { perplexityAdapter } from './perplexity.js';
import { tavilyAdapter } from './tavily.js';
import type { ProviderAdapter } from './types.js';

export const BUILT_IN_ADAPTERS: readonly ProviderAdapter[] = [
  openAiAdapter,
  azureOpenAiAdapter,
  anthropicAdapter,
  geminiAdapter,
  mistralAdapter,
  perplexityAdapter,
  googleCloudVisionAdapter,
  googleCloudTranslateAdapter,
  deeplAdapter,
  awsComprehendAdapter,
  awsTranslateAdapter,
  awsRekognitionAdapter,
  azureAiLanguageAdapter,
  tavilyAdapter,
  exaAdapter,
];
