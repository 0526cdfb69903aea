import { strict as assert } from 'node:assert';
import { chatUsage, responsesUsage } from '../../src/providers/openai-api.js';
import { openAiAdapter } from '../../src/providers/openai.js';
import { loadFixture, priceWithDefaultCatalog, replay, requestHead, usageFacts } from '../support/fixtures.js';

const BASE = 'https://api.openai.com/v1';
const run = (name: string, options?: { events?: number }) => replay(openAiAdapter, loadFixture('openai', name), BASE, options);

describe('OpenAI adapter', function () {
  describe('chat completions', function () {
    it('bills cached prompt tokens apart from input tokens; semconv input keeps them', function () {
      const { route, reader, facts } = run('chat-cached');
      assert.equal(route.operation, 'chat');
      assert.equal(reader.requestModel, 'gpt-4o-mini');
      assert.equal(facts.responseModel, 'gpt-4o-mini-2024-07-18');
      assert.deepEqual(facts.items, [
        {
          operation: 'chat',
          model: 'gpt-4o-mini-2024-07-18',
          fallbackModel: 'gpt-4o-mini',
          usage: { input_tokens: 86, cached_input_tokens: 1920, audio_input_tokens: 0, output_tokens: 300, audio_output_tokens: 0 },
          dimensions: { service_tier: 'default' },
        },
      ]);
      assert.deepEqual(facts.semconv, { inputTokens: 2006, outputTokens: 300, cacheReadInputTokens: 1920, reasoningOutputTokens: 0 });
      assert.equal(facts.noUsage, undefined);
      // 86 × 0.15/1M + 1920 × 0.075/1M + 300 × 0.60/1M
      assert.deepEqual(priceWithDefaultCatalog('openai', facts.items[0]!), {
        plan: 'openai/gpt-4o-mini',
        tier: 'standard',
        cost: '0.0003369',
      });
    });

    it('bills audio tokens apart from text tokens, on both sides', function () {
      const { facts } = run('chat-audio');
      assert.equal(facts.responseModel, 'gpt-4o-audio-preview-2024-12-17');
      assert.deepEqual(facts.items[0]!.usage, {
        input_tokens: 17,
        cached_input_tokens: 0,
        audio_input_tokens: 50,
        output_tokens: 53,
        audio_output_tokens: 210,
      });
      assert.deepEqual(facts.semconv, { inputTokens: 67, outputTokens: 263, cacheReadInputTokens: 0, reasoningOutputTokens: 0 });
    });

    it('reads usage from the last chunk of a stream with include_usage', function () {
      const { reader, facts } = run('chat-stream-usage');
      assert.equal(reader.requestModel, 'gpt-4o-mini');
      assert.equal(facts.responseModel, 'gpt-4o-mini-2024-07-18');
      assert.deepEqual(facts.items, [
        {
          operation: 'chat',
          model: 'gpt-4o-mini-2024-07-18',
          fallbackModel: 'gpt-4o-mini',
          usage: { input_tokens: 19, cached_input_tokens: 0, audio_input_tokens: 0, output_tokens: 10, audio_output_tokens: 0 },
          dimensions: { service_tier: 'default' },
        },
      ]);
      assert.deepEqual(facts.semconv, { inputTokens: 19, outputTokens: 10, cacheReadInputTokens: 0, reasoningOutputTokens: 0 });
      assert.equal(priceWithDefaultCatalog('openai', facts.items[0]!).cost, '0.00000885');
    });

    it('reads the same usage from a Python server\'s stream ("usage": { spaced by json.dumps)', function () {
      const compact = run('chat-stream-usage').facts;
      const { facts } = run('chat-stream-python');
      assert.deepEqual(facts, compact);
      assert.equal(priceWithDefaultCatalog('openai', facts.items[0]!).cost, '0.00000885');
    });

    it('says noUsage for a stream without include_usage, keeping the response model', function () {
      const { facts } = run('chat-stream-no-usage');
      assert.deepEqual(usageFacts(facts), { responseModel: 'gpt-4o-mini-2024-07-18', items: [], noUsage: true });
    });

    it('says noUsage for a 429 error body', function () {
      const { facts } = run('chat-rate-limit');
      assert.deepEqual(usageFacts(facts), { responseModel: undefined, items: [], noUsage: true });
    });

    it('ignores hostile usage numbers and cleans the model name', function () {
      const head = requestHead('/chat/completions');
      const reader = openAiAdapter.route(head)!.begin(new Map([['model', ['gpt-4o-mini']]]), head);
      const facts = reader.finish({
        status: 200,
        aborted: false,
        response: new Map<string, unknown[]>([
          ['model', ['gpt-4o-mini\n-2024-07-18\u0000']],
          ['usage', [{ prompt_tokens: 1e300, completion_tokens: -5, prompt_tokens_details: { cached_tokens: 'many' } }]],
        ]),
      });
      assert.equal(facts.responseModel, 'gpt-4o-mini-2024-07-18');
      assert.deepEqual(facts.items, []);
      assert.equal(facts.noUsage, true);
    });
  });

  describe('responses API', function () {
    it('prices a web_search_call output item as its own web_search item', function () {
      const { facts } = run('responses-web-search');
      assert.equal(facts.responseModel, 'gpt-4.1-mini-2025-04-14');
      assert.deepEqual(facts.items, [
        {
          operation: 'chat',
          model: 'gpt-4.1-mini-2025-04-14',
          fallbackModel: 'gpt-4.1-mini',
          usage: { input_tokens: 9463, cached_input_tokens: 0, output_tokens: 312 },
          dimensions: { service_tier: 'default' },
        },
        { operation: 'web_search', model: 'gpt-4.1-mini-2025-04-14', usage: { web_search_requests: 1 } },
      ]);
      assert.deepEqual(facts.semconv, { inputTokens: 9463, outputTokens: 312, cacheReadInputTokens: 0, reasoningOutputTokens: 0 });
      // 9463 × 0.40/1M + 312 × 1.60/1M
      assert.equal(priceWithDefaultCatalog('openai', facts.items[0]!).cost, '0.0042844');
      assert.deepEqual(priceWithDefaultCatalog('openai', facts.items[1]!), { plan: 'openai/web-search', tier: 'standard', cost: '0.01' });
    });

    it('reads a stream from response.completed, cached tokens apart', function () {
      const { facts } = run('responses-stream');
      assert.equal(facts.responseModel, 'gpt-4.1-nano-2025-04-14');
      assert.deepEqual(facts.items, [
        {
          operation: 'chat',
          model: 'gpt-4.1-nano-2025-04-14',
          fallbackModel: 'gpt-4.1-nano',
          usage: { input_tokens: 102, cached_input_tokens: 2048, output_tokens: 11 },
          dimensions: { service_tier: 'default' },
        },
      ]);
      assert.deepEqual(facts.semconv, { inputTokens: 2150, outputTokens: 11, cacheReadInputTokens: 2048, reasoningOutputTokens: 0 });
      // 102 × 0.10/1M + 2048 × 0.025/1M + 11 × 0.40/1M
      assert.equal(priceWithDefaultCatalog('openai', facts.items[0]!).cost, '0.0000658');
    });

    it('says noUsage when the stream stops before response.completed', function () {
      const { facts } = run('responses-stream', { events: 5 });
      assert.equal(facts.noUsage, true);
      assert.deepEqual(facts.items, []);
    });
  });

  describe('reasoning tokens', function () {
    it('come from completion_tokens_details and output_tokens_details, are part of the output, absent when not reported', function () {
      const chat = chatUsage({ prompt_tokens: 30, completion_tokens: 500, completion_tokens_details: { reasoning_tokens: 448 } });
      assert.deepEqual(chat?.usage, { input_tokens: 30, output_tokens: 500 });
      assert.deepEqual(chat?.semconv, { inputTokens: 30, outputTokens: 500, cacheReadInputTokens: undefined, reasoningOutputTokens: 448 });
      const responses = responsesUsage({ input_tokens: 30, output_tokens: 500, output_tokens_details: { reasoning_tokens: 384 } });
      assert.equal(responses?.semconv.reasoningOutputTokens, 384);
      assert.deepEqual(responses?.usage, { input_tokens: 30, output_tokens: 500 });
      assert.equal('reasoningOutputTokens' in chatUsage({ prompt_tokens: 1, completion_tokens: 2 })!.semconv, false);
    });

    it('a count that is not believable is left out without voiding the usage', function () {
      const chat = chatUsage({ prompt_tokens: 30, completion_tokens: 500, completion_tokens_details: { reasoning_tokens: -1 } });
      assert.deepEqual(chat?.usage, { input_tokens: 30, output_tokens: 500 });
      assert.equal(chat?.semconv.reasoningOutputTokens, undefined);
    });
  });

  it('embeddings: prompt tokens as input tokens', function () {
    const { route, facts } = run('embeddings');
    assert.equal(route.operation, 'embeddings');
    assert.deepEqual(facts.items, [
      { operation: 'embeddings', model: 'text-embedding-3-small', fallbackModel: 'text-embedding-3-small', usage: { input_tokens: 8 } },
    ]);
    assert.deepEqual(facts.semconv, { inputTokens: 8 });
    assert.equal(priceWithDefaultCatalog('openai', facts.items[0]!).cost, '0.00000016');
  });

  describe('images', function () {
    it('dall-e-3: one hd 1024x1792 image, tier from the request', function () {
      const { route, facts } = run('images-dall-e-3');
      assert.equal(route.operation, 'image_generation');
      assert.deepEqual(facts.items, [
        { operation: 'image_generation', model: 'dall-e-3', usage: { images: 1 }, dimensions: { quality: 'hd', size: '1024x1792' } },
      ]);
      assert.deepEqual(facts.extraUsage, { images: 1 });
      assert.deepEqual(priceWithDefaultCatalog('openai', facts.items[0]!), { plan: 'openai/dall-e-3', tier: 'hd-wide', cost: '0.12' });
    });

    it('gpt-image-1: images plus token usage, tier from the response', function () {
      const { facts } = run('images-gpt-image-1');
      assert.deepEqual(facts.items, [
        {
          operation: 'image_generation',
          model: 'gpt-image-1',
          usage: { images: 1, input_tokens: 14, output_tokens: 272 },
          dimensions: { quality: 'low', size: '1024x1024' },
        },
      ]);
      assert.deepEqual(facts.semconv, { inputTokens: 14, outputTokens: 272, cacheReadInputTokens: undefined });
      assert.deepEqual(priceWithDefaultCatalog('openai', facts.items[0]!), {
        plan: 'openai/gpt-image-1',
        tier: 'low-square',
        cost: '0.011',
      });
    });
  });

  it('transcription: billed seconds from usage', function () {
    const { route, facts } = run('transcription');
    assert.equal(route.operation, 'audio_transcription');
    assert.deepEqual(facts.items, [{ operation: 'audio_transcription', model: 'whisper-1', usage: { seconds: 9 } }]);
    assert.deepEqual(facts.extraUsage, { seconds: 9 });
    // 9 s × 0.006 / 60 s
    assert.equal(priceWithDefaultCatalog('openai', facts.items[0]!).cost, '0.0009');
  });

  it('speech: input characters counted in code points, not UTF-16 units', function () {
    const fixture = loadFixture('openai', 'speech');
    const input = (fixture.request.body as { input: string }).input;
    assert.equal(input.length, 14, 'the emoji is two UTF-16 units');
    const { route, facts } = run('speech');
    assert.equal(route.operation, 'audio_speech');
    assert.deepEqual(facts.items, [{ operation: 'audio_speech', model: 'tts-1', usage: { characters: 13 } }]);
    assert.deepEqual(facts.extraUsage, { characters: 13 });
  });

  it('leaves other calls alone', function () {
    assert.equal(openAiAdapter.route(requestHead('/models', { method: 'GET' })), undefined);
    assert.equal(openAiAdapter.route(requestHead('/chat/completions', { method: 'GET' })), undefined);
    assert.equal(openAiAdapter.route(requestHead('/files')), undefined);
  });
});
