/**
 * The benchmarks' loopback provider: as little server work as possible, so a
 * round trip is mostly client work. Runs in the parent process while the
 * measured clients run in child processes.
 *
 * - `POST /openai/v1/chat/completions`: a fixed OpenAI chat completion (JSON);
 *   with `"stream":true` in the body, an SSE stream of chat chunks of about
 *   `x-bench-sse-bytes` bytes (default 10 MiB) written in 16 KiB pieces, then a
 *   usage chunk and `[DONE]`, as OpenAI sends with `stream_options.include_usage`.
 * - `POST /peers/v1/chat/completions` (`peersBaseUrl`): a fixed OpenAI chat
 *   completion of about 300 completion tokens (PEER_CHAT_RESPONSE), the answer
 *   to PEER_MESSAGES (about 1,200 prompt tokens), for peers.bench.ts.
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

/** A `chat.completion` as OpenAI answers it, with this content and usage. */
function chatCompletion(id: string, content: string, usage: { prompt_tokens: number; completion_tokens: number }): Buffer {
  return Buffer.from(
    JSON.stringify({
      id,
      object: 'chat.completion',
      created: 1764230400,
      model: 'gpt-4o-mini-2024-07-18',
      choices: [
        { index: 0, message: { role: 'assistant', content, refusal: null, annotations: [] }, logprobs: null, finish_reason: 'stop' },
      ],
      usage: {
        ...usage,
        total_tokens: usage.prompt_tokens + usage.completion_tokens,
        prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
      },
      service_tier: 'default',
      system_fingerprint: 'fp_bench0000',
    }),
  );
}

export const CHAT_RESPONSE = chatCompletion('chatcmpl-bench0000000000000000000000', 'Hello! How can I help you today?', CHAT_USAGE);

