/**
 * The OpenAI REST API's billable calls, shared by OpenAI itself, Azure OpenAI
 * and OpenAI-compatible providers. Token normalisation: OpenAI's
 * `prompt_tokens` / `input_tokens` include cached (and audio) tokens, so the
 * billed `input_tokens` is the remainder; the semantic-convention input count
 * keeps the whole.
 */
import { GEN_AI_OPERATION_CHAT } from '../semconv.js';
import { count as countField, first, last, sumOf, value, type Extracted, type FieldSpec } from './fields.js';
import type { Dimensions } from '../pricing/types.js';
import { believable, count, hasJsonKey, minus, modelName, parseJson, reasoningOf, record, text, usage } from './read.js';
import type { CallFacts, CallOutcome, CallReader, PriceItem, Route, SemconvUsage } from './types.js';

type Json = Record<string, unknown>;

/** Usage read from a response: the billed quantities and the semantic-convention counts. */
export interface UsageRead {
  readonly usage: Record<string, number>;
  readonly semconv: SemconvUsage;
}

/** Chat Completions usage, as JSON and as the final stream chunk carry it. */
export function chatUsage(raw: unknown): UsageRead | undefined {
  const u = record(raw);
  if (u === undefined) return undefined;
  const prompt = count(u.prompt_tokens);
  const completion = count(u.completion_tokens);
  if (prompt === undefined && completion === undefined) return undefined;
  const pd = record(u.prompt_tokens_details);
  const cd = record(u.completion_tokens_details);
  if (!believable(u.prompt_tokens, u.completion_tokens, pd?.cached_tokens, pd?.audio_tokens, cd?.audio_tokens)) return undefined;
  const cached = count(pd?.cached_tokens);
  const audioIn = count(pd?.audio_tokens);
  const audioOut = count(cd?.audio_tokens);
  // Reasoning tokens are billed as output: they are for the span alone, and a bad count there does not void the usage.
  const reasoning = count(cd?.reasoning_tokens);
  return {
    usage: usage({
      input_tokens: minus(minus(prompt, cached), audioIn),
      cached_input_tokens: cached,
      audio_input_tokens: audioIn,
      output_tokens: minus(completion, audioOut),
      audio_output_tokens: audioOut,
    }),
    semconv: { inputTokens: prompt, outputTokens: completion, cacheReadInputTokens: cached, ...reasoningOf(reasoning) },
  };
}

/** Responses API (and image and transcription token) usage: input_tokens include cached ones. */
export function responsesUsage(raw: unknown): { usage: Record<string, number>; semconv: SemconvUsage } | undefined {
  const u = record(raw);
  if (u === undefined) return undefined;
  const input = count(u.input_tokens);
  const output = count(u.output_tokens);
  if (input === undefined && output === undefined) return undefined;
  const cachedRaw = record(u.input_tokens_details)?.cached_tokens;
  if (!believable(u.input_tokens, u.output_tokens, cachedRaw)) return undefined;
  const cached = count(cachedRaw);
  const reasoning = count(record(u.output_tokens_details)?.reasoning_tokens);
  return {
    usage: usage({ input_tokens: minus(input, cached), cached_input_tokens: cached, output_tokens: output }),
    semconv: { inputTokens: input, outputTokens: output, cacheReadInputTokens: cached, ...reasoningOf(reasoning) },
  };
}

function serviceTier(value: unknown): Dimensions | undefined {
  const tier = text(value);
  return tier === undefined ? undefined : { service_tier: tier };
}

/** Facts of a call whose usage (or its absence) is known. */
function facts(
  item: Omit<PriceItem, 'usage'>,
  read: ReturnType<typeof chatUsage>,
  responseModel: string | undefined,
  extra?: PriceItem[],
): CallFacts {
  if (read === undefined) return { responseModel, items: [], noUsage: true };
  return { responseModel, items: [{ ...item, usage: read.usage }, ...(extra ?? [])], semconv: read.semconv };
}

const CHAT_REQUEST: readonly FieldSpec[] = [value('model'), value('stream'), value('service_tier')];
const CHAT_RESPONSE: readonly FieldSpec[] = [value('model'), value('usage'), value('service_tier')];

