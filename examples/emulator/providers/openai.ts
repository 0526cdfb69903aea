/**
 * OpenAI (`/openai/v1/…`, as api.openai.com/v1): chat completions (JSON and
 * SSE, `stream_options.include_usage`), the Responses API (JSON and SSE),
 * embeddings (float and base64) and image generation (gpt-image-*, DALL·E).
 * Prompts of 1,024 tokens or more repeat cached prefixes in 128-token steps.
 * The chat-completions builder is shared with the OpenAI-compatible APIs
 * (Mistral, Perplexity), each with its own wire details.
 */
import { steppedCheckpoints } from '../cache.js';
import type { Random } from '../random.js';
import {
  base64Floats,
  embeddingVector,
  fillerText,
  PIXEL_PNG_BASE64,
  promptText,
  randomHex,
  randomId,
  splitChunks,
  tokensOf,
  tokensOfChars,
} from '../text.js';
import type { EmulatorRequest, ErrorKind, ErrorResponse, Json, Operation, ProviderEmulator, Reply } from '../types.js';
import { drawReasoning, int, list, record, str, wantsStream, withReasoning } from './common.js';

/** Dated snapshots the API answers with for an alias. */
const SNAPSHOTS: Readonly<Record<string, string>> = {
  'gpt-4o-mini': 'gpt-4o-mini-2024-07-18',
  'gpt-4o': 'gpt-4o-2024-08-06',
  'gpt-4.1': 'gpt-4.1-2025-04-14',
  'gpt-4.1-mini': 'gpt-4.1-mini-2025-04-14',
  'gpt-4.1-nano': 'gpt-4.1-nano-2025-04-14',
  'gpt-5': 'gpt-5-2025-08-07',
  'gpt-5-mini': 'gpt-5-mini-2025-08-07',
  'gpt-5-nano': 'gpt-5-nano-2025-08-07',
  o3: 'o3-2025-04-16',
  'o4-mini': 'o4-mini-2025-04-16',
};

/** OpenAI's prompt cache: prefixes from 1,024 tokens on, in 128-token steps, kept 5 to 10 minutes. */
export const PROMPT_CACHE = { minTokens: 1024, stepTokens: 128, ttlMs: 10 * 60_000 } as const;

const STREAM_CHUNKS = 24;

function isReasoningModel(model: string): boolean {
  return /^(o\d|gpt-5)/.test(model);
}

/** OpenAI-style 400 for a request the API would refuse. */
export function invalidRequest(message: string, param: string | null = null): ErrorResponse {
  return { status: 400, body: { error: { message, type: 'invalid_request_error', param, code: null } } };
}

/** An operation that answers with a fixed error. */
export function refused(name: string, error: ErrorResponse, model?: string): Operation {
  return { name, model, stream: false, respond: (reply) => reply.json(error.status, error.body, error.headers) };
}

// ---------------------------------------------------------------------------
// Chat completions, shared by OpenAI-compatible APIs

/** Where an OpenAI-compatible API differs on the wire. */
export interface ChatFlavor {
  readonly id: (rng: Random) => string;
  readonly responseModel: (model: string) => string;
  /** OpenAI's automatic prompt-prefix cache applies (cache namespace prefix), or not. */
  readonly cacheNamespace?: string;
  /** Reasoning tokens are drawn and reported for these models. */
  readonly reasoning?: (model: string) => boolean;
  /**
   * Where a stream reports usage: OpenAI a separate last chunk only with
   * `include_usage`; Mistral and Perplexity always, on the chunk that finishes.
   */
  readonly streamUsage: 'include_usage' | 'final_chunk';
  readonly doneMarker: boolean;
  /** Perplexity repeats each delta as `message` in stream chunks. */
  readonly messageInChunks?: boolean;
  /** OpenAI's own chunk and body extras (`service_tier`, `system_fingerprint`, `refusal`). */
  readonly openAiExtras: boolean;
  /** Extra usage fields (Perplexity's search context size and cost). */
  readonly extraUsage?: (request: Json, usage: { prompt: number; completion: number }) => Json;
  /** Extra top-level body fields (citations, search results). */
  readonly extraBody?: (rng: Random) => Json;
  readonly headers?: (rng: Random) => Record<string, string>;
}

