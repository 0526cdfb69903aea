/**
 * Anthropic Messages API (`/anthropic/v1/messages`, as api.anthropic.com):
 * JSON and SSE. Prompt caching follows the request's `cache_control`
 * breakpoints: a prefix of at least 1,024 tokens ending at a breakpoint is
 * written to the cache the first time (`cache_creation_input_tokens`) and read
 * from it while it lives (`cache_read_input_tokens`, 5 minutes or 1 hour);
 * `input_tokens` counts only the rest, as the API does.
 */
import { prefixHashes } from '../cache.js';
import { fillerText, promptText, randomId, splitChunks, tokensOfChars, IMAGE_TOKENS } from '../text.js';
import type { EmulatorRequest, ErrorKind, ErrorResponse, Json, Operation, ProviderEmulator, Reply } from '../types.js';
import { drawOutput, int, list, record, str, wantsStream } from './common.js';

const SNAPSHOTS: Readonly<Record<string, string>> = {
  'claude-sonnet-4-5': 'claude-sonnet-4-5-20250929',
  'claude-haiku-4-5': 'claude-haiku-4-5-20251001',
  'claude-opus-4-1': 'claude-opus-4-1-20250805',
  'claude-sonnet-4-0': 'claude-sonnet-4-20250514',
  'claude-opus-4-0': 'claude-opus-4-20250514',
};

export const MIN_CACHEABLE_TOKENS = 1024;
const TTL_MS: Readonly<Record<string, number>> = { '5m': 5 * 60_000, '1h': 60 * 60_000 };
const STREAM_CHUNKS = 24;

function error(status: number, type: string, message: string, headers?: Record<string, string>): ErrorResponse {
  return { status, body: { type: 'error', error: { type, message }, request_id: null }, headers };
}

/** One content block of the prompt in cache order (tools, system, messages) and its breakpoint, if any. */
interface Block {
  readonly parts: string[];
  readonly images: number;
  readonly ttl?: string;
}

function blocksOf(body: Json): { blocks: Block[]; messages: number } {
  const blocks: Block[] = [];
  const add = (value: unknown) => {
    const text = promptText(value);
    const cc = record(record(value)?.cache_control);
    blocks.push({ parts: text.parts, images: text.images, ...(cc === undefined ? {} : { ttl: str(cc.ttl) === '1h' ? '1h' : '5m' }) });
  };
  for (const tool of list(body.tools)) add(tool);
  if (typeof body.system === 'string') add(body.system);
  else for (const b of list(body.system)) add(b);
  const messages = list(body.messages);
  for (const m of messages) {
    const content = record(m)?.content;
    if (typeof content === 'string') add(content);
    else for (const b of list(content)) add(b);
  }
  return { blocks, messages: messages.length };
}

interface Prompt {
  readonly input: number;
  readonly cacheRead: number;
  readonly cacheWrite: number;
  readonly ttl: string;
}

function measure(body: Json, model: string, reply: Reply): Prompt {
  const { blocks, messages } = blocksOf(body);
  const parts = blocks.flatMap((b) => b.parts);
  let chars = 0;
  let images = 0;
  const ends: number[] = [];
  const ttls: string[] = [];
  for (const b of blocks) {
    for (const p of b.parts) chars += p.length;
    images += b.images;
    if (b.ttl !== undefined) {
      ends.push(chars);
      ttls.push(b.ttl);
    }
  }
  const total = tokensOfChars(chars) + images * IMAGE_TOKENS + 3 * messages + (body.system === undefined ? 0 : 3);
  const eligible = prefixHashes(parts, ends)
    .map((c, i) => ({ c, ttl: ttls[i]! }))
    .filter(({ c }) => c.tokens >= MIN_CACHEABLE_TOKENS);
  if (eligible.length === 0) return { input: total, cacheRead: 0, cacheWrite: 0, ttl: '5m' };
  const namespace = `anthropic:${model}`;
  const cacheRead = reply.cache.longestHit(
    namespace,
    eligible.map((e) => e.c),
  );
  const last = eligible[eligible.length - 1]!;
  const cacheWrite = Math.max(0, last.c.tokens - cacheRead);
  for (const e of eligible) reply.cache.store(namespace, [e.c], TTL_MS[e.ttl]!);
  return { input: Math.max(0, total - cacheRead - cacheWrite), cacheRead, cacheWrite, ttl: last.ttl };
}

