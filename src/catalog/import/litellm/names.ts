/**
 * How a LiteLLM entry is named in our catalog: LiteLLM provider names and
 * `mode`s mapped to our providers and operations, and a LiteLLM key split into
 * the model name providers use and the variant qualifiers (size, quality,
 * region, commitment, data zone) that LiteLLM puts in front of it.
 */

import { PROVIDER_IDS as P } from '../../../providers/provider-ids.js';
import {
  GEN_AI_OPERATION_CHAT,
  GEN_AI_OPERATION_EMBEDDINGS,
  GEN_AI_OPERATION_GENERATE_CONTENT,
  GEN_AI_OPERATION_TEXT_COMPLETION,
} from '../../../semconv.js';

// ---------------------------------------------------------------------------
// Providers, operations, model names

/**
 * LiteLLM provider names that have an obvious id of ours (the GenAI conventions' well-known
 * gen_ai.provider.name where there is one); others are kept as they are.
 */
const PROVIDERS: Readonly<Record<string, string>> = {
  openai: P.openai,
  'text-completion-openai': P.openai,
  anthropic: P.anthropic,
  gemini: P.gemini,
  vertex_ai: P.vertexAi,
  azure: P.azureOpenAi,
  azure_text: P.azureOpenAi,
  azure_ai: P.azureAiInference,
  bedrock: P.awsBedrock,
  bedrock_converse: P.awsBedrock,
  mistral: P.mistral,
  perplexity: P.perplexity,
  xai: P.xai,
  watsonx: P.ibmWatsonx,
  cohere: P.cohere,
  cohere_chat: P.cohere,
};

export function ourProvider(litellm: string): string {
  // Every vertex_ai-<family> (language, embedding, anthropic, … models) is Vertex AI's endpoint.
  if (litellm.startsWith('vertex_ai-')) return P.vertexAi;
  return PROVIDERS[litellm] ?? litellm;
}

/**
 * LiteLLM `mode` to our operation. `image_edit` prices like image generation
 * (per output image) and the same models serve both endpoints, so both are
 * `image_generation`. Modes not listed (e.g. `realtime`) keep LiteLLM's name.
 */
const OPERATIONS: Readonly<Record<string, string>> = {
  chat: GEN_AI_OPERATION_CHAT,
  completion: GEN_AI_OPERATION_TEXT_COMPLETION,
  responses: GEN_AI_OPERATION_CHAT,
  embedding: GEN_AI_OPERATION_EMBEDDINGS,
  image_generation: 'image_generation',
  image_edit: 'image_generation',
  audio_transcription: 'audio_transcription',
  audio_speech: 'audio_speech',
  moderation: 'moderation',
  rerank: 'rerank',
  search: 'search',
  ocr: 'ocr',
};

/** LiteLLM providers of Gemini models, whose chat is generateContent: the GenAI conventions' `generate_content`. */
const GENERATE_CONTENT_PROVIDERS: ReadonlySet<string> = new Set(['gemini', 'vertex_ai-language-models']);

export function ourOperation(litellmProvider: string, mode: string): string {
  if (mode === 'chat' && GENERATE_CONTENT_PROVIDERS.has(litellmProvider)) return GEN_AI_OPERATION_GENERATE_CONTENT;
  return OPERATIONS[mode] ?? mode;
}

/**
 * Key segments that name a priced variant rather than the model: image size,
 * quality and steps (`hd/1024-x-1792/dall-e-3`), cloud region and commitment
 * (`bedrock/us-east-1/1-month-commitment/…`), Azure data zone (`azure/us/…`).
 */
const QUALIFIERS: readonly { readonly pattern: RegExp; readonly describe: (s: string) => string }[] = [
  { pattern: /^\d+-x-\d+$/, describe: (s) => `size ${s.replace('-x-', 'x')}` },
  { pattern: /^(?:\d+|max)-steps$/, describe: (s) => s.replace('-', ' ') },
  { pattern: /^(?:standard|hd|low|medium|high|auto)$/, describe: (s) => `quality ${s}` },
  { pattern: /^[a-z]{2}(?:-gov)?-[a-z]+-\d+$/, describe: (s) => `region ${s}` },
  { pattern: /^(?:\d+-month|no)-commitment$/, describe: (s) => s.replaceAll('-', ' ') },
  { pattern: /^(?:us|eu|global|global-standard|apac)$/, describe: (s) => `data zone ${s}` },
];

/** True when a key segment is LiteLLM's routing prefix for the entry's provider (`openai/`, `vertex_ai/`…). */
function isProviderPrefix(segment: string, litellmProvider: string): boolean {
  return (
    segment === litellmProvider ||
    litellmProvider.startsWith(`${segment}-`) ||
    litellmProvider.startsWith(`${segment}_`) ||
    (litellmProvider === 'text-completion-openai' && segment === 'openai')
  );
}

export interface ModelNames {
  /** The model as providers name it: the key without routing prefix and qualifiers. */
  readonly base: string;
  /** Variant qualifiers found in the key, described for people. */
  readonly qualifiers: string[];
}

export function modelNames(key: string, litellmProvider: string): ModelNames {
  const segments = key.split('/');
  const qualifiers: string[] = [];
  while (segments.length > 1) {
    const first = segments[0]!;
    const qualifier = QUALIFIERS.find((q) => q.pattern.test(first));
    if (qualifier !== undefined) qualifiers.push(qualifier.describe(first));
    else if (!isProviderPrefix(first, litellmProvider)) break;
    segments.shift();
  }
  return { base: segments.join('/'), qualifiers };
}