interface ChatPlan {
  readonly prompt: number;
  readonly cached: number;
  readonly visible: number;
  readonly reasoning: number;
  readonly finish: 'stop' | 'length';
  readonly text: string;
}

function planChat(request: Json, model: string, flavor: ChatFlavor, reply: Reply): ChatPlan {
  const messages = list(request.messages);
  const parts: string[] = [];
  let prompt = 3;
  for (const m of messages) {
    const text = promptText(m);
    prompt += tokensOf(text, 3);
    parts.push(str(record(m)?.role) ?? '', ...text.parts);
  }
  if (request.tools !== undefined) {
    const tools = promptText(request.tools);
    prompt += tokensOf(tools);
    parts.unshift(...tools.parts);
  }
  let cached = 0;
  if (flavor.cacheNamespace !== undefined && prompt >= PROMPT_CACHE.minTokens) {
    const checkpoints = steppedCheckpoints(parts, PROMPT_CACHE.minTokens, PROMPT_CACHE.stepTokens);
    const namespace = `${flavor.cacheNamespace}:${model}`;
    cached = Math.min(reply.cache.longestHit(namespace, checkpoints), prompt);
    reply.cache.store(namespace, checkpoints, PROMPT_CACHE.ttlMs);
  }
  const cap = int(request.max_completion_tokens) ?? int(request.max_tokens);
  const reasoning = flavor.reasoning?.(model) === true ? drawReasoning(reply.rng) : 0;
  const out = withReasoning(reply.rng, reply.output, cap, reasoning);
  return {
    prompt,
    cached,
    visible: out.visible,
    reasoning: out.reasoning,
    finish: out.truncated ? 'length' : 'stop',
    text: out.visible > 0 ? fillerText(reply.rng, out.visible) : '',
  };
}

function chatUsage(plan: ChatPlan, flavor: ChatFlavor, request: Json): Json {
  const completion = plan.visible + plan.reasoning;
  const usage: Json = { prompt_tokens: plan.prompt, completion_tokens: completion, total_tokens: plan.prompt + completion };
  if (flavor.openAiExtras) {
    usage.prompt_tokens_details = { cached_tokens: plan.cached, audio_tokens: 0 };
    usage.completion_tokens_details = {
      reasoning_tokens: plan.reasoning,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    };
  } else if (plan.cached > 0) {
    usage.prompt_tokens_details = { cached_tokens: plan.cached };
  }
  return { ...usage, ...flavor.extraUsage?.(request, { prompt: plan.prompt, completion }) };
}

