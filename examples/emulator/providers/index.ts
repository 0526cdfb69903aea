/** Every emulated provider, one module per API family. */
import type { ProviderEmulator } from '../types.js';
import { anthropic } from './anthropic.js';
import { awsComprehend, awsRekognition, awsTranslate } from './aws.js';
import { deepl } from './deepl.js';
import { exa } from './exa.js';
import { gemini } from './gemini.js';
import { googleCloudTranslate, googleCloudVision } from './google-cloud.js';
import { mistral } from './mistral.js';
import { openai } from './openai.js';
import { perplexity } from './perplexity.js';
import { tavily } from './tavily.js';

export const PROVIDERS = [
  openai,
  anthropic,
  gemini,
  mistral,
  perplexity,
  googleCloudVision,
  googleCloudTranslate,
  deepl,
  awsComprehend,
  awsTranslate,
  awsRekognition,
  tavily,
  exa,
] as const satisfies readonly ProviderEmulator[];

/** ai-pricetag provider ids the emulator answers for, in PROVIDERS order. */
export const PROVIDER_NAMES = [
  'openai',
  'anthropic',
  'gcp.gemini',
  'mistral_ai',
  'perplexity',
  'gcp.vision',
  'gcp.translate',
  'deepl',
  'aws.comprehend',
  'aws.translate',
  'aws.rekognition',
  'tavily',
  'exa',
] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

/** A provider's path prefix (`/google` for `gcp.gemini`). */
export function prefixOf(provider: ProviderEmulator): string {
  return provider.prefix ?? provider.provider;
}