function messagesOperation(request: EmulatorRequest): Operation {
  const body = request.body;
  const model = str(body.model);
  const maxTokens = int(body.max_tokens);
  const invalid = (message: string): Operation => ({
    name: 'messages',
    model,
    stream: false,
    respond: (r) => r.json(400, error(400, 'invalid_request_error', message).body),
  });
  if (model === undefined) return invalid('model: Field required');
  if (maxTokens === undefined) return invalid('max_tokens: Field required');
  if (!Array.isArray(body.messages) || body.messages.length === 0) return invalid('messages: Field required');
  const stream = wantsStream(body);
  return {
    name: 'messages',
    model,
    stream,
    async respond(reply) {
      const rng = reply.rng;
      const prompt = measure(body, model, reply);
      const webSearch = list(body.tools).some((t) => str(record(t)?.type)?.startsWith('web_search') === true);
      // Search results are read by the model as input.
      const input = prompt.input + (webSearch ? rng.int(4000, 9000) : 0);
      const out = drawOutput(rng, reply.output, maxTokens);
      const text = out.tokens > 0 ? fillerText(rng, out.tokens) : '';
      const stopReason = out.truncated ? 'max_tokens' : 'end_turn';
      reply.usage({
        input_tokens: input,
        cached_input_tokens: prompt.cacheRead,
        cache_write_tokens: prompt.cacheWrite,
        output_tokens: out.tokens,
      });
      const inputUsage: Json = {
        input_tokens: input,
        cache_creation_input_tokens: prompt.cacheWrite,
        cache_read_input_tokens: prompt.cacheRead,
        cache_creation: {
          ephemeral_5m_input_tokens: prompt.ttl === '5m' ? prompt.cacheWrite : 0,
          ephemeral_1h_input_tokens: prompt.ttl === '1h' ? prompt.cacheWrite : 0,
        },
      };
      const usage = (output: number): Json => ({
        ...inputUsage,
        output_tokens: output,
        ...(webSearch ? { server_tool_use: { web_search_requests: 1 } } : {}),
        service_tier: 'standard',
      });
      const id = randomId(rng, 'msg_01', 22);
      const responseModel = SNAPSHOTS[model] ?? model;
      const headers = { 'request-id': randomId(rng, 'req_011CV', 18), 'anthropic-organization-id': '00000000-0000-4000-8000-000000000000' };
      if (!stream) {
        reply.json(
          200,
          {
            id,
            type: 'message',
            role: 'assistant',
            model: responseModel,
            content: [{ type: 'text', text }],
            stop_reason: stopReason,
            stop_sequence: null,
            usage: usage(out.tokens),
          },
          headers,
        );
        return;
      }
      const pieces = text === '' ? [] : splitChunks(text, STREAM_CHUNKS);
      const s = reply.stream(6 + pieces.length, { headers });
      const send = (type: string, data: Json) => s.event({ type, ...data }, type);
      const start = {
        id,
        type: 'message',
        role: 'assistant',
        model: responseModel,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: usage(1),
      };
      if (!(await send('message_start', { message: start }))) return;
      if (!(await send('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }))) return;
      if (!(await send('ping', {}))) return;
      for (const piece of pieces)
        if (!(await send('content_block_delta', { index: 0, delta: { type: 'text_delta', text: piece } }))) return;
      if (!(await send('content_block_stop', { index: 0 }))) return;
      // Newer API versions repeat the input and cache counts in message_delta; counts are cumulative.
      const { cache_creation: _, ...deltaInput } = inputUsage;
      if (
        !(await send('message_delta', {
          delta: { stop_reason: stopReason, stop_sequence: null },
          usage: { ...deltaInput, output_tokens: out.tokens, ...(webSearch ? { server_tool_use: { web_search_requests: 1 } } : {}) },
        }))
      )
        return;
      if (!(await send('message_stop', {}))) return;
      s.end();
    },
  };
}

function anthropicError(kind: ErrorKind, retryAfterSeconds: number): ErrorResponse {
  switch (kind) {
    case 'rate_limit':
      return error(
        429,
        'rate_limit_error',
        'This request would exceed the rate limit for your organization of 50 requests per minute. ' +
          'For details, refer to: https://docs.claude.com/en/api/rate-limits. ' +
          'You can see the response headers for current usage. Please reduce the prompt length or the maximum tokens requested, ' +
          'or try again later.',
        {
          'x-should-retry': 'true',
          'anthropic-ratelimit-requests-limit': '50',
          'anthropic-ratelimit-requests-remaining': '0',
          'anthropic-ratelimit-requests-reset': new Date(Date.now() + retryAfterSeconds * 1000).toISOString(),
        },
      );
    case 'server_error':
      return error(500, 'api_error', 'Internal server error', { 'x-should-retry': 'true' });
    case 'overloaded':
      return error(529, 'overloaded_error', 'Overloaded', { 'x-should-retry': 'true' });
  }
}

export const anthropic: ProviderEmulator = {
  provider: 'anthropic',
  apiRoot: '',
  route(request) {
    return request.method === 'POST' && request.path === '/v1/messages' ? messagesOperation(request) : undefined;
  },
  error: (kind, _request, retryAfter) => anthropicError(kind, retryAfter),
  notFound: () => error(404, 'not_found_error', 'Not Found'),
};
