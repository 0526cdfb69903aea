// Adapters that let capture skip stream events (CallReader.skipEventsWithout) record the same facts
// as when they read every event: on the recorded streams cut anywhere, on random sequences of
// their events with noise between, and on generated OpenAI chat streams.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { SseReader } from '../../src/capture/sse.js';
import { anthropicAdapter } from '../../src/providers/anthropic.js';
import { azureOpenAiAdapter } from '../../src/providers/azure-openai.js';
import { cohereAdapter } from '../../src/providers/cohere.js';
import { extractFields } from '../../src/providers/fields.js';
import { geminiAdapter } from '../../src/providers/gemini.js';
import { mistralAdapter } from '../../src/providers/mistral.js';
import { openAiAdapter } from '../../src/providers/openai.js';
import { perplexityAdapter } from '../../src/providers/perplexity.js';
import type { CallFacts, ProviderAdapter } from '../../src/providers/types.js';
import { vercelAiGatewayAdapter } from '../../src/providers/vercel-ai-gateway.js';
import { writeInPieces } from '../support/chunks.js';
import { headOf, loadFixture, replay, type Fixture } from '../support/fixtures.js';
import { sseEvents } from '../support/sse-events.js';

const RUNS = process.env.FUZZ_SECONDS === undefined ? 200 : 2000;

interface Case {
  readonly provider: string;
  readonly name: string;
  readonly adapter: ProviderAdapter;
  readonly base: string;
  /** The adapter says what it needs of this stream, so some events go unread. */
  readonly skips: boolean;
  /** Events of the API the recording lacks, for the random sequences. */
  readonly extra?: readonly string[];
}

/** A Responses API final event of the given type, with usage. */
const responsesFinal = (type: string, status: string, input: number, output: number) => {
  const response = { model: 'gpt-4o', status, usage: { input_tokens: input, output_tokens: output } };
  return `event: ${type}\ndata: ${JSON.stringify({ type, response })}\n\n`;
};
const RESPONSES_FINAL = [responsesFinal('response.incomplete', 'incomplete', 7, 3), responsesFinal('response.failed', 'failed', 5, 0)];
const GEMINI_PARTS = [
  'data: {"candidates":[{"content":{"parts":[{"text":"x"}]},"finishReason":"STOP"}]}\n\n',
  'data: {"candidates":[{"groundingMetadata":{"webSearchQueries":["a","b","c"]}}]}\n\n',
  'data: {"candidates":[{"content":{"parts":[{"text":"no usage"}]}}],"modelVersion":"gemini-2.5-flash"}\n\n',
];

const CASES: readonly Case[] = [
  { provider: 'openai', name: 'chat-stream-usage', adapter: openAiAdapter, base: 'https://api.openai.com/v1', skips: true },
  { provider: 'openai', name: 'chat-stream-no-usage', adapter: openAiAdapter, base: 'https://api.openai.com/v1', skips: true },
  {
    provider: 'openai',
    name: 'responses-stream',
    adapter: openAiAdapter,
    base: 'https://api.openai.com/v1',
    skips: true,
    extra: RESPONSES_FINAL,
  },
  {
    provider: 'azure-openai',
    name: 'chat-stream-deployment',
    adapter: azureOpenAiAdapter,
    base: 'https://contoso-eastus.openai.azure.com',
    skips: true,
  },
  { provider: 'mistral', name: 'chat-stream', adapter: mistralAdapter, base: 'https://api.mistral.ai/v1', skips: true },
  { provider: 'anthropic', name: 'message-stream', adapter: anthropicAdapter, base: 'https://api.anthropic.com', skips: true },
  { provider: 'anthropic', name: 'message-stream-web-search', adapter: anthropicAdapter, base: 'https://api.anthropic.com', skips: true },
  { provider: 'anthropic', name: 'stream-overloaded', adapter: anthropicAdapter, base: 'https://api.anthropic.com', skips: true },
  {
    provider: 'gemini',
    name: 'stream-sse-grounded',
    adapter: geminiAdapter,
    base: 'https://generativelanguage.googleapis.com',
    skips: false,
    extra: GEMINI_PARTS,
  },
  { provider: 'perplexity', name: 'chat-stream', adapter: perplexityAdapter, base: 'https://api.perplexity.ai', skips: false },
  { provider: 'cohere', name: 'chat-stream', adapter: cohereAdapter, base: 'https://api.cohere.com', skips: true },
  {
    provider: 'vercel.ai_gateway',
    name: 'stream',
    adapter: vercelAiGatewayAdapter,
    base: 'https://ai-gateway.vercel.sh',
    skips: true,
  },
];

/** The facts an adapter records of `bytes` read as capture reads them, skipping events when the reader allows it. */
function read(fixture: Fixture, c: Pick<Case, 'adapter' | 'base'>, bytes: Uint8Array, cuts: Iterable<number>, skipping: boolean) {
  const head = headOf(fixture, c.base);
  const route = c.adapter.route(head)!;
  const reader = route.begin(extractFields(fixture.request.body, route.requestFields), head);
  let delivered = 0;
  const skip = skipping && reader.skipEventsWithout !== undefined ? () => reader.skipEventsWithout!() : undefined;
  const sse = new SseReader((event, data) => {
    delivered++;
    reader.onEvent!(event, data);
  }, skip);
  writeInPieces(sse, bytes, cuts);
  sse.end();
  const facts: CallFacts = reader.finish({ status: fixture.response.status, response: new Map(), aborted: false });
  return { facts, delivered };
}

