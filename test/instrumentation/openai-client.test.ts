import { strict as assert } from 'node:assert';
import OpenAI, { toFile } from 'openai';
import { loadFixture } from '../support/fixtures.js';
import { harness, type Harness } from '../support/harness.js';
import { costOf, pick, single } from '../support/spans.js';

describe('the official openai client, instrumented', function () {
  let h: Harness;
  let client: OpenAI;

  before(async function () {
    h = await harness();
    client = new OpenAI({ apiKey: 'sk-test-marker-key', baseURL: h.baseUrl('openai'), maxRetries: 0 });
  });
  beforeEach(function () {
    h.reset();
  });

  it('prices a chat completion, billing cached prompt tokens once at the cached rate', async function () {
    const fixture = loadFixture('openai', 'chat-cached');
    h.server.serve(fixture);
    const completion = await client.chat.completions.create(fixture.request.body as OpenAI.ChatCompletionCreateParamsNonStreaming);
    assert.deepEqual(completion, fixture.response.body, 'the application gets the same body');
    const span = single(await h.aiSpans());
    assert.equal(span.name, 'chat gpt-4o-mini');
    assert.deepEqual(
      pick(
        span,
        'gen_ai.operation.name',
        'gen_ai.provider.name',
        'gen_ai.request.model',
        'gen_ai.response.model',
        'gen_ai.usage.input_tokens',
        'gen_ai.usage.output_tokens',
        'gen_ai.usage.cache_read.input_tokens',
        'ai.pricing.plan',
        'ai.pricing.model',
        'ai.pricing.tier',
        'ai.cost.currency',
        'ai.cost.source',
      ),
      {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
        'gen_ai.usage.input_tokens': 2006,
        'gen_ai.usage.output_tokens': 300,
        'gen_ai.usage.cache_read.input_tokens': 1920,
        'ai.pricing.plan': 'openai/gpt-4o-mini',
        'ai.pricing.model': 'per_token',
        'ai.pricing.tier': 'standard',
        'ai.cost.currency': 'USD',
        'ai.cost.source': 'catalog',
      },
    );
    // 86 uncached × 0.15 + 1,920 cached × 0.075 + 300 output × 0.60, per million.
    assert.equal(costOf(span), '0.0003369');
    const [record] = h.records;
    assert.equal(record?.cost?.amount.toFixed(), '0.0003369');
    assert.deepEqual(record?.main?.item.usage, {
      input_tokens: 86,
      cached_input_tokens: 1920,
      audio_input_tokens: 0,
      output_tokens: 300,
      audio_output_tokens: 0,
    });
  });

  it('prices a streamed chat completion from its usage chunk', async function () {
    const fixture = loadFixture('openai', 'chat-stream-usage');
    h.server.serve(fixture, { chunkSize: 7 });
    const stream = await client.chat.completions.create(fixture.request.body as OpenAI.ChatCompletionCreateParamsStreaming);
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    assert.ok(text.length > 0);
    const span = single(await h.aiSpans());
    assert.equal(span.attributes['gen_ai.response.model'], 'gpt-4o-mini-2024-07-18');
    assert.equal(costOf(span), '0.00000885');
  });

  it('records a stream without usage as unpriced (no_usage), never as free', async function () {
    const fixture = loadFixture('openai', 'chat-stream-no-usage');
    h.server.serve(fixture);
    const stream = await client.chat.completions.create(fixture.request.body as OpenAI.ChatCompletionCreateParamsStreaming);
    for await (const _ of stream) void _;
    const span = single(await h.aiSpans());
    assert.equal(span.attributes['ai.pricing.unpriced_reason'], 'no_usage');
    assert.equal(span.attributes['ai.cost.amount'], undefined);
  });

  it('prices a streamed Responses API call from response.completed', async function () {
    const fixture = loadFixture('openai', 'responses-stream');
    h.server.serve(fixture, { chunkSize: 13 });
    const stream = await client.responses.create(fixture.request.body as OpenAI.Responses.ResponseCreateParamsStreaming);
    for await (const _ of stream) void _;
    const span = single(await h.aiSpans());
    assert.equal(span.name, 'chat gpt-4.1-nano');
    // 102 uncached × 0.10 + 2,048 cached × 0.025 + 11 output × 0.40, per million.
    assert.equal(costOf(span), '0.0000658');
    assert.equal(span.attributes['gen_ai.usage.input_tokens'], 2150);
  });

  it('reads a gzip-compressed embeddings response the client decodes itself', async function () {
    const fixture = loadFixture('openai', 'embeddings');
    h.server.serve(fixture, { encoding: 'gzip', chunkSize: 5 });
    const result = await client.embeddings.create(fixture.request.body as OpenAI.EmbeddingCreateParams);
    assert.deepEqual(result.data, (fixture.response.body as { data: unknown }).data);
    const span = single(await h.aiSpans());
    assert.equal(span.name, 'embeddings text-embedding-3-small');
    assert.equal(costOf(span), '1.6e-7');
    assert.equal(h.records[0]?.cost?.amount.toFixed(), '0.00000016');
  });

  it('selects the image tier by quality and size', async function () {
    const fixture = loadFixture('openai', 'images-dall-e-3');
    h.server.serve(fixture, { encoding: 'br' });
    await client.images.generate(fixture.request.body as OpenAI.ImageGenerateParams);
    const span = single(await h.aiSpans());
    assert.deepEqual(pick(span, 'ai.pricing.plan', 'ai.pricing.tier', 'ai.pricing.model', 'ai.usage.images', 'ai.cost.amount'), {
      'ai.pricing.plan': 'openai/dall-e-3',
      'ai.pricing.tier': 'hd-wide',
      'ai.pricing.model': 'per_unit',
      'ai.usage.images': 1,
      'ai.cost.amount': 0.12,
    });
  });

  it('reads the model of a multipart transcription upload sent after the file', async function () {
    const fixture = loadFixture('openai', 'transcription');
    h.server.serve(fixture);
    const audio = await toFile(Buffer.alloc(256 * 1024, 7), 'note.wav', { type: 'audio/wav' });
    await client.audio.transcriptions.create({ file: audio, model: 'whisper-1' });
    const span = single(await h.aiSpans());
    assert.equal(span.name, 'audio_transcription whisper-1');
    assert.deepEqual(pick(span, 'ai.pricing.plan', 'ai.usage.seconds', 'ai.cost.amount'), {
      'ai.pricing.plan': 'openai/whisper-1',
      'ai.usage.seconds': 9,
      'ai.cost.amount': 0.0009,
    });
  });

  it('lets a provider error through unchanged and records it as a failed call costing 0', async function () {
    const fixture = loadFixture('openai', 'chat-rate-limit');
    h.server.serve(fixture);
    await assert.rejects(
      client.chat.completions.create(fixture.request.body as OpenAI.ChatCompletionCreateParamsNonStreaming),
      (error: unknown) => {
        assert.ok(error instanceof OpenAI.RateLimitError);
        assert.equal(error.status, 429);
        assert.deepEqual(error.error, (fixture.response.body as { error: unknown }).error);
        return true;
      },
    );
    const span = single(await h.aiSpans());
    assert.deepEqual(pick(span, 'error.type', 'ai.cost.amount', 'ai.pricing.unpriced_reason'), {
      'error.type': '429',
      'ai.cost.amount': 0,
      'ai.pricing.unpriced_reason': undefined,
    });
    assert.equal(span.status.code, 2);
    assert.equal(h.records[0]?.outcome, 'error');
  });

  it('keeps keys, prompts and completions off the span', async function () {
    const fixture = loadFixture('openai', 'chat-cached');
    h.server.serve(fixture);
    await client.chat.completions.create(fixture.request.body as OpenAI.ChatCompletionCreateParamsNonStreaming);
    const span = single(await h.aiSpans());
    const text = JSON.stringify({ name: span.name, attributes: span.attributes, events: span.events });
    assert.ok(!text.includes('sk-test-marker-key'));
    const prompt = JSON.stringify((fixture.request.body as { messages: unknown }).messages);
    for (const word of prompt.match(/[A-Za-z]{6,}/g) ?? []) assert.ok(!text.includes(word), `prompt text "${word}" on the span`);
    const completion = JSON.stringify((fixture.response.body as { choices: unknown }).choices);
    for (const word of completion.match(/[A-Za-z]{7,}/g) ?? []) {
      if (!['message', 'content', 'assistant', 'refusal', 'annotations', 'logprobs', 'finish_reason'].includes(word))
        assert.ok(!text.includes(word), `completion text "${word}" on the span`);
    }
  });
});
