/**
 * The demo service's features, each calling an AI API the way a product would: the official
 * `openai` and `@anthropic-ai/sdk` clients, axios and fetch, against the provider emulator
 * (examples/emulator), which mounts each provider under `/<provider>`. The service knows nothing
 * of ai-pricetag: it is instrumented from outside with `--import ai-pricetag/register`.
 */
import Anthropic from '@anthropic-ai/sdk';
import axios, { type AxiosInstance } from 'axios';
import OpenAI from 'openai';
import { context, propagation } from '@opentelemetry/api';
import type { Random } from '../emulator/random.js';
import type { Mix } from './scenario.js';

export interface Feature {
  /** Becomes the `feature` baggage entry (and metric label, with PRICETAG_BAGGAGE_LABELS=feature). */
  readonly name: string;
  /** Calls per second under this mix. */
  rate(mix: Mix): number;
  call(mix: Mix, random: Random): Promise<void>;
}

const WORDS = (
  'the a quarterly order invoice customer shipment delay refund account policy report summary product review ticket update ' +
  'warranty region forecast contract renewal'
).split(' ');

/** Filler text of about `chars` characters (the emulator counts about four per token). */
export function filler(chars: number, random: Random): string {
  const parts: string[] = [];
  let length = 0;
  while (length < chars) {
    const word = WORDS[Math.floor(random.next() * WORDS.length)]!;
    parts.push(word);
    length += word.length + 1;
  }
  return parts.join(' ');
}

const between = (random: Random, lo: number, hi: number) => Math.round(random.uniform(lo, hi));

/**
 * Conversations of varied length: each call continues one of a few open conversations (or
 * opens one), and re-sends its growing history, as a chat product does. The id travels in
 * baggage (`gen_ai.conversation.id`), where ai-pricetag reads it.
 */
class Conversations {
  private readonly open: { id: string; turn: number; turns: number }[] = [];
  private next = 0;

  constructor(
    private readonly prefix: string,
    private readonly concurrent: number,
  ) {}

  /** The conversation the next call belongs to, and its turn (0 for the first). */
  take(random: Random): { id: string; turn: number } {
    if (this.open.length < this.concurrent) {
      // Mostly short exchanges, some long sessions: lognormal turns around e^1.2 ≈ 3, 1 to 30.
      const turns = Math.min(30, Math.max(1, Math.round(random.lognormal(Math.exp(1.2), 0.8))));
      this.open.push({ id: `${this.prefix}-${++this.next}`, turn: 0, turns });
    }
    const index = Math.floor(random.next() * this.open.length);
    const c = this.open[index]!;
    const turn = c.turn++;
    if (c.turn >= c.turns) this.open.splice(index, 1);
    return { id: c.id, turn };
  }
}

export const CONVERSATION_BAGGAGE_KEY = 'gen_ai.conversation.id';

/** Runs `fn` with the conversation id in baggage. */
function inConversation<T>(id: string, fn: () => Promise<T>): Promise<T> {
  const baggage = propagation.getBaggage(context.active()) ?? propagation.createBaggage();
  return context.with(propagation.setBaggage(context.active(), baggage.setEntry(CONVERSATION_BAGGAGE_KEY, { value: id })), fn);
}

/** Above Gemini 2.5 Pro's 200k-token long-context threshold at about four characters per token. */
const LONG_DOCUMENT_CHARS = 880_000;