describe('stream event skipping by adapters', function () {
  for (const c of CASES) {
    describe(`${c.provider} ${c.name}`, function () {
      const fixture = loadFixture(c.provider, c.name);
      const bytes = Buffer.from(fixture.response.body as string, 'utf8');
      const plain = read(fixture, c, bytes, [], false);

      it('records what the recorded events say, skipping or not', function () {
        assert.deepEqual(plain.facts, replay(c.adapter, fixture, c.base).facts);
        const skipping = read(fixture, c, bytes, [], true);
        assert.deepEqual(skipping.facts, plain.facts);
        if (c.skips) assert.ok(skipping.delivered < plain.delivered, `${skipping.delivered} of ${plain.delivered} events read`);
        else assert.equal(skipping.delivered, plain.delivered);
      });

      it('records the same facts cut at any byte, or fed a byte at a time', function () {
        for (let cut = 0; cut <= bytes.length; cut++)
          assert.deepEqual(read(fixture, c, bytes, [cut], true).facts, plain.facts, `cut at ${cut}`);
        const every = Array.from({ length: bytes.length }, (_, i) => i);
        assert.deepEqual(read(fixture, c, bytes, every, true).facts, plain.facts);
      });

      it('records the same facts for random sequences of its events with noise between (property)', function () {
        const events = sseEvents(fixture.response.body as string);
        const event = fc.oneof(
          { weight: 6, arbitrary: fc.constantFrom(...events).map((e) => `event: ${e.event}\ndata: ${e.data}\n\n`) },
          {
            weight: 1,
            arbitrary: fc.constantFrom(
              ': keep-alive\n\n',
              'event: ping\ndata: {"type": "ping"}\n\n',
              'data: {"text":"message_delta [DONE] \\"usage\\":{ response.completed"}\n\n',
              ': "usage":{ [DONE] message_stop\n\n',
              'id: 9\nretry: 1000\n\n',
              'event: message_delta\ndata: not json\n\n',
              'data: [DONE]\n\n',
              ...(c.extra ?? []),
            ),
          },
        );
        fc.assert(
          fc.property(fc.array(event, { maxLength: 20 }), fc.boolean(), fc.array(fc.nat(), { maxLength: 20 }), (parts, crlf, rawCuts) => {
            const text = parts.join('');
            const stream = Buffer.from(crlf ? text.replace(/\n/g, '\r\n') : text, 'utf8');
            const cuts = rawCuts.map((k) => k % (stream.length + 1));
            assert.deepEqual(read(fixture, c, stream, cuts, true).facts, read(fixture, c, stream, [], false).facts);
          }),
          { numRuns: RUNS },
        );
      });
    });
  }

  describe('OpenAI chat completions, generated streams', function () {
    const fixture = loadFixture('openai', 'chat-stream-usage');
    const c = { adapter: openAiAdapter, base: 'https://api.openai.com/v1' };

    const usageObject = fc.record({
      prompt_tokens: fc.nat({ max: 5000 }),
      completion_tokens: fc.nat({ max: 5000 }),
      prompt_tokens_details: fc.option(fc.record({ cached_tokens: fc.nat({ max: 100 }) }), { nil: undefined }),
    });
    const content = fc.constantFrom('Hi', ' "usage":{', '[DONE]', 'é🎉', '\n', 'usage');
    const chunk = fc.record({
      model: fc.option(fc.constantFrom('gpt-4o-mini-2024-07-18', 'gpt-4o', ''), { nil: undefined }),
      tier: fc.option(fc.constantFrom('default', 'flex'), { nil: undefined }),
      content: fc.option(content, { nil: undefined }),
      usage: fc.oneof(fc.constant(null), fc.constant(undefined), usageObject),
      // How the JSON is spaced: compact, as OpenAI sends it, as Python's json.dumps does (`"usage": {`), or
      // spaces and tabs on both sides of the colon.
      spacing: fc.constantFrom('', '', '', ': ', ' : ', '\t:\t', ' :', ':\t'),
    });

    it('records the same facts with and without skipping (property)', function () {
      fc.assert(
        fc.property(
          fc.array(chunk, { minLength: 1, maxLength: 12 }),
          fc.constantFrom('data: [DONE]\n\n', 'data:[DONE]\n\n', 'data: [DONE]', ''),
          fc.constantFrom('', ': keep-alive\n\n'),
          fc.boolean(),
          fc.array(fc.nat(), { maxLength: 20 }),
          (chunks, done, comment, crlf, rawCuts) => {
            let text = '';
            for (const k of chunks) {
              const body: Record<string, unknown> = { id: 'chatcmpl-1', object: 'chat.completion.chunk' };
              if (k.model !== undefined) body.model = k.model;
              if (k.tier !== undefined) body.service_tier = k.tier;
              body.choices = k.content === undefined ? [] : [{ index: 0, delta: { content: k.content } }];
              if (k.usage !== undefined) body.usage = k.usage;
              let json = JSON.stringify(body);
              if (k.spacing !== '') json = json.replace('"usage":', `"usage"${k.spacing}`);
              text += `data: ${json}\n\n${comment}`;
            }
            text += done;
            const stream = Buffer.from(crlf ? text.replace(/\n/g, '\r\n') : text, 'utf8');
            const cuts = rawCuts.map((k) => k % (stream.length + 1));
            const plain = read(fixture, c, stream, [], false);
            const skipping = read(fixture, c, stream, cuts, true);
            assert.deepEqual(skipping.facts, plain.facts);
          },
        ),
        { numRuns: RUNS },
      );
    });
  });
});
