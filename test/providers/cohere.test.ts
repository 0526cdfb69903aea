import { strict as assert } from 'node:assert';
import { cohereAdapter } from '../../src/providers/cohere.js';
import { loadFixture, priceWithDefaultCatalog, replay, requestHead, usageFacts } from '../support/fixtures.js';

describe('Cohere adapter', function () {
  const BASE = 'https://api.cohere.com';
  const run = (name: string, options?: { events?: number }) => replay(cohereAdapter, loadFixture('cohere', name), BASE, options);

  it('v2 chat: priced from billed_units, the span counts from tokens', function () {
    const { route, reader, facts } = run('chat');
    assert.equal(route.operation, 'chat');
    assert.equal(reader.requestModel, 'command-a-03-2025');
    assert.deepEqual(usageFacts(facts), {
      items: [{ operation: 'chat', model: 'command-a-03-2025', usage: { input_tokens: 9, output_tokens: 42 } }],
      semconv: { inputTokens: 215, outputTokens: 44, cacheReadInputTokens: 0 },
    });
    // 9 × 2.50/1M + 42 × 10/1M
    assert.deepEqual(priceWithDefaultCatalog('cohere', facts.items[0]!), { plan: 'cohere/command-a', tier: 'standard', cost: '0.0004425' });
  });

  it('v2 chat stream: usage from message-end, the stream complete', function () {
    const { facts } = run('chat-stream');
    assert.deepEqual(usageFacts(facts), {
      items: [{ operation: 'chat', model: 'command-r-08-2024', usage: { input_tokens: 12, output_tokens: 30 } }],
      semconv: { inputTokens: 220, outputTokens: 32, cacheReadInputTokens: 64 },
    });
    assert.equal(facts.complete, true);
    // 12 × 0.15/1M + 30 × 0.60/1M
    assert.deepEqual(priceWithDefaultCatalog('cohere', facts.items[0]!), { plan: 'cohere/command-r', tier: 'standard', cost: '0.0000198' });
  });

  it('v2 chat stream cut before message-end: noUsage', function () {
    const { facts } = run('chat-stream', { events: 5 });
    assert.deepEqual(usageFacts(facts), { responseModel: undefined, items: [], noUsage: true });
    assert.equal(facts.complete, undefined);
  });

  it('v2 chat stream: skips every event without billed_units', function () {
    const head = requestHead('/v2/chat');
    const reader = cohereAdapter.route(head)!.begin(new Map([['model', ['command-r7b-12-2024']]]), head);
    assert.deepEqual(reader.skipEventsWithout?.(), ['billed_units']);
    // Python-spaced JSON is read as well.
    reader.onEvent!(
      'message-end',
      '{"type": "message-end", "delta": {"usage": {"billed_units": {"input_tokens": 1000, "output_tokens": 2000}}}}',
    );
    const facts = reader.finish({ status: 200, aborted: false, response: new Map() });
    assert.deepEqual(facts.items[0]!.usage, { input_tokens: 1000, output_tokens: 2000 });
    // 1000 × 0.0375/1M + 2000 × 0.15/1M
    assert.equal(priceWithDefaultCatalog('cohere', facts.items[0]!).cost, '0.0003375');
  });

  it('v2 embed: billed input tokens', function () {
    const { route, facts } = run('embed');
    assert.equal(route.operation, 'embeddings');
    assert.deepEqual(usageFacts(facts), {
      items: [{ operation: 'embeddings', model: 'embed-v4.0', usage: { input_tokens: 14 } }],
      semconv: { inputTokens: 14 },
    });
    assert.deepEqual(priceWithDefaultCatalog('cohere', facts.items[0]!), { plan: 'cohere/embed-v4', tier: 'standard', cost: '0.00000168' });
  });

  it('v2 embed of an image: billed image tokens at their own rate', function () {
    const head = requestHead('/v2/embed');
    const reader = cohereAdapter.route(head)!.begin(new Map([['model', ['embed-v4.0']]]), head);
    const facts = reader.finish({
      status: 200,
      aborted: false,
      response: new Map([['meta.billed_units', [{ image_tokens: 1200, input_tokens: 5 }]]]),
    });
    assert.deepEqual(facts.items[0]!.usage, { input_tokens: 5, image_tokens: 1200 });
    // 5 × 0.12/1M + 1200 × 0.47/1M
    assert.equal(priceWithDefaultCatalog('cohere', facts.items[0]!).cost, '0.0005646');
  });

  it('v2 rerank: one search unit, the per-search fee', function () {
    const { route, facts } = run('rerank');
    assert.equal(route.operation, 'rerank');
    assert.deepEqual(usageFacts(facts), {
      items: [{ operation: 'rerank', model: 'rerank-v3.5', usage: { search_units: 1 } }],
      extraUsage: { search_units: 1 },
    });
    assert.deepEqual(priceWithDefaultCatalog('cohere', facts.items[0]!), { plan: 'cohere/rerank-v3.5', tier: 'standard', cost: '0.002' });
    // 250 documents are three search units.
    assert.equal(priceWithDefaultCatalog('cohere', { ...facts.items[0]!, usage: { search_units: 3 } }).cost, '0.006');
  });

  it('says noUsage for a 429 error body, and for billed units that are missing or not believable', function () {
    assert.deepEqual(usageFacts(run('rate-limit').facts), { responseModel: undefined, items: [], noUsage: true });
    const finish = (path: string, field: string, v: unknown) => {
      const head = requestHead(path);
      const reader = cohereAdapter.route(head)!.begin(new Map(), head);
      return reader.finish({ status: 200, aborted: false, response: new Map([[field, [v]]]) });
    };
    assert.equal(finish('/v2/chat', 'usage', { billed_units: { input_tokens: -1, output_tokens: 5 } }).noUsage, true);
    assert.equal(finish('/v2/chat', 'usage', { tokens: { input_tokens: 5, output_tokens: 5 } }).noUsage, true);
    assert.equal(finish('/v2/embed', 'meta.billed_units', {}).noUsage, true);
    assert.equal(finish('/v2/rerank', 'meta.billed_units', { search_units: 1e300 }).noUsage, true);
    assert.equal(finish('/v2/rerank', 'meta.billed_units', { input_tokens: 10 }).noUsage, true);
  });

  it('is cohere on api.cohere.com and api.cohere.ai; routes v1 embed/rerank and the compatibility API, leaves the rest alone', function () {
    assert.equal(cohereAdapter.provider, 'cohere');
    assert.deepEqual(cohereAdapter.baseUrls, ['https://api.cohere.com', 'https://api.cohere.ai']);
    assert.equal(cohereAdapter.route(requestHead('/v1/embed'))?.operation, 'embeddings');
    assert.equal(cohereAdapter.route(requestHead('/v1/rerank'))?.operation, 'rerank');
    assert.equal(cohereAdapter.route(requestHead('/compatibility/v1/chat/completions'))?.operation, 'chat');
    assert.equal(cohereAdapter.route(requestHead('/compatibility/v1/embeddings'))?.operation, 'embeddings');
    assert.equal(cohereAdapter.route(requestHead('/v2/chat', { method: 'GET' })), undefined);
    assert.equal(cohereAdapter.route(requestHead('/v1/models', { method: 'GET' })), undefined);
    assert.equal(cohereAdapter.route(requestHead('/v1/tokenize')), undefined);
  });
});
