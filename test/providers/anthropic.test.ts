import { strict as assert } from 'node:assert';
import { anthropicAdapter } from '../../src/providers/anthropic.js';
import type { CallReader } from '../../src/providers/types.js';
import { loadFixture, priceWithDefaultCatalog, replay, requestHead, usageFacts } from '../support/fixtures.js';

const BASE = 'https://api.anthropic.com';
const run = (name: string, options?: { events?: number }) => replay(anthropicAdapter, loadFixture('anthropic', name), BASE, options);

/** A reader for a streamed call, fed hand-made events. */
function streamReader(): CallReader {
  const head = requestHead('/v1/messages');
  return anthropicAdapter.route(head)!.begin(new Map([['model', ['claude-haiku-4-5']]]), head);
}
const event = (reader: CallReader, name: string, data: unknown) => reader.onEvent!(name, JSON.stringify(data));
const finishStream = (reader: CallReader) => reader.finish({ status: 200, response: new Map(), aborted: false });

describe('Anthropic adapter', function () {
  it('maps cache reads and writes to their own units; input_tokens never counts them', function () {
    const { route, reader, facts } = run('message-cached');
    assert.equal(route.operation, 'chat');
    assert.equal(reader.requestModel, 'claude-sonnet-4-5');
    assert.equal(facts.responseModel, 'claude-sonnet-4-5-20250929');
    assert.deepEqual(facts.items, [
      {
        operation: 'chat',
        model: 'claude-sonnet-4-5-20250929',
        fallbackModel: 'claude-sonnet-4-5',
        usage: { input_tokens: 21, cached_input_tokens: 3400, cache_write_tokens: 1200, output_tokens: 95 },
        dimensions: { service_tier: 'standard' },
      },
    ]);
    // The semantic convention's input count includes cache reads and writes.
    assert.deepEqual(facts.semconv, { inputTokens: 4621, outputTokens: 95, cacheReadInputTokens: 3400, cacheCreationInputTokens: 1200 });
    // 21 × 3/1M + 3400 × 0.30/1M + 1200 × 3.75/1M + 95 × 15/1M
    assert.deepEqual(priceWithDefaultCatalog('anthropic', facts.items[0]!), {
      plan: 'anthropic/claude-sonnet-4-and-4-5',
      tier: 'standard',
      cost: '0.007008',
    });
  });

  it('prices server-side web searches as a web_search item', function () {
    const { facts } = run('message-web-search');
    assert.deepEqual(facts.items, [
      {
        operation: 'chat',
        model: 'claude-haiku-4-5-20251001',
        fallbackModel: 'claude-haiku-4-5',
        usage: { input_tokens: 6421, cached_input_tokens: 0, cache_write_tokens: 0, output_tokens: 410 },
        dimensions: { service_tier: 'standard' },
      },
      { operation: 'web_search', model: 'claude-haiku-4-5-20251001', usage: { web_search_requests: 2 } },
    ]);
    assert.equal(priceWithDefaultCatalog('anthropic', facts.items[0]!).cost, '0.008471');
    assert.deepEqual(priceWithDefaultCatalog('anthropic', facts.items[1]!), {
      plan: 'anthropic/web-search',
      tier: 'standard',
      cost: '0.02',
    });
  });

  describe('streams', function () {
    it('takes input and cache counts from message_start and the final output count from message_delta', function () {
      const { facts } = run('message-stream');
      assert.equal(facts.responseModel, 'claude-haiku-4-5-20251001');
      assert.deepEqual(facts.items, [
        {
          operation: 'chat',
          model: 'claude-haiku-4-5-20251001',
          fallbackModel: 'claude-haiku-4-5',
          usage: { input_tokens: 14, cached_input_tokens: 2048, cache_write_tokens: 0, output_tokens: 37 },
          dimensions: { service_tier: 'standard' },
        },
      ]);
      assert.deepEqual(facts.semconv, { inputTokens: 2062, outputTokens: 37, cacheReadInputTokens: 2048, cacheCreationInputTokens: 0 });
      // 14 × 1/1M + 2048 × 0.10/1M + 37 × 5/1M
      assert.equal(priceWithDefaultCatalog('anthropic', facts.items[0]!).cost, '0.0004038');
    });

    it('takes the cumulative input, cache and web search counts that newer message_delta events repeat', function () {
      const { facts } = run('message-stream-web-search');
      assert.deepEqual(facts.items, [
        {
          operation: 'chat',
          model: 'claude-haiku-4-5-20251001',
          fallbackModel: 'claude-haiku-4-5',
          usage: { input_tokens: 10682, cached_input_tokens: 0, cache_write_tokens: 0, output_tokens: 510 },
          dimensions: { service_tier: 'standard' },
        },
        { operation: 'web_search', model: 'claude-haiku-4-5-20251001', usage: { web_search_requests: 1 } },
      ]);
      assert.equal(facts.semconv?.inputTokens, 10682);
      assert.equal(priceWithDefaultCatalog('anthropic', facts.items[0]!).cost, '0.013232');
    });

    it('prices an aborted stream as far as it was observed', function () {
      // message_start, content_block_start, ping, one text delta: then the client went away.
      const { facts } = run('message-stream', { events: 4 });
      assert.deepEqual(facts.items[0]!.usage, { input_tokens: 14, cached_input_tokens: 2048, cache_write_tokens: 0, output_tokens: 1 });
      assert.equal(priceWithDefaultCatalog('anthropic', facts.items[0]!).cost, '0.0002238');
    });

    it('prices a stream that ended with an error event from message_start', function () {
      const { facts } = run('stream-overloaded');
      assert.equal(facts.responseModel, 'claude-sonnet-4-5-20250929');
      assert.deepEqual(facts.items[0]!.usage, { input_tokens: 12, cached_input_tokens: 0, cache_write_tokens: 0, output_tokens: 1 });
    });

    it('keeps the latest present value of each field; an absent field keeps the earlier one', function () {
      const reader = streamReader();
      event(reader, 'message_start', {
        type: 'message_start',
        message: { model: 'claude-haiku-4-5-20251001', usage: { input_tokens: 10, cache_read_input_tokens: 20, output_tokens: 1 } },
      });
      event(reader, 'message_delta', { type: 'message_delta', usage: { input_tokens: 40, output_tokens: 5 } });
      event(reader, 'message_delta', { type: 'message_delta', usage: { output_tokens: 9 } });
      assert.deepEqual(finishStream(reader).items[0]!.usage, { input_tokens: 40, cached_input_tokens: 20, output_tokens: 9 });
    });

    it('parses only message_start and message_delta events', function () {
      const reader = streamReader();
      // A content event that happens to look like usage changes nothing.
      event(reader, 'content_block_delta', { type: 'content_block_delta', usage: { input_tokens: 999999 } });
      reader.onEvent!('message_delta', 'not json');
      assert.deepEqual(usageFacts(finishStream(reader)), { responseModel: undefined, items: [], noUsage: true });
    });

    it(
      'distrusts the usage when a later report has hostile numbers (no usage, not the earlier counts), ' + 'and cleans the model name',
      function () {
        const reader = streamReader();
        event(reader, 'message_start', {
          type: 'message_start',
          message: { model: 'claude-haiku-4-5\n-20251001', usage: { input_tokens: 14, output_tokens: 1 } },
        });
        event(reader, 'message_delta', {
          type: 'message_delta',
          usage: {
            input_tokens: 1e300,
            cache_read_input_tokens: -5,
            output_tokens: 'lots',
            server_tool_use: { web_search_requests: Infinity },
          },
        });
        // Billing the 14 + 1 tokens of message_start would price "lots" of output as one token.
        assert.deepEqual(usageFacts(finishStream(reader)), { responseModel: 'claude-haiku-4-5-20251001', items: [], noUsage: true });
      },
    );
  });

  it('says noUsage for a 429 error body', function () {
    const { facts } = run('rate-limit');
    assert.deepEqual(usageFacts(facts), { responseModel: undefined, items: [], noUsage: true });
  });

  it('leaves count_tokens, batches and other methods alone', function () {
    assert.equal(anthropicAdapter.route(requestHead('/v1/messages/count_tokens')), undefined);
    assert.equal(anthropicAdapter.route(requestHead('/v1/messages/batches')), undefined);
    assert.equal(anthropicAdapter.route(requestHead('/v1/messages', { method: 'GET' })), undefined);
    assert.equal(anthropicAdapter.route(requestHead('/v1/models')), undefined);
  });
});
