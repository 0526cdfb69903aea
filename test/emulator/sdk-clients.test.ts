import { strict as assert } from 'node:assert';
import Anthropic from '@anthropic-ai/sdk';
import Big from 'big.js';
import OpenAI from 'openai';
import { single } from '../support/spans.js';
import { instrumentedEmulator, lastEntry, type InstrumentedEmulator } from './support.js';

/** A prompt of exactly `chars` characters of plain words. */
function words(chars: number, word = 'lorem'): string {
  return `${`${word} `.repeat(Math.ceil(chars / (word.length + 1)))}`.slice(0, chars);
}

describe('the emulator answering the official openai client, priced by ai-pricetag', function () {
  let setup: InstrumentedEmulator;
  let client: OpenAI;

  before(async function () {
    setup = await instrumentedEmulator({ seed: 42 });
    client = new OpenAI({ apiKey: 'sk-emulator-test-key', baseURL: setup.emulator.baseUrls.openai, maxRetries: 0 });
  });
  after(async function () {
    await setup.stop();
  });
  beforeEach(function () {
    setup.h.reset();
  });

  it('answers a chat completion whose usage the span prices exactly', async function () {
    const prompt = words(400);
    const completion = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: prompt }],
      max_tokens: 500,
    });
    assert.equal(completion.object, 'chat.completion');
    assert.equal(completion.model, 'gpt-4o-mini-2024-07-18');
    const usage = completion.usage!;
    // ceil(chars / 4) plus 3 tokens of framing per message and 3 for the reply.
    assert.equal(usage.prompt_tokens, 100 + 6);
    assert.ok(usage.completion_tokens >= 1 && usage.completion_tokens <= 500);
    assert.equal(usage.total_tokens, usage.prompt_tokens + usage.completion_tokens);
    assert.equal(usage.prompt_tokens_details?.cached_tokens, 0);
    const text = completion.choices[0]!.message.content!;
    assert.ok(text.length > 0 && !text.includes('lorem'), 'the answer is filler, never the prompt');

    const span = single(await setup.h.aiSpans());
    assert.equal(span.attributes['ai.pricing.plan'], 'openai/gpt-4o-mini');
    assert.equal(span.attributes['ai.pricing.tier'], 'standard');
    assert.equal(span.attributes['gen_ai.usage.input_tokens'], usage.prompt_tokens);
    assert.equal(span.attributes['gen_ai.usage.output_tokens'], usage.completion_tokens);
    const expected = new Big(usage.prompt_tokens).times('0.15').plus(new Big(usage.completion_tokens).times('0.60')).div(1e6);
    assert.equal(setup.h.records[0]?.cost?.amount.toFixed(), expected.toFixed());

    const entry = lastEntry(setup.emulator);
    assert.deepEqual(
      {
        provider: entry.provider,
        operation: entry.operation,
        model: entry.model,
        status: entry.status,
        stream: entry.stream,
        path: entry.path,
      },
      {
        provider: 'openai',
        operation: 'chat.completions',
        model: 'gpt-4o-mini',
        status: 200,
        stream: false,
        path: '/openai/v1/chat/completions',
      },
    );
  });

  it('grows input tokens with the prompt and keeps output within max_tokens', async function () {
    const short = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: words(200) }],
      max_tokens: 5,
    });
    const long = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: words(4000) }],
      max_tokens: 5,
    });
    assert.equal(long.usage!.prompt_tokens - short.usage!.prompt_tokens, (4000 - 200) / 4);
    for (const c of [short, long]) {
      assert.ok(c.usage!.completion_tokens <= 5);
      // The default output median is far above 5 tokens, so the cap cut it short.
      assert.equal(c.choices[0]!.finish_reason, 'length');
    }
  });

  it('serves a repeated prompt of 1,024 tokens or more partly from the prompt cache, in 128-token steps', async function () {
    const system = words(8000, 'policy');
    const ask = () =>
      client.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [
          { role: 'system', content: system },
          { role: 'user', content: 'Next question?' },
        ],
      });
    const first = await ask();
    setup.h.reset();
    const second = await ask();
    assert.equal(first.usage!.prompt_tokens_details?.cached_tokens, 0);
    const cached = second.usage!.prompt_tokens_details!.cached_tokens!;
    assert.ok(cached >= 1024 && cached % 128 === 0 && cached <= second.usage!.prompt_tokens, `cached ${cached}`);
    const span = single(await setup.h.aiSpans());
    assert.equal(span.attributes['gen_ai.usage.cache_read.input_tokens'], cached);
    assert.deepEqual(setup.h.records[0]?.main?.item.usage, {
      input_tokens: second.usage!.prompt_tokens - cached,
      cached_input_tokens: cached,
      audio_input_tokens: 0,
      output_tokens: second.usage!.completion_tokens,
      audio_output_tokens: 0,
    });
  });

  it('streams a chat completion with a final usage chunk when include_usage is set', async function () {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: words(120) }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined;
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    assert.ok(chunks > 3 && text.length > 0);
    assert.ok(usage !== undefined, 'a usage chunk');
    assert.equal(usage.prompt_tokens, 30 + 6);
    assert.equal(usage.prompt_tokens_details?.cached_tokens, 0);
    const span = single(await setup.h.aiSpans());
    assert.equal(span.attributes['ai.pricing.plan'], 'openai/gpt-4o-mini');
    assert.equal(span.attributes['gen_ai.usage.output_tokens'], usage.completion_tokens);
    assert.equal(span.attributes['ai.call.aborted'], undefined);
    assert.equal(lastEntry(setup.emulator).stream, true);
  });

  it('answers the Responses API as JSON and as a stream ending in response.completed', async function () {
    const response = await client.responses.create({
      model: 'gpt-4.1-nano',
      instructions: words(40),
      input: words(400),
      max_output_tokens: 300,
    });
    assert.equal(response.object, 'response');
    assert.equal(response.usage!.input_tokens, 7 + 10 + 100);
    assert.ok(response.usage!.output_tokens <= 300);
    assert.ok(response.output_text.length > 0);
    let span = single(await setup.h.aiSpans());
    assert.equal(span.attributes['ai.pricing.plan'], 'openai/gpt-4.1-nano');
    assert.equal(span.attributes['gen_ai.usage.input_tokens'], response.usage!.input_tokens);

    setup.h.reset();
    const stream = await client.responses.create({ model: 'gpt-4.1-nano', input: words(80), stream: true });
    const types: string[] = [];
    let completed: OpenAI.Responses.Response | undefined;
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'response.completed') completed = event.response;
    }
    assert.equal(types[0], 'response.created');
    assert.ok(types.includes('response.output_text.delta'));
    assert.equal(types.at(-1), 'response.completed');
    span = single(await setup.h.aiSpans());
    assert.equal(span.attributes['gen_ai.usage.output_tokens'], completed!.usage!.output_tokens);
  });

  it('answers embeddings in base64 (the client default) and as floats', async function () {
    const decoded = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['first text', words(400)] });
    assert.equal(decoded.data.length, 2);
    assert.equal(decoded.data[0]!.embedding.length, 1536);
    assert.ok(decoded.data[0]!.embedding.every((x) => typeof x === 'number' && Number.isFinite(x)));
    assert.equal(decoded.usage.prompt_tokens, 3 + 100);
    let span = single(await setup.h.aiSpans());
    assert.equal(span.attributes['ai.pricing.plan'], 'openai/text-embedding-3-small');
    assert.equal(span.attributes['gen_ai.usage.input_tokens'], 103);

    setup.h.reset();
    const floats = await client.embeddings.create({
      model: 'text-embedding-3-large',
      input: 'abc',
      dimensions: 8,
      encoding_format: 'float',
    });
    assert.equal(floats.data[0]!.embedding.length, 8);
    span = single(await setup.h.aiSpans());
    assert.equal(span.attributes['ai.pricing.plan'], 'openai/text-embedding-3-large');
  });

  it('generates images whose tier follows quality and size', async function () {
    const high = await client.images.generate({ model: 'gpt-image-1', prompt: 'a paper plane', quality: 'high', size: '1024x1024' });
    assert.equal(high.data!.length, 1);
    assert.ok(high.data![0]!.b64_json!.length > 0);
    assert.equal(high.usage!.output_tokens, 4160);
    let span = single(await setup.h.aiSpans());
    assert.deepEqual(
      [span.attributes['ai.pricing.plan'], span.attributes['ai.pricing.tier'], span.attributes['ai.cost.amount']],
      ['openai/gpt-image-1', 'high-square', 0.167],
    );

    setup.h.reset();
    const low = await client.images.generate({ model: 'gpt-image-1', prompt: 'a paper plane', quality: 'low', size: '1536x1024', n: 2 });
    assert.equal(low.data!.length, 2);
    span = single(await setup.h.aiSpans());
    assert.deepEqual([span.attributes['ai.pricing.tier'], span.attributes['ai.cost.amount']], ['low-rect', 0.032]);

    setup.h.reset();
    const dalle = await client.images.generate({ model: 'dall-e-3', prompt: 'a lighthouse', quality: 'hd', size: '1792x1024' });
    span = single(await setup.h.aiSpans());
    assert.deepEqual(
      [span.attributes['ai.pricing.plan'], span.attributes['ai.pricing.tier'], span.attributes['ai.cost.amount']],
      ['openai/dall-e-3', 'hd-wide', 0.12],
    );
    const image = await fetch(dalle.data![0]!.url!);
    assert.equal(image.status, 200);
    assert.equal(image.headers.get('content-type'), 'image/png');
  });

  it('answers a forced 429 with OpenAI’s rate-limit body and Retry-After', async function () {
    await assert.rejects(
      client.chat.completions.create(
        { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] },
        { headers: { 'x-emulator-fault': '429' } },
      ),
      (error: unknown) => {
        assert.ok(error instanceof OpenAI.RateLimitError);
        assert.match(error.message, /^429 Rate limit reached for gpt-4o-mini in organization org-emulator/);
        assert.equal((error.error as { code?: string }).code, 'rate_limit_exceeded');
        assert.equal(error.headers?.get('retry-after'), '1');
        return true;
      },
    );
    const span = single(await setup.h.aiSpans());
    assert.equal(span.attributes['error.type'], '429');
    assert.deepEqual([lastEntry(setup.emulator).status, lastEntry(setup.emulator).fault], [429, '429']);
  });

  it('answers a forced 500 with OpenAI’s server-error body', async function () {
    await assert.rejects(
      client.embeddings.create({ model: 'text-embedding-3-small', input: 'x' }, { headers: { 'x-emulator-fault': '500' } }),
      (error: unknown) => {
        assert.ok(error instanceof OpenAI.InternalServerError);
        assert.equal(error.status, 500);
        assert.equal((error.error as { type?: string }).type, 'server_error');
        return true;
      },
    );
  });

  it('drops the connection before a response: the client reports a connection error', async function () {
    await assert.rejects(
      client.chat.completions.create(
        { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] },
        { headers: { 'x-emulator-fault': 'drop' } },
      ),
      (error: unknown) => {
        assert.ok(error instanceof OpenAI.APIConnectionError, String(error));
        return true;
      },
    );
    assert.deepEqual([lastEntry(setup.emulator).status, lastEntry(setup.emulator).fault], [0, 'drop']);
  });

  it('cuts a stream halfway: iterating it fails and the call is recorded as aborted', async function () {
    const stream = await client.chat.completions.create(
      { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true } },
      { headers: { 'x-emulator-fault': 'drop-mid-stream' } },
    );
    let chunks = 0;
    await assert.rejects(async () => {
      for await (const _ of stream) chunks++;
    });
    assert.ok(chunks >= 1, 'some chunks arrived before the cut');
    const span = single(await setup.h.aiSpans());
    assert.equal(span.attributes['ai.call.aborted'], true);
    assert.deepEqual([lastEntry(setup.emulator).status, lastEntry(setup.emulator).fault], [200, 'drop-mid-stream']);
  });
});