export interface RouteOptions {
  /** Models of a deployment-addressed API (Azure) come from the path; `fallbackModel` is that name. */
  readonly pathModel?: string;
  /** gen_ai.operation.name of a chat-shaped API that is another operation (Mistral's FIM is `text_completion`). @default 'chat' */
  readonly operation?: string;
  /** Reads a usage object not shaped as OpenAI's (DeepSeek's cache hits, xAI's reasoning). @default chatUsage or responsesUsage */
  readonly readUsage?: (raw: unknown) => UsageRead | undefined;
  /** Where a stream chunk carries its usage (Groq: `x_groq.usage`). @default the chunk's `usage` */
  readonly chunkUsage?: (chunk: Json) => unknown;
  /** The charge a chat or embeddings usage object reports (OpenRouter's `usage.cost`), which wins over ours. */
  readonly providerCost?: (usage: Json) => CallFacts['providerCost'];
}

/** The reported cost of a call whose usage was read, when the route's provider reports one. */
function reportedCost(options: RouteOptions, raw: unknown): Pick<CallFacts, 'providerCost'> {
  const u = record(raw);
  const cost = u === undefined ? undefined : options.providerCost?.(u);
  return cost === undefined ? {} : { providerCost: cost };
}

function requestModel(request: Extracted, options: RouteOptions): string | undefined {
  return modelName(first(request, 'model')) ?? options.pathModel;
}

/**
 * What a chat stream's reader still needs once it knows the model: chunks with a usage object and
 * the closing `[DONE]`. Every spelling onEvent's pre-check accepts (spaces or tabs around the colon:
 * `"usage":{` from compact encoders, `"usage": {` from Python's json.dumps) holds one of these;
 * `"usage": ` lets Python's `"usage": null` chunks through too, which the pre-check then drops.
 */
const CHAT_STREAM_NEEDS: readonly string[] = ['"usage":{', '"usage": ', '"usage":\t', '"usage" ', '"usage"\t', '[DONE]'];

export function chatCompletionsRoute(options: RouteOptions = {}): Route {
  const operation = options.operation ?? GEN_AI_OPERATION_CHAT;
  return {
    operation,
    requestFields: CHAT_REQUEST,
    begin: (request) => new ChatCompletionsReader(options, operation, requestModel(request, options), first(request, 'service_tier')),
  };
}

/** One Chat Completions call: a class, not closures, as every chat call makes one. */
class ChatCompletionsReader implements CallReader {
  readonly responseFields = CHAT_RESPONSE;
  // Stream state: the model from the first chunk, usage from the chunk that has it.
  private streamModel: string | undefined;
  private streamUsage: unknown;
  private streamTier: unknown;
  private done = false;

  constructor(
    private readonly options: RouteOptions,
    /** Not `operation`: a reader's own `operation` would override the route's. */
    private readonly itemOperation: string,
    readonly requestModel: string | undefined,
    private readonly requestedTier: unknown,
  ) {}

  onEvent(_event: string, data: string): void {
    if (data === '[DONE]') {
      this.done = true;
      return;
    }
    // Only chunks that can carry what we need are parsed: the first, and those with usage.
    if (this.streamModel !== undefined && !hasJsonKey(data, 'usage', ':{')) return;
    const chunk = record(parseJson(data));
    if (chunk === undefined) return;
    this.streamModel ??= modelName(chunk.model);
    const chunkUsage = this.options.chunkUsage === undefined ? chunk.usage : this.options.chunkUsage(chunk);
    if (record(chunkUsage) !== undefined) this.streamUsage = chunkUsage;
    if (chunk.service_tier !== undefined) this.streamTier = chunk.service_tier;
  }

  skipEventsWithout(): readonly string[] | undefined {
    return this.streamModel === undefined ? undefined : CHAT_STREAM_NEEDS;
  }

  finish(outcome: CallOutcome): CallFacts {
    const responseModel = modelName(first(outcome.response, 'model')) ?? this.streamModel;
    const raw = first(outcome.response, 'usage') ?? this.streamUsage;
    const read = (this.options.readUsage ?? chatUsage)(raw);
    const tier = serviceTier(first(outcome.response, 'service_tier') ?? this.streamTier ?? this.requestedTier);
    const model = this.requestModel;
    const item = { operation: this.itemOperation, model: responseModel ?? model, fallbackModel: model, dimensions: tier };
    const result = { ...facts(item, read, responseModel), ...(read === undefined ? {} : reportedCost(this.options, raw)) };
    return this.done || this.streamUsage !== undefined ? { ...result, complete: true } : result;
  }
}