export function chatOperation(request: EmulatorRequest, flavor: ChatFlavor): Operation {
  const body = request.body;
  const model = str(body.model);
  if (model === undefined) return refused('chat.completions', invalidRequest('you must provide a model parameter', 'model'));
  if (!Array.isArray(body.messages) || body.messages.length === 0) {
    return refused('chat.completions', invalidRequest("Missing required parameter: 'messages'.", 'messages'), model);
  }
  const stream = wantsStream(body);
  return {
    name: 'chat.completions',
    model,
    stream,
    async respond(reply) {
      const plan = planChat(body, model, flavor, reply);
      const usage = chatUsage(plan, flavor, body);
      reply.usage({ input_tokens: plan.prompt, cached_input_tokens: plan.cached, output_tokens: plan.visible + plan.reasoning });
      const id = flavor.id(reply.rng);
      const responseModel = flavor.responseModel(model);
      const tier = str(body.service_tier);
      const extras: Json = flavor.openAiExtras
        ? { service_tier: tier === 'flex' || tier === 'priority' ? tier : 'default', system_fingerprint: `fp_${randomHex(reply.rng, 10)}` }
        : {};
      const headers = flavor.headers?.(reply.rng);
      const extraBody = flavor.extraBody?.(reply.rng) ?? {};
      if (!stream) {
        const message: Json = flavor.openAiExtras
          ? { role: 'assistant', content: plan.text, refusal: null, annotations: [] }
          : { role: 'assistant', tool_calls: null, content: plan.text };
        const choice: Json = flavor.openAiExtras
          ? { index: 0, message, logprobs: null, finish_reason: plan.finish }
          : { index: 0, message, finish_reason: plan.finish };
        reply.json(
          200,
          { id, object: 'chat.completion', created: reply.now, model: responseModel, choices: [choice], usage, ...extras, ...extraBody },
          headers,
        );
        return;
      }
      const includeUsage = flavor.streamUsage === 'final_chunk' || record(body.stream_options)?.include_usage === true;
      const separateUsageChunk = flavor.streamUsage === 'include_usage' && includeUsage;
      const pieces = plan.text === '' ? [] : splitChunks(plan.text, STREAM_CHUNKS);
      const events = 2 + pieces.length + (separateUsageChunk ? 1 : 0) + (flavor.doneMarker ? 1 : 0);
      const out = reply.stream(events, { headers });
      const chunk = (delta: Json, finish: string | null, extra: Json = {}): Json => {
        const choice: Json = { index: 0, delta, ...(flavor.openAiExtras ? { logprobs: null } : {}), finish_reason: finish };
        if (flavor.messageInChunks === true) choice.message = { role: 'assistant', content: str(delta.content) ?? '' };
        return {
          id,
          object: 'chat.completion.chunk',
          created: reply.now,
          model: responseModel,
          ...extras,
          choices: [choice],
          ...(separateUsageChunk ? { usage: null } : {}),
          ...extra,
        };
      };
      const first: Json = flavor.openAiExtras ? { role: 'assistant', content: '', refusal: null } : { role: 'assistant', content: '' };
      if (!(await out.event(chunk(first, null)))) return;
      for (const piece of pieces)
        if (!(await out.event(chunk(flavor.messageInChunks === true ? { role: 'assistant', content: piece } : { content: piece }, null))))
          return;
      const finalExtra = flavor.streamUsage === 'final_chunk' ? { usage, ...extraBody } : {};
      if (!(await out.event(chunk(flavor.openAiExtras ? {} : { content: '' }, plan.finish, finalExtra)))) return;
      if (separateUsageChunk && !(await out.event({ ...chunk({}, null), choices: [], usage }))) return;
      if (flavor.doneMarker && !(await out.event('[DONE]'))) return;
      out.end();
    },
  };
}

const OPENAI_CHAT: ChatFlavor = {
  id: (rng) => randomId(rng, 'chatcmpl-', 29),
  responseModel: (model) => SNAPSHOTS[model] ?? model,
  cacheNamespace: 'openai',
  reasoning: isReasoningModel,
  streamUsage: 'include_usage',
  doneMarker: true,
  openAiExtras: true,
  headers: openAiHeaders,
};

function openAiHeaders(rng: Random): Record<string, string> {
  return { 'x-request-id': `req_${randomHex(rng, 32)}`, 'openai-processing-ms': String(rng.int(150, 900)), 'openai-version': '2020-10-01' };
}

// ---------------------------------------------------------------------------
// Responses API

