/**
 * The benchmarks' loopback provider: as little server work as possible, so a
 * round trip is mostly client work. Runs in the parent process while the
 * measured clients run in child processes.
 *
 * - `POST /openai/v1/chat/completions`: a fixed OpenAI chat completion (JSON);
 *   with `"stream":true` in the body, an SSE stream of chat chunks of about
 *   `x-bench-sse-bytes` bytes (default 10 MiB) written in 16 KiB pieces, then a
 *   usage chunk and `[DONE]`, as OpenAI sends with `stream_options.include_usage`.
 * - Anything on the second port (`unrelatedOrigin`): the same JSON bytes, for
 *   traffic to a host that is not an AI provider.
 */
import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';

export const CHAT_REQUEST = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello.' }] });
export const STREAM_REQUEST = JSON.stringify({
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: 'Write a long story.' }],
  stream: true,
  stream_options: { include_usage: true },
});

/** The usage the fixed chat completion reports. */
export const CHAT_USAGE = { prompt_tokens: 19, completion_tokens: 10 };

export const CHAT_RESPONSE = Buffer.from(
  JSON.stringify({
    id: 'chatcmpl-bench0000000000000000000000',
    object: 'chat.completion',
    created: 1764230400,
    model: 'gpt-4o-mini-2024-07-18',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: 'Hello! How can I help you today?', refusal: null, annotations: [] },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage: {
      ...CHAT_USAGE,
      total_tokens: CHAT_USAGE.prompt_tokens + CHAT_USAGE.completion_tokens,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    },
    service_tier: 'default',
    system_fingerprint: 'fp_bench0000',
  }),
);

export const SSE_BYTES_HEADER = 'x-bench-sse-bytes';
const SSE_PIECE = 16 * 1024;
const WORDS = [
  'Once',
  ' upon',
  ' a',
  ' time',
  ',',
  ' there',
  ' was',
  ' a',
  ' benchmark',
  ' that',
  ' streamed',
  ' many',
  ' tokens',
  '.',
  '\n',
];

function chunkEvent(delta: object, finish: string | null, extra = ''): string {
  return (
    'data: {"id":"chatcmpl-bench0000000000000000000000","object":"chat.completion.chunk","created":1764230400,' +
    '"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_bench0000",' +
    `"choices":[{"index":0,"delta":${JSON.stringify(delta)},"logprobs":null,"finish_reason":${JSON.stringify(finish)}}],` +
    `"usage":null${extra}}\n\n`
  );
}

/** About 1 MiB of content chunks, repeated to make any size. */
const SSE_BLOCK = (() => {
  let text = '';
  for (let i = 0; text.length < 1 << 20; i++) text += chunkEvent({ content: WORDS[i % WORDS.length] }, null);
  return Buffer.from(text);
})();
const SSE_EVENTS_PER_BLOCK = SSE_BLOCK.toString().split('\n\n').length - 1;

function sseTail(events: number): Buffer {
  const usage = {
    prompt_tokens: 14,
    completion_tokens: events,
    total_tokens: 14 + events,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
  };
  const finalChunk = {
    id: 'chatcmpl-bench0000000000000000000000',
    object: 'chat.completion.chunk',
    created: 1764230400,
    model: 'gpt-4o-mini-2024-07-18',
    choices: [],
    usage,
  };
  const final = `data: ${JSON.stringify(finalChunk)}\n\n`;
  return Buffer.from(`${chunkEvent({}, 'stop')}${final}data: [DONE]\n\n`);
}

function blocksFor(bytes: number): number {
  return Math.max(1, Math.round(bytes / SSE_BLOCK.length));
}

/** The whole stream the server sends for `bytes`, in memory (for in-process benchmarks). */
export function sseBody(bytes: number): Buffer {
  const blocks = blocksFor(bytes);
  return Buffer.concat([...Array.from({ length: blocks }, () => SSE_BLOCK), sseTail(blocks * SSE_EVENTS_PER_BLOCK)]);
}

async function writeStream(res: http.ServerResponse, bytes: number): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  const blocks = blocksFor(bytes);
  for (let b = 0; b < blocks; b++) {
    for (let at = 0; at < SSE_BLOCK.length; at += SSE_PIECE) {
      if (res.destroyed) return;
      if (!res.write(SSE_BLOCK.subarray(at, at + SSE_PIECE))) await once(res, 'drain');
    }
  }
  res.end(sseTail(blocks * SSE_EVENTS_PER_BLOCK));
}

function json(res: http.ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': CHAT_RESPONSE.length });
  res.end(CHAT_RESPONSE);
}

function handle(req: http.IncomingMessage, res: http.ServerResponse): void {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (c: string) => {
    if (body.length < 4096) body += c;
  });
  req.on('end', () => {
    if (req.url === '/openai/v1/chat/completions' && body.includes('"stream":true')) {
      const bytes = Number(req.headers[SSE_BYTES_HEADER] ?? 10 * 1024 * 1024);
      writeStream(res, bytes).catch(() => res.destroy());
    } else {
      json(res);
    }
  });
}

export interface ProviderServer {
  /** `http://127.0.0.1:PORT`, whose `/openai/v1` is configured as an OpenAI endpoint. */
  readonly origin: string;
  readonly openAiBaseUrl: string;
  /** A second port nobody configures: unrelated traffic. */
  readonly unrelatedOrigin: string;
  close(): Promise<void>;
}

async function listen(server: http.Server): Promise<string> {
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export async function startProviderServer(): Promise<ProviderServer> {
  const ai = http.createServer(handle);
  const other = http.createServer(handle);
  const origin = await listen(ai);
  const unrelatedOrigin = await listen(other);
  return {
    origin,
    openAiBaseUrl: `${origin}/openai/v1`,
    unrelatedOrigin,
    close: async () => {
      for (const server of [ai, other]) {
        server.closeAllConnections();
        await new Promise((r) => server.close(r));
      }
    },
  };
}