/** Deterministic English prose of about `chars` characters: `bank`'s sentences in an order shuffled by `seed`, repeated as needed. */
function prose(bank: readonly string[], seed: number, chars: number): string {
  let state = seed;
  const order = [...bank];
  for (let i = order.length - 1; i > 0; i--) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    const j = (state >>> 8) % (i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  let text = '';
  for (let n = 0; text.length < chars; n++) text += `${n === 0 ? '' : n % 5 === 0 ? '\n\n' : ' '}${order[n % order.length]}`;
  return text;
}

const PEER_SYSTEM_BANK = [
  'You are the support assistant of Northwind Hardware, a chain of forty stores that sells tools, fasteners and garden supplies.',
  'Answer in plain, friendly English and keep each answer under three short paragraphs unless the customer asks for detail.',
  'Never promise a delivery date that the order system has not confirmed; say what the system shows and offer to check again.',
  'When a customer asks about safety, mention the protective equipment the task needs before anything else.',
  'Quote prices only from the catalogue excerpt you are given, in the currency it uses, and say when a price may have changed.',
  'If a question falls outside hardware, tools or the store itself, say so politely and suggest where the customer could ask.',
  'Prefer concrete steps over general advice, and name the exact product line when the excerpt contains one that fits.',
  'Do not invent store opening hours, return policies or warranty terms; refer to the policy summary when it covers the case.',
  'When measurements are involved, give them in both millimetres and inches, rounded sensibly.',
  'Close with one sentence that invites a follow-up question, without repeating the greeting.',
];

const PEER_USER_BANK = [
  'I am redoing the floor of a small bathroom and the old ceramic tiles are glued straight onto a concrete slab.',
  'The room is roughly two metres by one and a half, with a floor drain near the corner and a radiator pipe coming up through the tiles.',
  'My neighbour lent me a corded hammer drill, but I am not sure which bits will cut through glazed tile without cracking it.',
  'Last weekend I tried an ordinary masonry bit on a spare tile and it skated across the glaze before chipping the edge.',
  'I also need to anchor a towel rail and a small cabinet to the wall, which is hollow plasterboard over timber studs.',
  'The cabinet weighs about twelve kilograms empty, and I expect it to hold bottles, towels and a hair dryer.',
  'Your catalogue lists diamond core bits, carbide spear-point bits and a set of step drills, and I cannot tell them apart.',
  'I would rather buy one good bit than a cheap set that wears out after a few holes, but I do not want to overspend either.',
  'The store near the station told me the diamond bits need water cooling, which sounds messy in a finished room.',
  'Is there a way to keep the dust down, since my partner has asthma and the flat has no window in the bathroom?',
  'I read that starting the hole at an angle and then straightening the drill helps, but that sounds risky to me.',
  'For the floor I plan to use a self-levelling compound before laying new porcelain tiles of sixty by sixty centimetres.',
  'The compound bag says it needs a primer, and I am not sure whether the primer you sell works on old tile adhesive.',
  'I have a budget of about one hundred and fifty euros for tools and consumables, not counting the new tiles themselves.',
  'Please also tell me which plugs or anchors you would use for the plasterboard, and whether I should look for the studs instead.',
  'Catalogue excerpt: diamond core bit 6 mm, 14.90 EUR; carbide spear-point bit 6 mm, 6.50 EUR; step drill set, 29.00 EUR.',
  'Catalogue excerpt: hollow-wall anchors, pack of 20, 7.80 EUR; stud finder, 24.50 EUR; dust extractor adapter, 12.00 EUR.',
  'Policy summary: unopened items can be returned within thirty days; drill bits that have been used cannot be returned.',
];

const PEER_ANSWER_BANK = [
  'For glazed ceramic tile, a carbide spear-point bit is the safest choice with your drill, as long as the hammer action is off.',
  'Put a cross of masking tape over the spot first: it stops the tip from skating across the glaze and keeps the edge from chipping.',
  'Start slowly and keep the drill straight; once you are through the glaze, a standard masonry bit will finish the hole in the concrete.',
  'The diamond core bits are meant for porcelain and stone, and they do need water, so for your floor they are more than you need.',
  'A dust extractor adapter held under the bit catches most of the powder, and a damp cloth around the hole takes care of the rest.',
  'Wear safety glasses and a dust mask rated FFP2 whatever bit you choose, and ear protection once you reach the concrete.',
  'For the cabinet, find the studs and screw into them; twelve kilograms plus its contents is too much for hollow-wall anchors.',
  'The towel rail is light enough for the hollow-wall anchors, which hold about ten kilograms each in twelve-millimetre plasterboard.',
  'The primer we sell bonds to old tile adhesive once the surface is clean and sanded, so you can level straight over it.',
  'The spear-point bit, the stud finder, the anchors and the extractor adapter come to about fifty-one euros, well within budget.',
];

/** The peers benchmark's request messages: a system prompt and a user message, about 4,800 characters of English in all. */
export const PEER_MESSAGES: readonly { readonly role: 'system' | 'user'; readonly content: string }[] = [
  { role: 'system', content: prose(PEER_SYSTEM_BANK, 7, 1200) },
  { role: 'user', content: prose(PEER_USER_BANK, 11, 3600) },
];

const PEER_ANSWER = prose(PEER_ANSWER_BANK, 13, 1200);

/** Usage of the peers' chat completion: about four characters per token, as for English text. */
export const PEER_USAGE = {
  prompt_tokens: Math.round(PEER_MESSAGES.reduce((n, m) => n + m.content.length, 0) / 4) + 4 * PEER_MESSAGES.length,
  completion_tokens: Math.round(PEER_ANSWER.length / 4),
};

export const PEER_CHAT_RESPONSE = chatCompletion('chatcmpl-benchpeers00000000000000000', PEER_ANSWER, PEER_USAGE);

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
    } else if (req.url === '/peers/v1/chat/completions') {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': PEER_CHAT_RESPONSE.length });
      res.end(PEER_CHAT_RESPONSE);
    } else {
      json(res);
    }
  });
}

export interface ProviderServer {
  /** `http://127.0.0.1:PORT`, whose `/openai/v1` is configured as an OpenAI endpoint. */
  readonly origin: string;
  readonly openAiBaseUrl: string;
  /** `${origin}/peers/v1`: the peers benchmark's chat completion (PEER_CHAT_RESPONSE). */
  readonly peersBaseUrl: string;
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
    peersBaseUrl: `${origin}/peers/v1`,
    unrelatedOrigin,
    close: async () => {
      for (const server of [ai, other]) {
        server.closeAllConnections();
        await new Promise((r) => server.close(r));
      }
    },
  };
}
