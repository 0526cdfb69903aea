/**
 * Amazon Bedrock Runtime (`bedrock-runtime.<region>.amazonaws.com`, `bedrock-runtime-fips.…`, VPC
 * endpoints, and any endpoint configured as `aws.bedrock`): Converse, ConverseStream, InvokeModel
 * and InvokeModelWithResponseStream, all `POST /model/{modelId}/<action>`.
 *
 * The model comes from the path. `modelId` is URL-encoded and is a model id
 * (`anthropic.claude-3-5-haiku-20241022-v1:0`), a cross-region inference profile id (`us.`, `eu.`,
 * `apac.`, `global.`… before the model id) or an ARN (`…:foundation-model/<id>`,
 * `…:inference-profile/<profile id>`). Profiles and ARNs are priced as the model they name (AWS
 * bills cross-region inference at the source region's price of that model); an application
 * inference profile or a provisioned model does not name its model, so the response's model is
 * used when it reports one (Anthropic bodies do), else the call is `unknown_model`.
 *
 * Token normalisation: Converse `usage.inputTokens` leaves out `cacheReadInputTokens` and
 * `cacheWriteInputTokens`, which come as their own counts (like Anthropic's own API), so the
 * billed quantities map one to one and the semantic-convention input count is their sum. InvokeModel
 * bodies are the model's own: Anthropic Messages (read as anthropic.ts reads them), Amazon Nova
 * (`usage.inputTokens`/`outputTokens`, cache in `cacheRead/WriteInputTokenCount`), Meta Llama
 * (`prompt_token_count`, `generation_token_count`). Streams are AWS event streams
 * (src/capture/aws-eventstream.ts): ConverseStream's usage is in its `metadata` event;
 * InvokeModelWithResponseStream's `chunk` events carry the model's own stream chunk, base64 in
 * `bytes`, and the last one Bedrock's `amazon-bedrock-invocationMetrics`
 * (`inputTokenCount`, `outputTokenCount`), used when the model's own chunks said nothing.
 * Many models' InvokeModel bodies carry no usage we read (Mistral, Cohere, AI21, DeepSeek, Titan):
 * Bedrock's own counts are then taken from the response headers `X-Amzn-Bedrock-Input-Token-Count`
 * and `-Output-Token-Count` (cache reads and writes in `-Cache-Read-`/`-Cache-Write-Input-Token-Count`),
 * which the API reference's response elements do not list but Bedrock sends on InvokeModel
 * responses. The body's usage wins when it has one.
 * A frame that fails its CRC leaves the usage unknown (`noUsage`), never a part of it.
 */
import { first, value, type Extracted } from './fields.js';
import { facts as anthropicFacts, observe as observeAnthropic, type Observed } from './anthropic.js';
import { believable, count, modelName, parseJson, record, usage } from './read.js';
import type { CallFacts, CallReader, ProviderAdapter, RequestHead, Route } from './types.js';
import { PROVIDER_IDS } from './provider-ids.js';

const ACTION = /^\/model\/([^/]{1,2048})\/(converse|converse-stream|invoke|invoke-with-response-stream)$/;

/** Geographic prefixes of cross-region (system-defined) inference profiles. */
const PROFILE_PREFIXES: ReadonlySet<string> = new Set(['us', 'us-gov', 'eu', 'apac', 'jp', 'au', 'ca', 'global']);

const ARN = /^arn:aws[a-z-]*:bedrock:[a-z0-9-]*:\d*:([a-z-]+)\/(.+)$/;

/** The model id a path's `modelId` names, for pricing; undefined when it cannot be known from it. */
export function bedrockModel(modelId: string): string | undefined {
  let id = modelId;
  const arn = ARN.exec(id);
  if (arn !== null) {
    const [, kind, rest] = arn;
    if (kind === 'foundation-model') id = rest!;
    else if (kind === 'inference-profile') id = rest!;
    else return undefined; // application-inference-profile, provisioned-model, custom-model…
  }
  const dot = id.indexOf('.');
  // A profile id has two dots before the model's version: `us.anthropic.claude…`.
  if (dot > 0 && PROFILE_PREFIXES.has(id.slice(0, dot)) && id.indexOf('.', dot + 1) > dot + 1) id = id.slice(dot + 1);
  return modelName(id);
}