describe('the emulator answering the official @anthropic-ai/sdk client, priced by ai-pricetag', function () {
  let setup: InstrumentedEmulator;
  let client: Anthropic;

  before(async function () {
    setup = await instrumentedEmulator({ seed: 7 });
    client = new Anthropic({ apiKey: 'sk-ant-emulator-test-key', baseURL: setup.emulator.baseUrls.anthropic, maxRetries: 0 });
  });
  after(async function () {
    await setup.stop();
  });
  beforeEach(function () {
    setup.h.reset();
  });

  it('answers a message within max_tokens, priced on the Sonnet 4.6 plan', async function () {
    const message = await client.messages.create({
      model: 'claude-sonnet-4-6',
      max_tokens: 64,
      messages: [{ role: 'user', content: words(800) }],
    });
    assert.equal(message.type, 'message');
    assert.equal(message.model, 'claude-sonnet-4-6');
    assert.equal(message.usage.input_tokens, 200 + 3);
    assert.ok(message.usage.output_tokens <= 64);
    assert.equal(message.stop_reason, message.usage.output_tokens === 64 ? 'max_tokens' : 'end_turn');
    assert.deepEqual([message.usage.cache_read_input_tokens, message.usage.cache_creation_input_tokens], [0, 0]);
    const span = single(await setup.h.aiSpans());
    assert.deepEqual([span.attributes['ai.pricing.plan'], span.attributes['ai.pricing.tier']], ['anthropic/claude-sonnet-4-6', 'standard']);
    assert.equal(span.attributes['gen_ai.usage.output_tokens'], message.usage.output_tokens);
  });

  it('writes a cache_control prefix to the cache, then reads it', async function () {
    const system: Anthropic.TextBlockParam[] = [{ type: 'text', text: words(6000, 'guide'), cache_control: { type: 'ephemeral' } }];
    const ask = (content: string) =>
      client.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 256, system, messages: [{ role: 'user', content }] });
    const first = await ask('First question?');
    const second = await ask('A different second question?');
    assert.deepEqual([first.usage.cache_creation_input_tokens, first.usage.cache_read_input_tokens], [1500, 0]);
    assert.deepEqual([second.usage.cache_creation_input_tokens, second.usage.cache_read_input_tokens], [0, 1500]);
    assert.equal(first.usage.cache_creation?.ephemeral_5m_input_tokens, 1500);
    // Only what follows the cached prefix is plain input.
    assert.equal(second.usage.input_tokens, Math.ceil((6000 + 'A different second question?'.length) / 4) + 3 + 3 - 1500);
    const [, read] = await setup.h.aiSpans();
    assert.equal(read?.attributes['gen_ai.usage.cache_read.input_tokens'], 1500);
    assert.deepEqual(setup.h.records[1]?.main?.item.usage, {
      input_tokens: second.usage.input_tokens,
      cached_input_tokens: 1500,
      cache_write_tokens: 0,
      output_tokens: second.usage.output_tokens,
    });
    assert.equal(setup.h.records[0]?.main?.item.usage.cache_write_tokens, 1500);
  });

  it('streams message_start, text deltas, message_delta and message_stop', async function () {
    const stream = client.messages.stream({
      model: 'claude-haiku-4-5',
      max_tokens: 200,
      messages: [{ role: 'user', content: words(100) }],
    });
    const events: string[] = [];
    stream.on('streamEvent', (event) => events.push(event.type));
    const final = await stream.finalMessage();
    assert.deepEqual([events[0], events.at(-2), events.at(-1)], ['message_start', 'message_delta', 'message_stop']);
    assert.ok(events.includes('content_block_delta'));
    assert.equal(final.usage.input_tokens, 25 + 3);
    assert.ok(final.usage.output_tokens <= 200);
    const span = single(await setup.h.aiSpans());
    assert.equal(span.attributes['ai.pricing.plan'], 'anthropic/claude-haiku-4-5');
    assert.equal(span.attributes['gen_ai.usage.output_tokens'], final.usage.output_tokens);
    assert.equal(span.attributes['ai.call.aborted'], undefined);
  });

  it('answers forced faults with Anthropic’s error bodies: 429 rate_limit_error, 529 overloaded_error', async function () {
    const body = { model: 'claude-sonnet-4-6', max_tokens: 10, messages: [{ role: 'user' as const, content: 'hi' }] };
    await assert.rejects(client.messages.create(body, { headers: { 'x-emulator-fault': '429' } }), (error: unknown) => {
      assert.ok(error instanceof Anthropic.RateLimitError);
      assert.equal((error.error as { error: { type: string } }).error.type, 'rate_limit_error');
      assert.equal(error.headers?.get('retry-after'), '1');
      return true;
    });
    await assert.rejects(client.messages.create(body, { headers: { 'x-emulator-fault': '529' } }), (error: unknown) => {
      assert.ok(error instanceof Anthropic.APIError);
      assert.equal(error.status, 529);
      assert.deepEqual((error.error as { error: unknown }).error, { type: 'overloaded_error', message: 'Overloaded' });
      return true;
    });
  });

  it('cuts a stream halfway: the stream fails', async function () {
    const stream = client.messages.stream(
      { model: 'claude-sonnet-4-6', max_tokens: 300, messages: [{ role: 'user', content: 'hi' }] },
      { headers: { 'x-emulator-fault': 'drop-mid-stream' } },
    );
    await assert.rejects(stream.finalMessage());
    const span = single(await setup.h.aiSpans());
    assert.equal(span.attributes['ai.call.aborted'], true);
  });
});