function responsesOperation(request: EmulatorRequest): Operation {
  const body = request.body;
  const model = str(body.model);
  if (model === undefined) return refused('responses', invalidRequest("Missing required parameter: 'model'.", 'model'));
  const stream = wantsStream(body);
  return {
    name: 'responses',
    model,
    stream,
    async respond(reply) {
      const rng = reply.rng;
      const parts: string[] = [];
      let prompt = 7;
      for (const field of ['instructions', 'tools', 'input'] as const) {
        const text = promptText(body[field]);
        prompt += tokensOf(text, Array.isArray(body[field]) ? 3 * (body[field] as unknown[]).length : 0);
        parts.push(...text.parts);
      }
      const searches = list(body.tools).some((t) => str(record(t)?.type)?.startsWith('web_search') === true) ? 1 : 0;
      // Search results are read by the model as input.
      if (searches > 0) prompt += rng.int(4000, 9000);
      let cached = 0;
      if (prompt >= PROMPT_CACHE.minTokens) {
        const checkpoints = steppedCheckpoints(parts, PROMPT_CACHE.minTokens, PROMPT_CACHE.stepTokens);
        cached = Math.min(reply.cache.longestHit(`openai:${model}`, checkpoints), prompt);
        reply.cache.store(`openai:${model}`, checkpoints, PROMPT_CACHE.ttlMs);
      }
      const cap = int(body.max_output_tokens);
      const out = withReasoning(rng, reply.output, cap, isReasoningModel(model) ? drawReasoning(rng) : 0);
      const text = out.visible > 0 ? fillerText(rng, out.visible) : '';
      const outputTokens = out.visible + out.reasoning;
      reply.usage({ input_tokens: prompt, cached_input_tokens: cached, output_tokens: outputTokens });
      const id = `resp_${randomHex(rng, 48)}`;
      const messageId = `msg_${randomHex(rng, 48)}`;
      const searchItem: Json | undefined =
        searches > 0
          ? {
              id: `ws_${randomHex(rng, 48)}`,
              type: 'web_search_call',
              status: 'completed',
              action: { type: 'search', query: 'search query' },
            }
          : undefined;
      const content: Json = { type: 'output_text', annotations: [], logprobs: [], text };
      const message: Json = {
        id: messageId,
        type: 'message',
        status: out.truncated ? 'incomplete' : 'completed',
        content: [content],
        role: 'assistant',
      };
      const output = [...(searchItem === undefined ? [] : [searchItem]), message];
      const usage = {
        input_tokens: prompt,
        input_tokens_details: { cached_tokens: cached },
        output_tokens: outputTokens,
        output_tokens_details: { reasoning_tokens: out.reasoning },
        total_tokens: prompt + outputTokens,
      };
      const tier = str(body.service_tier);
      const response = (status: string, done: boolean): Json => ({
        id,
        object: 'response',
        created_at: reply.now,
        status,
        background: false,
        error: null,
        incomplete_details: status === 'incomplete' ? { reason: 'max_output_tokens' } : null,
        // Instructions are prompt text: never echoed.
        instructions: null,
        max_output_tokens: cap ?? null,
        model: SNAPSHOTS[model] ?? model,
        output: done ? output : [],
        parallel_tool_calls: true,
        previous_response_id: null,
        reasoning: { effort: isReasoningModel(model) ? 'medium' : null, summary: null },
        service_tier: done ? (tier === 'flex' || tier === 'priority' ? tier : 'default') : (tier ?? 'auto'),
        store: body.store !== false,
        temperature: 1.0,
        text: { format: { type: 'text' }, verbosity: 'medium' },
        tool_choice: 'auto',
        tools: list(body.tools),
        top_p: 1.0,
        truncation: 'disabled',
        usage: done ? usage : null,
        user: null,
        metadata: {},
      });
      const finalStatus = out.truncated ? 'incomplete' : 'completed';
      const headers = openAiHeaders(rng);
      if (!stream) {
        reply.json(200, response(finalStatus, true), headers);
        return;
      }
      const pieces = text === '' ? [] : splitChunks(text, STREAM_CHUNKS);
      const events = 8 + pieces.length + (searchItem === undefined ? 0 : 2);
      const s = reply.stream(events, { headers });
      let seq = 0;
      const send = (type: string, data: Json) => s.event({ type, sequence_number: seq++, ...data }, type);
      if (!(await send('response.created', { response: response('in_progress', false) }))) return;
      if (!(await send('response.in_progress', { response: response('in_progress', false) }))) return;
      let index = 0;
      if (searchItem !== undefined) {
        if (!(await send('response.output_item.added', { output_index: index, item: { ...searchItem, status: 'in_progress' } }))) return;
        if (!(await send('response.output_item.done', { output_index: index, item: searchItem }))) return;
        index++;
      }
      const ids = { item_id: messageId, output_index: index, content_index: 0 };
      if (!(await send('response.output_item.added', { output_index: index, item: { ...message, status: 'in_progress', content: [] } })))
        return;
      if (!(await send('response.content_part.added', { ...ids, part: { ...content, text: '' } }))) return;
      for (const delta of pieces) if (!(await send('response.output_text.delta', { ...ids, delta, logprobs: [] }))) return;
      if (!(await send('response.output_text.done', { ...ids, text, logprobs: [] }))) return;
      if (!(await send('response.content_part.done', { ...ids, part: content }))) return;
      if (!(await send('response.output_item.done', { output_index: index, item: message }))) return;
      if (!(await send(`response.${finalStatus}`, { response: response(finalStatus, true) }))) return;
      s.end();
    },
  };
}