/** The events a Responses stream is read for; their names are on their `event:` lines. */
const RESPONSES_FINAL_EVENTS: readonly string[] = ['response.completed', 'response.incomplete', 'response.failed'];

/** What a Responses stream's final event is read for when it is too long to hold. */
const RESPONSES_LARGE_EVENT_FIELDS: readonly FieldSpec[] = [
  value('response.model'),
  value('response.usage'),
  value('response.service_tier'),
  value('response.output.*.type'),
];

/** Responses API: usage in the body, or in the `response.completed` (or incomplete/failed) event. */
export function responsesRoute(options: RouteOptions = {}): Route {
  return {
    operation: 'chat',
    requestFields: CHAT_REQUEST,
    begin(request): CallReader {
      const model = requestModel(request, options);
      let final: Json | undefined;
      return {
        requestModel: model,
        responseFields: [value('model'), value('usage'), value('service_tier'), value('output.*.type')],
        onEvent(event, data) {
          if (!RESPONSES_FINAL_EVENTS.includes(event)) return;
          final = record(record(parseJson(data))?.response);
        },
        skipEventsWithout: () => RESPONSES_FINAL_EVENTS,
        // A final event with an image in its output can be megabytes: what we need of it, scanned.
        largeEventFields: RESPONSES_LARGE_EVENT_FIELDS,
        onLargeEvent(event, fields) {
          if (!RESPONSES_FINAL_EVENTS.includes(event)) return;
          const types = fields.get('response.output.*.type') ?? [];
          final = {
            model: first(fields, 'response.model'),
            usage: first(fields, 'response.usage'),
            service_tier: first(fields, 'response.service_tier'),
            output: types.map((type) => ({ type })),
          };
        },
        finish(outcome): CallFacts {
          const body = outcome.response;
          const responseModel = modelName(first(body, 'model') ?? final?.model);
          const read = (options.readUsage ?? responsesUsage)(first(body, 'usage') ?? final?.usage);
          const outputTypes = body.get('output.*.type') ?? (Array.isArray(final?.output) ? final.output.map((o) => record(o)?.type) : []);
          const searches = outputTypes.filter((t) => t === 'web_search_call').length;
          const tier = serviceTier(first(body, 'service_tier') ?? final?.service_tier);
          const tool: PriceItem[] =
            searches > 0 ? [{ operation: 'web_search', model: responseModel ?? model, usage: { web_search_requests: searches } }] : [];
          const result = facts(
            { operation: 'chat', model: responseModel ?? model, fallbackModel: model, dimensions: tier },
            read,
            responseModel,
            tool,
          );
          return final !== undefined ? { ...result, complete: true } : result;
        },
      };
    },
  };
}

export function embeddingsRoute(options: RouteOptions = {}): Route {
  return {
    operation: 'embeddings',
    requestFields: [value('model')],
    begin(request): CallReader {
      const model = requestModel(request, options);
      return {
        requestModel: model,
        responseFields: [value('model'), value('usage')],
        finish(outcome): CallFacts {
          const responseModel = modelName(first(outcome.response, 'model'));
          const u = record(first(outcome.response, 'usage'));
          const prompt = count(u?.prompt_tokens);
          if (prompt === undefined) return { responseModel, items: [], noUsage: true };
          return {
            responseModel,
            items: [{ operation: 'embeddings', model: responseModel ?? model, fallbackModel: model, usage: { input_tokens: prompt } }],
            semconv: { inputTokens: prompt },
            ...reportedCost(options, u),
          };
        },
      };
    },
  };
}

/** Default quality and size per image model, as the API documents them, so a tier can be chosen. */
const IMAGE_DEFAULTS: Readonly<Record<string, { quality: string; size: string }>> = {
  'dall-e-3': { quality: 'standard', size: '1024x1024' },
  'dall-e-2': { quality: 'standard', size: '1024x1024' },
};