export function features(emulatorUrl: string): readonly Feature[] {
  const base = emulatorUrl.replace(/\/+$/, '');
  // Keys are placeholders: the emulator accepts any key, and the instrumentation never records them.
  const openai = new OpenAI({ apiKey: 'sk-demo-not-a-real-key', baseURL: `${base}/openai/v1`, maxRetries: 1 });
  const anthropic = new Anthropic({ apiKey: 'sk-ant-demo-not-a-real-key', baseURL: `${base}/anthropic`, maxRetries: 1 });
  const http: AxiosInstance = axios.create({ baseURL: base, timeout: 30_000 });
  const chats = new Conversations('support', 8);
  const assistantSessions = new Conversations('assistant', 4);
  const json = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
    return res;
  };

  return [
    {
      name: 'support-chat',
      rate: () => 3,
      async call(mix, random) {
        const model = random.next() < mix.unknownModel ? 'gpt-6-preview' : 'gpt-4o-mini';
        const { id, turn } = chats.take(random);
        const messages = [
          { role: 'system' as const, content: filler(1500, random) },
          // The history grows with every turn: later turns cost more.
          ...(turn === 0 ? [] : [{ role: 'assistant' as const, content: filler(turn * between(random, 300, 900), random) }]),
          { role: 'user' as const, content: filler(between(random, 40, 400), random) },
        ];
        await inConversation(id, async () => {
          if (random.next() < 0.5) {
            const stream = await openai.chat.completions.create({
              model,
              messages,
              max_completion_tokens: 600,
              stream: true,
              stream_options: { include_usage: true },
            });
            for await (const chunk of stream) void chunk;
          } else {
            await openai.chat.completions.create({ model, messages, max_completion_tokens: 600 });
          }
        });
      },
    },
    {
      name: 'assistant',
      rate: () => 1,
      async call(_mix, random) {
        const { id, turn } = assistantSessions.take(random);
        const request = {
          model: 'claude-sonnet-4-6',
          max_tokens: 800,
          system: [{ type: 'text' as const, text: filler(8000, random), cache_control: { type: 'ephemeral' as const } }],
          messages: [{ role: 'user' as const, content: filler(between(random, 100, 1500) + turn * 1200, random) }],
        };
        await inConversation(id, async () => {
          if (random.next() < 0.5) {
            const stream = anthropic.messages.stream(request);
            await stream.finalMessage();
          } else {
            await anthropic.messages.create(request);
          }
        });
      },
    },
    {
      name: 'agent',
      rate: (mix) => mix.agentLoopPerSecond,
      async call(_mix, random) {
        // The loop re-sends a growing transcript on every turn: the spike is mostly input tokens.
        await anthropic.messages.create({
          model: 'claude-opus-4-6',
          max_tokens: 4000,
          messages: [{ role: 'user', content: filler(between(random, 120_000, 260_000), random) }],
        });
      },
    },
    {
      name: 'summaries',
      rate: () => 1,
      async call(_mix, random) {
        const body = {
          contents: [{ role: 'user', parts: [{ text: filler(between(random, 500, 4000), random) }] }],
          generationConfig: { maxOutputTokens: 512 },
        };
        if (random.next() < 0.3) {
          const res = await json('/google/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse', body, {
            'x-goog-api-key': 'demo-key',
          });
          await res.arrayBuffer();
        } else {
          await (await json('/google/v1beta/models/gemini-2.5-flash:generateContent', body, { 'x-goog-api-key': 'demo-key' })).json();
        }
      },
    },
    {
      name: 'document-analysis',
      rate: () => 0.5,
      async call(mix, random) {
        const chars =
          random.next() < mix.longContext ? LONG_DOCUMENT_CHARS + between(random, 0, 200_000) : between(random, 20_000, 120_000);
        const body = {
          contents: [{ role: 'user', parts: [{ text: filler(chars, random) }] }],
          generationConfig: { maxOutputTokens: 2048 },
        };
        await (await json('/google/v1beta/models/gemini-2.5-pro:generateContent', body, { 'x-goog-api-key': 'demo-key' })).json();
      },
    },
    {
      name: 'semantic-search',
      rate: () => 2,
      async call(_mix, random) {
        await openai.embeddings.create({ model: 'text-embedding-3-small', input: [filler(between(random, 200, 2000), random)] });
      },
    },
    {
      name: 'image-generation',
      rate: () => 0.4,
      async call(mix, random) {
        const quality = random.next() < mix.highQuality ? 'high' : random.next() < 0.5 ? 'low' : 'medium';
        const size = random.next() < 0.7 ? '1024x1024' : '1536x1024';
        await openai.images.generate({ model: 'gpt-image-1', prompt: filler(200, random), quality, size, n: 1 });
      },
    },
    {
      name: 'translation',
      rate: () => 1.3,
      async call(_mix, random) {
        const texts = Array.from({ length: between(random, 1, 4) }, () => filler(between(random, 50, 600), random));
        if (random.next() < 0.75) {
          await http.post(
            '/google-cloud-translate/language/translate/v2',
            { q: texts, target: 'de', format: 'text' },
            { headers: { 'x-goog-api-key': 'demo-key' } },
          );
        } else {
          await http.post(
            '/deepl/v2/translate',
            { text: texts, target_lang: 'DE' },
            { headers: { authorization: 'DeepL-Auth-Key demo-key' } },
          );
        }
      },
    },
    {
      name: 'sentiment',
      rate: () => 2,
      async call(_mix, random) {
        await http.post(
          '/aws-comprehend/',
          { Text: filler(between(random, 80, 900), random), LanguageCode: 'en' },
          { headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Comprehend_20171127.DetectSentiment' } },
        );
      },
    },
    {
      name: 'image-moderation',
      rate: () => 0.5,
      async call(_mix, random) {
        const images = Array.from({ length: between(random, 1, 3) }, (_, i) => ({
          image: { source: { imageUri: `gs://demo-uploads/upload-${i}.jpg` } },
          features: [{ type: 'LABEL_DETECTION' }, { type: 'SAFE_SEARCH_DETECTION' }],
        }));
        await (await json('/google-cloud-vision/v1/images:annotate', { requests: images }, { 'x-goog-api-key': 'demo-key' })).json();
      },
    },
    {
      name: 'web-search',
      rate: () => 2,
      async call(mix, random) {
        const depth = random.next() < mix.advancedSearch ? 'advanced' : 'basic';
        await (
          await json(
            '/tavily/search',
            { query: filler(60, random), search_depth: depth, max_results: 5 },
            { authorization: 'Bearer tvly-demo-key' },
          )
        ).json();
      },
    },
  ];
}