// ---------------------------------------------------------------------------
// Embeddings

const EMBEDDING_DIMENSIONS: Readonly<Record<string, number>> = {
  'text-embedding-3-small': 1536,
  'text-embedding-3-large': 3072,
  'text-embedding-ada-002': 1536,
};

/** Inputs of an embeddings request: strings, or token arrays (counted as they are). */
function embeddingInputs(input: unknown): { count: number; tokens: number } | undefined {
  if (typeof input === 'string') return { count: 1, tokens: tokensOfChars(input.length) };
  if (!Array.isArray(input) || input.length === 0) return undefined;
  if (input.every((x) => typeof x === 'number')) return { count: 1, tokens: input.length };
  let tokens = 0;
  for (const x of input) {
    if (typeof x === 'string') tokens += tokensOfChars(x.length);
    else if (Array.isArray(x)) tokens += x.length;
    else return undefined;
  }
  return { count: input.length, tokens };
}

export function embeddingsOperation(
  request: EmulatorRequest,
  defaultDimensions: (model: string) => number,
  headers?: (rng: Random) => Record<string, string>,
): Operation {
  const body = request.body;
  const model = str(body.model);
  if (model === undefined) return refused('embeddings', invalidRequest('you must provide a model parameter', 'model'));
  const inputs = embeddingInputs(body.input);
  if (inputs === undefined)
    return refused(
      'embeddings',
      invalidRequest("'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.", 'input'),
      model,
    );
  return {
    name: 'embeddings',
    model,
    stream: false,
    respond(reply) {
      const dimensions = int(body.dimensions) ?? defaultDimensions(model);
      const base64 = body.encoding_format === 'base64';
      const data = Array.from({ length: inputs.count }, (_, index) => {
        const vector = embeddingVector(reply.rng, dimensions);
        return { object: 'embedding', index, embedding: base64 ? base64Floats(vector) : vector };
      });
      reply.usage({ input_tokens: inputs.tokens });
      reply.json(
        200,
        { object: 'list', data, model, usage: { prompt_tokens: inputs.tokens, total_tokens: inputs.tokens } },
        headers?.(reply.rng),
      );
    },
  };
}

// ---------------------------------------------------------------------------
// Images

/** gpt-image-1 output tokens per image by quality and size, as OpenAI documents them. */
const IMAGE_OUTPUT_TOKENS: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  low: { '1024x1024': 272, '1024x1536': 408, '1536x1024': 400 },
  medium: { '1024x1024': 1056, '1024x1536': 1584, '1536x1024': 1568 },
  high: { '1024x1024': 4160, '1024x1536': 6240, '1536x1024': 6208 },
};

const DALL_E_SIZES: Readonly<Record<string, readonly string[]>> = {
  'dall-e-3': ['1024x1024', '1792x1024', '1024x1792'],
  'dall-e-2': ['256x256', '512x512', '1024x1024'],
};