export function imagesRoute(options: RouteOptions = {}): Route {
  return {
    operation: 'image_generation',
    requestFields: [value('model'), value('n'), value('quality'), value('size')],
    begin(request): CallReader {
      const model = requestModel(request, options) ?? 'dall-e-2';
      const requested = count(first(request, 'n')) ?? 1;
      return {
        requestModel: model,
        responseFields: [countField('data.*'), value('usage'), value('quality'), value('size')],
        finish(outcome): CallFacts {
          const body = outcome.response;
          const generated = body.has('data.*') ? sumOf(body, 'data.*') : outcome.status < 400 && !outcome.aborted ? requested : undefined;
          if (generated === undefined) return { items: [], noUsage: true };
          const defaults = IMAGE_DEFAULTS[model];
          const quality = text(first(body, 'quality')) ?? text(first(request, 'quality')) ?? defaults?.quality;
          const size = text(first(body, 'size')) ?? text(first(request, 'size')) ?? defaults?.size;
          const tokens = responsesUsage(first(body, 'usage'));
          const dimensions: Record<string, string> = {};
          if (quality !== undefined) dimensions.quality = quality;
          if (size !== undefined) dimensions.size = size;
          return {
            items: [{ operation: 'image_generation', model, usage: { images: generated, ...tokens?.usage }, dimensions }],
            semconv: tokens?.semconv,
            extraUsage: { images: generated },
          };
        },
      };
    },
  };
}

/** Transcription: the request is multipart (fields by name); seconds or tokens come back in `usage`. */
export function transcriptionRoute(options: RouteOptions = {}): Route {
  return {
    operation: 'audio_transcription',
    requestFields: [value('model')],
    begin(request): CallReader {
      const model = requestModel(request, options);
      return {
        requestModel: model,
        responseFields: [value('usage'), value('duration')],
        finish(outcome): CallFacts {
          const u = record(first(outcome.response, 'usage'));
          const seconds = count(u?.seconds) ?? count(first(outcome.response, 'duration'));
          const tokens = u?.type === 'tokens' ? responsesUsage(u) : undefined;
          if (seconds === undefined && tokens === undefined) return { items: [], noUsage: true };
          const used = { ...(seconds === undefined ? {} : { seconds }), ...tokens?.usage };
          return {
            items: [{ operation: 'audio_transcription', model, usage: used }],
            semconv: tokens?.semconv,
            extraUsage: seconds === undefined ? undefined : { seconds },
          };
        },
      };
    },
  };
}

/** Speech: billed by input characters, known from the request alone. */
export function speechRoute(options: RouteOptions = {}): Route {
  return {
    operation: 'audio_speech',
    requestFields: [value('model'), { path: 'input', mode: 'chars' }],
    begin(request): CallReader {
      const model = requestModel(request, options);
      const characters = last(request, 'input');
      return {
        requestModel: model,
        responseFields: [],
        finish(): CallFacts {
          if (typeof characters !== 'number') return { items: [], noUsage: true };
          return { items: [{ operation: 'audio_speech', model, usage: { characters } }], extraUsage: { characters } };
        },
      };
    },
  };
}

export function moderationRoute(options: RouteOptions = {}): Route {
  return {
    operation: 'moderation',
    requestFields: [value('model')],
    begin(request): CallReader {
      const model = requestModel(request, options);
      return {
        requestModel: model,
        responseFields: [value('model')],
        finish(outcome): CallFacts {
          const responseModel = modelName(first(outcome.response, 'model'));
          return { responseModel, items: [{ operation: 'moderation', model: responseModel ?? model, usage: { requests: 1 } }] };
        },
      };
    },
  };
}

const NO_OPTIONS: RouteOptions = {};
/** Routes hold no call state (their readers do): one per path and options object, not one per call. */
const ROUTES = new WeakMap<RouteOptions, Map<string, Route>>();

/** The billable routes by POST path relative to the API root (`/v1` for OpenAI). */
export function openAiRoute(path: string, options: RouteOptions = NO_OPTIONS): Route | undefined {
  let byPath = ROUTES.get(options);
  if (byPath === undefined) ROUTES.set(options, (byPath = new Map()));
  let route = byPath.get(path);
  if (route === undefined) {
    route = newRoute(path, options);
    // Only the paths below: what other paths a client sends cannot grow the table.
    if (route !== undefined) byPath.set(path, route);
  }
  return route;
}

function newRoute(path: string, options: RouteOptions): Route | undefined {
  switch (path) {
    case '/chat/completions':
      return chatCompletionsRoute(options);
    case '/responses':
      return responsesRoute(options);
    case '/embeddings':
      return embeddingsRoute(options);
    case '/images/generations':
    case '/images/edits':
    case '/images/variations':
      return imagesRoute(options);
    case '/audio/transcriptions':
    case '/audio/translations':
      return transcriptionRoute(options);
    case '/audio/speech':
      return speechRoute(options);
    case '/moderations':
      return moderationRoute(options);
    default:
      return undefined;
  }
}