function decoded(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

function isBedrockRuntimeHost(host: string): boolean {
  const name = host.replace(/:\d+$/, '');
  // A configured endpoint (LocalStack, a proxy): the path alone decides.
  if (!name.endsWith('.amazonaws.com')) return true;
  const labels = name.split('.');
  if (labels[0] === 'bedrock-runtime' || labels[0] === 'bedrock-runtime-fips') return true;
  // VPC interface endpoint: vpce-0abc-xyz.bedrock-runtime.us-east-1.vpce.amazonaws.com
  return labels.includes('vpce') && labels[1] === 'bedrock-runtime';
}

/** Usage as a Converse, Nova or Llama body reports it: cache counts apart from input. */
interface Counts {
  input?: number;
  output?: number;
  cacheRead?: number;
  cacheWrite?: number;
  untrusted?: boolean;
}

function observeCounts(into: Counts, input: unknown, output: unknown, cacheRead?: unknown, cacheWrite?: unknown): void {
  if (!believable(input, output, cacheRead, cacheWrite)) into.untrusted = true;
  into.input = count(input) ?? into.input;
  into.output = count(output) ?? into.output;
  into.cacheRead = count(cacheRead) ?? into.cacheRead;
  into.cacheWrite = count(cacheWrite) ?? into.cacheWrite;
}

function hasCounts(c: Counts): boolean {
  return c.input !== undefined || c.output !== undefined || c.cacheRead !== undefined || c.cacheWrite !== undefined;
}

function countsFacts(c: Counts, model: string | undefined, responseModel?: string): CallFacts {
  if (c.untrusted === true || !hasCounts(c)) return { responseModel, items: [], noUsage: true };
  const { input, output, cacheRead, cacheWrite } = c;
  return {
    responseModel,
    items: [
      {
        operation: 'chat',
        model,
        usage: usage({ input_tokens: input, cached_input_tokens: cacheRead, cache_write_tokens: cacheWrite, output_tokens: output }),
      },
    ],
    semconv: {
      inputTokens: input === undefined ? undefined : input + (cacheRead ?? 0) + (cacheWrite ?? 0),
      outputTokens: output,
      cacheReadInputTokens: cacheRead,
      cacheCreationInputTokens: cacheWrite,
    },
  };
}

/** Converse's `usage` (TokenUsage). */
function observeTokenUsage(into: Counts, raw: unknown): void {
  const u = record(raw);
  if (u === undefined) return;
  observeCounts(into, u.inputTokens, u.outputTokens, u.cacheReadInputTokens, u.cacheWriteInputTokens);
}

/** What the model's own InvokeModel bodies and stream chunks said. */
class ModelBody {
  readonly anthropic: Observed = {};
  readonly counts: Counts = {};
  readonly metrics: Counts = {};
  model?: string;
  sawMetrics = false;

  /** One body or stream chunk, as the model wrote it. */
  read(body: Record<string, unknown>): void {
    const type = body.type;
    if (type === 'message_start') {
      const message = record(body.message);
      this.model ??= modelName(message?.model);
      observeAnthropic(this.anthropic, message?.usage);
    } else if (type === 'message_delta') {
      observeAnthropic(this.anthropic, body.usage);
    } else if (type === 'message') {
      // A whole Anthropic Messages response (InvokeModel).
      this.model ??= modelName(body.model);
      observeAnthropic(this.anthropic, body.usage);
    }
    // Amazon Nova: `usage` in the body, `metadata.usage` in a stream.
    const nova = record(body.usage) ?? record(record(body.metadata)?.usage);
    if (nova !== undefined && type === undefined)
      observeCounts(this.counts, nova.inputTokens, nova.outputTokens, nova.cacheReadInputTokenCount, nova.cacheWriteInputTokenCount);
    // Meta Llama: counts at the top level (the stream's generation count is cumulative).
    if (body.prompt_token_count !== undefined || body.generation_token_count !== undefined)
      observeCounts(this.counts, body.prompt_token_count, body.generation_token_count);
    const metrics = record(body['amazon-bedrock-invocationMetrics']);
    if (metrics !== undefined) {
      this.sawMetrics = true;
      observeCounts(
        this.metrics,
        metrics.inputTokenCount,
        metrics.outputTokenCount,
        metrics.cacheReadInputTokenCount,
        metrics.cacheWriteInputTokenCount,
      );
    }
  }

  /** `headers`: what InvokeModel's token-count headers said, used only when the body said nothing. */
  facts(pricingModel: string | undefined, headers?: Counts): CallFacts {
    const a = this.anthropic;
    if (
      a.untrusted === true ||
      a.input !== undefined ||
      a.output !== undefined ||
      a.cacheRead !== undefined ||
      a.cacheWrite !== undefined
    ) {
      // Anthropic's response model (`claude-3-5-haiku-20241022`) is tried first, the path's id second.
      return anthropicFacts(a, this.model, pricingModel ?? this.model);
    }
    const model = pricingModel ?? this.model;
    if (this.counts.untrusted === true || hasCounts(this.counts)) return countsFacts(this.counts, model, this.model);
    if (headers !== undefined && !this.sawMetrics) return countsFacts(headers, model, this.model);
    return countsFacts(this.metrics, model, this.model);
  }
}

/** The Bedrock response fields an InvokeModel body may carry usage in. */
const INVOKE_FIELDS = [
  value('type'),
  value('model'),
  value('usage'),
  value('metadata'),
  value('prompt_token_count'),
  value('generation_token_count'),
];

/** InvokeModel's token-count response headers (lower case, as `CallReader.responseHeaders` names them). */
const TOKEN_HEADERS = {
  input: 'x-amzn-bedrock-input-token-count',
  output: 'x-amzn-bedrock-output-token-count',
  cacheRead: 'x-amzn-bedrock-cache-read-input-token-count',
  cacheWrite: 'x-amzn-bedrock-cache-write-input-token-count',
} as const;
const INVOKE_HEADERS: readonly string[] = Object.values(TOKEN_HEADERS);

const DIGITS = /^\d{1,15}$/;

/** A count header's value as a number; anything else (`-5`, `12, 12`) as it came, for `believable` to refuse. */
function headerCount(value: string | undefined): unknown {
  if (value === undefined) return undefined;
  const text = value.trim();
  return DIGITS.test(text) ? Number(text) : value;
}

function headerCounts(headers: Readonly<Record<string, string>> | undefined): Counts {
  const counts: Counts = {};
  if (headers === undefined) return counts;
  observeCounts(
    counts,
    headerCount(headers[TOKEN_HEADERS.input]),
    headerCount(headers[TOKEN_HEADERS.output]),
    headerCount(headers[TOKEN_HEADERS.cacheRead]),
    headerCount(headers[TOKEN_HEADERS.cacheWrite]),
  );
  return counts;
}

function invokeBody(response: Extracted): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const spec of INVOKE_FIELDS) {
    const v = first(response, spec.path);
    if (v !== undefined) body[spec.path] = v;
  }
  return body;
}