function imagesOperation(request: EmulatorRequest): Operation {
  const body = request.body;
  const model = str(body.model) ?? 'dall-e-2';
  if (typeof body.prompt !== 'string' || body.prompt === '')
    return refused('images.generations', invalidRequest("Missing required parameter: 'prompt'.", 'prompt'), model);
  const n = int(body.n) ?? 1;
  if (model.startsWith('gpt-image')) {
    const quality = str(body.quality) === undefined || body.quality === 'auto' ? 'medium' : String(body.quality);
    const size = str(body.size) === undefined || body.size === 'auto' ? '1024x1024' : String(body.size);
    const perImage = IMAGE_OUTPUT_TOKENS[quality]?.[size];
    if (perImage === undefined) {
      return refused(
        'images.generations',
        invalidRequest(
          `Invalid value: '${IMAGE_OUTPUT_TOKENS[quality] === undefined ? quality : size}'.`,
          IMAGE_OUTPUT_TOKENS[quality] === undefined ? 'quality' : 'size',
        ),
        model,
      );
    }
    return {
      name: 'images.generations',
      model,
      stream: false,
      respond(reply) {
        const input = tokensOfChars(String(body.prompt).length);
        const output = perImage * n;
        reply.usage({ images: n, input_tokens: input, output_tokens: output });
        reply.json(
          200,
          {
            created: reply.now,
            background: str(body.background) === 'transparent' ? 'transparent' : 'opaque',
            data: Array.from({ length: n }, () => ({ b64_json: PIXEL_PNG_BASE64 })),
            output_format: str(body.output_format) ?? 'png',
            quality,
            size,
            usage: {
              input_tokens: input,
              input_tokens_details: { image_tokens: 0, text_tokens: input },
              output_tokens: output,
              total_tokens: input + output,
            },
          },
          openAiHeaders(reply.rng),
        );
      },
    };
  }
  const sizes = DALL_E_SIZES[model];
  if (sizes === undefined) return refused('images.generations', invalidRequest(`The model '${model}' does not exist.`, 'model'), model);
  const size = str(body.size) ?? '1024x1024';
  if (!sizes.includes(size))
    return refused(
      'images.generations',
      invalidRequest(`'${size}' is not one of ${sizes.map((s) => `'${s}'`).join(', ')} - 'size'`, 'size'),
      model,
    );
  if (model === 'dall-e-3' && n !== 1)
    return refused('images.generations', invalidRequest("Invalid 'n': integer above maximum value. Expected a value <= 1.", 'n'), model);
  return {
    name: 'images.generations',
    model,
    stream: false,
    respond(reply) {
      reply.usage({ images: n });
      const b64 = body.response_format === 'b64_json';
      const data = Array.from({ length: n }, () => {
        const image: Json = b64
          ? { b64_json: PIXEL_PNG_BASE64 }
          : { url: `${reply.origin}/_emulator/images/img-${randomHex(reply.rng, 24)}.png` };
        return model === 'dall-e-3' ? { revised_prompt: fillerText(reply.rng, 24), ...image } : image;
      });
      reply.json(200, { created: reply.now, data }, openAiHeaders(reply.rng));
    },
  };
}

// ---------------------------------------------------------------------------

/** OpenAI's error bodies (shared by Azure-style OpenAI-compatible APIs). */
export function openAiError(kind: ErrorKind, model: string | undefined, retryAfterSeconds: number): ErrorResponse {
  switch (kind) {
    case 'rate_limit':
      return {
        status: 429,
        headers: {
          'x-ratelimit-limit-requests': '500',
          'x-ratelimit-remaining-requests': '0',
          'x-ratelimit-reset-requests': `${retryAfterSeconds}s`,
        },
        body: {
          error: {
            message:
              `Rate limit reached for ${model ?? 'requests'} in organization org-emulator on requests per min (RPM): ` +
              `Limit 500, Used 500, Requested 1. Please try again in ${retryAfterSeconds}s. ` +
              'Visit https://platform.openai.com/account/rate-limits to learn more.',
            type: 'requests',
            param: null,
            code: 'rate_limit_exceeded',
          },
        },
      };
    case 'server_error':
      return {
        status: 500,
        body: {
          error: {
            message: 'The server had an error while processing your request. Sorry about that!',
            type: 'server_error',
            param: null,
            code: null,
          },
        },
      };
    case 'overloaded':
      return {
        status: 503,
        body: {
          error: { message: 'The engine is currently overloaded, please try again later', type: 'server_error', param: null, code: null },
        },
      };
  }
}

export const openai: ProviderEmulator = {
  provider: 'openai',
  apiRoot: '/v1',
  route(request) {
    if (request.method !== 'POST') return undefined;
    switch (request.path) {
      case '/v1/chat/completions':
        return chatOperation(request, OPENAI_CHAT);
      case '/v1/responses':
        return responsesOperation(request);
      case '/v1/embeddings':
        return embeddingsOperation(request, (model) => EMBEDDING_DIMENSIONS[model] ?? 1536, openAiHeaders);
      case '/v1/images/generations':
        return imagesOperation(request);
      default:
        return undefined;
    }
  },
  error: (kind, request, retryAfter) => openAiError(kind, str(request.body.model), retryAfter),
  notFound: (request) => ({
    status: 404,
    body: { error: { message: `Invalid URL (${request.method} ${request.path})`, type: 'invalid_request_error', param: null, code: null } },
  }),
};
