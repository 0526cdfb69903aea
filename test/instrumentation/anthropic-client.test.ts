import { strict as assert } from 'node:assert';
import Anthropic from '@anthropic-ai/sdk';
import { loadFixture } from '../support/fixtures.js';
import { harness, type Harness } from '../support/harness.js';
import { bodyBytes } from '../support/replay-server.js';
import { costOf, pick, single } from '../support/spans.js';

describe('the official @anthropic-ai/sdk client, instrumented', function () {
  let h: Harness;
  let client: Anthropic;

  before(async function () {
    h = await harness();
    client = new Anthropic({ apiKey: 'sk-ant-test-marker', baseURL: h.baseUrl('anthropic'), maxRetries: 0 });
  });
  beforeEach(function () {
    h.reset();
  });

  it('bills cache reads and cache writes apart from input tokens, each at its own rate', async function () {
    const fixture = loadFixture('anthropic', 'message-cached');
    h.server.serve(fixture);
    const message = await client.messages.create(fixture.request.body as Anthropic.MessageCreateParamsNonStreaming);
    assert.deepEqual(message, fixture.response.body);
    const span = single(await h.aiSpans());
    assert.deepEqual(
      pick(
        span,
        'gen_ai.usage.input_tokens',
        'gen_ai.usage.cache_read.input_tokens',
        'gen_ai.usage.cache_creation.input_tokens',
        'gen_ai.usage.output_tokens',
        'ai.pricing.plan',
        'ai.pricing.tier',
      ),
      {
        // The semantic convention counts every prompt token; billing counts each kind once.
        'gen_ai.usage.input_tokens': 4621,
        'gen_ai.usage.cache_read.input_tokens': 3400,
        'gen_ai.usage.cache_creation.input_tokens': 1200,
        'gen_ai.usage.output_tokens': 95,
        'ai.pricing.plan': 'anthropic/claude-sonnet-4-and-4-5',
        'ai.pricing.tier': 'standard',
      },
    );
    assert.deepEqual(h.records[0]?.main?.item.usage, {
      input_tokens: 21,
      cached_input_tokens: 3400,
      cache_write_tokens: 1200,
      output_tokens: 95,
    });
    // 21 × 3 + 3,400 × 0.30 + 1,200 × 3.75 + 95 × 15, per million.
    assert.equal(costOf(span), '0.007008');
  });

  it('prices a streamed message from message_start and message_delta', async function () {
    const fixture = loadFixture('anthropic', 'message-stream');
    h.server.serve(fixture, { chunkSize: 1 });
    const stream = client.messages.stream(fixture.request.body as Anthropic.MessageCreateParamsStreaming);
    const final = await stream.finalMessage();
    assert.equal(final.usage.output_tokens, 37);
    const span = single(await h.aiSpans());
    assert.equal(span.name, 'chat claude-haiku-4-5');
    assert.equal(span.attributes['gen_ai.usage.input_tokens'], 2062);
    assert.equal(span.attributes['ai.call.aborted'], undefined);
    // 14 × 1 + 2,048 × 0.10 + 37 × 5, per million.
    assert.equal(costOf(span), '0.0004038');
  });

  it('adds the web search tool fee to the call', async function () {
    const fixture = loadFixture('anthropic', 'message-web-search');
    h.server.serve(fixture);
    await client.messages.create(fixture.request.body as Anthropic.MessageCreateParamsNonStreaming);
    const span = single(await h.aiSpans());
    // Tokens 6,421 × 1 + 410 × 5 per million, plus 2 searches × $10 per 1,000.
    assert.equal(costOf(span), '0.028471');
    const items = h.records[0]!.items.map((p) => [p.item.operation, p.result.priced && p.result.plan.id, p.charged?.toFixed()]);
    assert.deepEqual(items, [
      ['chat', 'anthropic/claude-haiku-4-5', '0.008471'],
      ['web_search', 'anthropic/web-search', '0.02'],
    ]);
  });

  it('prices what was observed when the client aborts a stream, and marks it', async function () {
    const fixture = loadFixture('anthropic', 'message-stream');
    // message_start in 200-byte pieces, then nothing until the client goes: however late the
    // client reacts, nothing after message_start can have been observed.
    const body = bodyBytes(fixture);
    const end = body.indexOf('\n\n') + 2;
    h.server.handle((_req, _body, res) => {
      res.writeHead(fixture.response.status, fixture.response.headers);
      for (let i = 0; i < end; i += 200) res.write(body.subarray(i, Math.min(i + 200, end)));
    });
    const stream = client.messages.stream(fixture.request.body as Anthropic.MessageCreateParamsStreaming);
    await new Promise<void>((resolve) => stream.on('streamEvent', (e) => e.type === 'message_start' && resolve()));
    stream.abort();
    await assert.rejects(stream.finalMessage(), (e: unknown) => e instanceof Anthropic.APIUserAbortError);
    const span = single(await h.aiSpans());
    assert.equal(span.attributes['ai.call.aborted'], true);
    // Only message_start was seen: 14 × 1 + 2,048 × 0.10 + 1 × 5, per million.
    assert.equal(costOf(span), '0.0002238');
    assert.equal(h.records[0]?.outcome, 'success', 'a 200 response the client cut short was still billed');
  });

  it('passes an error event inside a stream through to the application', async function () {
    const fixture = loadFixture('anthropic', 'stream-overloaded');
    h.server.serve(fixture);
    const stream = client.messages.stream(fixture.request.body as Anthropic.MessageCreateParamsStreaming);
    await assert.rejects(
      stream.finalMessage(),
      (e: unknown) => e instanceof Anthropic.APIError && /Overloaded/.test(String((e as Error).message)),
    );
    const span = single(await h.aiSpans());
    assert.equal(span.attributes['gen_ai.usage.input_tokens'], 12);
  });
});