/** A chunk event's payload: `{"bytes":"<base64 of the model's chunk>"}`. */
function chunkBody(data: string): Record<string, unknown> | undefined {
  const bytes = record(parseJson(data))?.bytes;
  if (typeof bytes !== 'string') return undefined;
  return record(parseJson(Buffer.from(bytes, 'base64').toString('utf8')));
}

/** What a ConverseStream is read for: its `metadata` event, and a broken frame (`error:…`). */
const CONVERSE_EVENTS: readonly string[] = ['metadata', 'error:'];

function broke(event: string): boolean {
  return event.startsWith('error:');
}

function route(action: string, modelId: string): Route {
  const requestModel = modelName(modelId);
  const pricingModel = bedrockModel(modelId);
  const operation = 'chat';
  if (action === 'converse' || action === 'converse-stream') {
    return {
      operation,
      requestFields: [],
      begin(): CallReader {
        const counts: Counts = {};
        let complete = false;
        let broken = false;
        return {
          requestModel,
          responseFields: [value('usage')],
          onEvent(event, data) {
            if (broke(event)) broken = true;
            else if (event === 'metadata' && !broken) {
              observeTokenUsage(counts, record(parseJson(data))?.usage);
              complete = true;
            }
          },
          skipEventsWithout: () => CONVERSE_EVENTS,
          finish(outcome): CallFacts {
            if (broken) return { items: [], noUsage: true };
            observeTokenUsage(counts, first(outcome.response, 'usage'));
            const result = countsFacts(counts, pricingModel);
            return complete ? { ...result, complete } : result;
          },
        };
      },
    };
  }
  return {
    operation,
    requestFields: [],
    begin(): CallReader {
      const body = new ModelBody();
      let broken = false;
      return {
        requestModel,
        responseFields: INVOKE_FIELDS,
        // A stream's headers come before its counts are known: those are in its last chunk.
        responseHeaders: action === 'invoke' ? INVOKE_HEADERS : undefined,
        onEvent(event, data) {
          if (broke(event)) broken = true;
          else if (event === 'chunk' && !broken) {
            const chunk = chunkBody(data);
            if (chunk !== undefined) body.read(chunk);
          }
        },
        finish(outcome): CallFacts {
          if (broken) return { items: [], noUsage: true };
          let headers: Counts | undefined;
          if (action === 'invoke') {
            body.read(invokeBody(outcome.response));
            // An error response's headers bill nothing (its body's fields are not read either).
            if (outcome.status < 400) headers = headerCounts(outcome.headers);
          }
          const result = body.facts(pricingModel, headers);
          return body.sawMetrics ? { ...result, complete: true } : result;
        },
      };
    },
  };
}

export const bedrockAdapter: ProviderAdapter = {
  provider: PROVIDER_IDS.awsBedrock,
  baseUrls: [],
  hostSuffixes: ['.amazonaws.com'],
  route(head: RequestHead) {
    if (head.method !== 'POST' || !isBedrockRuntimeHost(head.host)) return undefined;
    const match = ACTION.exec(head.path);
    if (match === null) return undefined;
    const modelId = decoded(match[1]!);
    return modelId === undefined || modelId === '' ? undefined : route(match[2]!, modelId);
  },
};
