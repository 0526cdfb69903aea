/**
 * Provider ids: a call's `gen_ai.provider.name` and metric label, a catalog plan's `provider`,
 * and the name endpoints, custom routes and the CLI give. GenAI providers have the well-known
 * values of the OpenTelemetry GenAI semantic conventions; services those do not list take the
 * same dotted `<cloud>.<service>` style. The ids used before these are still accepted, with a
 * deprecation warning, and keep meaning what they meant (operations included).
 */
import { diag } from '@opentelemetry/api';
import { containedLogger } from '../contained-diag.js';

export const PROVIDER_IDS = {
  // gen_ai.provider.name well-known values.
  openai: 'openai',
  anthropic: 'anthropic',
  azureOpenAi: 'azure.ai.openai',
  azureAiInference: 'azure.ai.inference',
  awsBedrock: 'aws.bedrock',
  cohere: 'cohere',
  deepseek: 'deepseek',
  gemini: 'gcp.gemini',
  groq: 'groq',
  ibmWatsonx: 'ibm.watsonx.ai',
  mistral: 'mistral_ai',
  perplexity: 'perplexity',
  vertexAi: 'gcp.vertex_ai',
  xai: 'x_ai',
  // Services the conventions do not list, in their style.
  awsComprehend: 'aws.comprehend',
  awsRekognition: 'aws.rekognition',
  awsTranslate: 'aws.translate',
  azureAiLanguage: 'azure.ai.language',
  gcpSpeech: 'gcp.speech',
  gcpTranslate: 'gcp.translate',
  gcpVision: 'gcp.vision',
  deepl: 'deepl',
  exa: 'exa',
  tavily: 'tavily',
  // OpenAI-compatible inference providers the conventions do not list, named as they name x_ai and mistral_ai.
  togetherAi: 'together_ai',
  fireworksAi: 'fireworks_ai',
  openrouter: 'openrouter',
  // The Vercel AI Gateway: a service the conventions do not list, in their dotted `<vendor>.<service>` style.
  vercelAiGateway: 'vercel.ai_gateway',
} as const;

export interface RenamedProvider {
  /** The id that replaces it. */
  readonly id: string;
  /** Operations the old id's calls had under another name: old operation → the current ones it covered. */
  readonly operations?: Readonly<Record<string, readonly string[]>>;
}

const P = PROVIDER_IDS;

/** Deprecated ids (ai-pricetag 0.1) and what they are now. */
const RENAMED: ReadonlyMap<string, RenamedProvider> = new Map<string, RenamedProvider>([
  // Gemini's generateContent was `chat`; Mistral's FIM completions were `chat` too.
  ['google', { id: P.gemini, operations: { chat: ['generate_content'] } }],
  ['mistral', { id: P.mistral, operations: { chat: ['chat', 'text_completion'] } }],
  ['azure-openai', { id: P.azureOpenAi }],
  ['aws-bedrock', { id: P.awsBedrock }],
  ['aws-comprehend', { id: P.awsComprehend }],
  ['aws-rekognition', { id: P.awsRekognition }],
  ['aws-translate', { id: P.awsTranslate }],
  ['azure-ai-language', { id: P.azureAiLanguage }],
  ['google-cloud-speech', { id: P.gcpSpeech }],
  ['google-cloud-translate', { id: P.gcpTranslate }],
  ['google-cloud-vision', { id: P.gcpVision }],
]);

/** What a deprecated id is now; undefined for any other id. */
export function renamedProvider(id: string): RenamedProvider | undefined {
  return RENAMED.get(id);
}

/** The id to use: the replacement of a deprecated id, else the id as given. */
export function currentProviderId(id: string): string {
  return RENAMED.get(id)?.id ?? id;
}

/** The operations `operations` of provider `id` are under its current id (each once, in order). */
export function currentOperations(id: string, operations: readonly string[]): string[] {
  const renamed = RENAMED.get(id)?.operations;
  if (renamed === undefined) return [...operations];
  return [...new Set(operations.flatMap((op) => (Object.hasOwn(renamed, op) ? renamed[op]! : [op])))];
}

/** The operation of one call to provider `id` under its current id. */
export function currentOperation(id: string, operation: string): string {
  return currentOperations(id, [operation])[0] ?? operation;
}

/** `provider "google" is deprecated: use "gcp.gemini"` (with what becomes of its operations); undefined for a current id. */
export function deprecationNotice(id: string): string | undefined {
  const renamed = RENAMED.get(id);
  if (renamed === undefined) return undefined;
  const operations = Object.entries(renamed.operations ?? {})
    .map(([op, now]) => `"${op}" is ${now.map((n) => `"${n}"`).join(' and ')}`)
    .join(', ');
  return `provider "${id}" is deprecated: use "${renamed.id}"${operations === '' ? '' : ` (its operation ${operations})`}`;
}

export type Warn = (message: string) => void;

const globalWarn: Warn = (message) => containedLogger(diag).warn(message);
const warned = new Set<string>();

/**
 * For endpoints and custom routes: the current id of `id`, saying once per process, through
 * `warn` (the global diag logger by default), that a deprecated one was used and where.
 */
export function acceptProviderId(id: string, where: string, warn: Warn = globalWarn): string {
  const notice = deprecationNotice(id);
  if (notice === undefined) return id;
  const message = `ai-pricetag: ${where}: ${notice}`;
  // Routes and endpoints are compiled again on every reconfiguration; one warning is enough.
  if (!warned.has(message)) {
    warned.add(message);
    warn(message);
  }
  return currentProviderId(id);
}
