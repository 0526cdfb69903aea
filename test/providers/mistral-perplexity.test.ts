import { strict as assert } from 'node:assert';
import { mistralAdapter } from '../../src/providers/mistral.js';
import { perplexityAdapter } from '../../src/providers/perplexity.js';
import { loadFixture, priceWithDefaultCatalog, replay, requestHead, usageFacts } from '../support/fixtures.js';

describe('Mistral adapter', function () {
  const BASE = 'https://api.mistral.ai/v1';
  const run = (name: string) => replay(mistralAdapter, loadFixture('mistral', name), BASE);

  it('chat completion: OpenAI-style usage', function () {
    const { route, facts } = run('chat');
    assert.equal(route.operation, 'chat');
    assert.equal(facts.responseModel, 'mistral-large-2512');
    assert.deepEqual(facts.items, [
      {
        operation: 'chat',
        model: 'mistral-large-2512',
        fallbackModel: 'mistral-large-2512',
        usage: { input_tokens: 12, output_tokens: 33 },
        dimensions: undefined,
      },
    ]);
    assert.deepEqual(facts.semconv, { inputTokens: 12, outputTokens: 33, cacheReadInputTokens: undefined });
    // 12 × 0.5/1M + 33 × 1.5/1M
    assert.deepEqual(priceWithDefaultCatalog('mistral_ai', facts.items[0]!), {
      plan: 'mistral/mistral-large-3',
      tier: 'standard',
      cost: '0.0000555',
    });
  });

  it('cached prompt tokens (prompt_tokens_details) are billed apart from input tokens', function () {
    const { facts } = run('chat-cached');
    assert.deepEqual(facts.items[0]!.usage, { input_tokens: 220, cached_input_tokens: 1280, output_tokens: 200 });
    assert.deepEqual(facts.semconv, { inputTokens: 1500, outputTokens: 200, cacheReadInputTokens: 1280 });
  });

  it('stream: usage from the last chunk, sent without stream_options', function () {
    const { facts } = run('chat-stream');
    assert.deepEqual(usageFacts(facts), {
      responseModel: 'mistral-small-latest',
      items: [
        {
          operation: 'chat',
          model: 'mistral-small-latest',
          fallbackModel: 'mistral-small-latest',
          usage: { input_tokens: 10, output_tokens: 5 },
          dimensions: undefined,
        },
      ],
      semconv: { inputTokens: 10, outputTokens: 5, cacheReadInputTokens: undefined },
    });
  });

  it('embeddings', function () {
    const { route, facts } = run('embeddings');
    assert.equal(route.operation, 'embeddings');
    assert.deepEqual(facts.items, [
      { operation: 'embeddings', model: 'mistral-embed', fallbackModel: 'mistral-embed', usage: { input_tokens: 6 } },
    ]);
  });

  it('says noUsage for a 429 error body', function () {
    assert.deepEqual(usageFacts(run('rate-limit').facts), { responseModel: undefined, items: [], noUsage: true });
  });

  it('is mistral_ai; routes agent completions as chat, FIM as text_completion, and leaves the rest alone', function () {
    assert.equal(mistralAdapter.provider, 'mistral_ai');
    assert.equal(mistralAdapter.route(requestHead('/fim/completions'))?.operation, 'text_completion');
    assert.equal(mistralAdapter.route(requestHead('/agents/completions'))?.operation, 'chat');
    assert.equal(mistralAdapter.route(requestHead('/models', { method: 'GET' })), undefined);
    assert.equal(mistralAdapter.route(requestHead('/files')), undefined);
    assert.equal(mistralAdapter.route(requestHead('/chat/completions', { method: 'GET' })), undefined);
  });
});

describe('Perplexity adapter', function () {
  const BASE = 'https://api.perplexity.ai';
  const run = (name: string, options?: { events?: number }) => replay(perplexityAdapter, loadFixture('perplexity', name), BASE, options);

  /** A chat reader given a request's search context size and a hand-made response usage. */
  function finishChat(requestSize: string | undefined, usage: unknown) {
    const head = requestHead('/chat/completions');
    const request = new Map<string, unknown[]>([['model', ['sonar']]]);
    if (requestSize !== undefined) request.set('web_search_options.search_context_size', [requestSize]);
    const reader = perplexityAdapter.route(head)!.begin(request, head);
    return reader.finish({ status: 200, aborted: false, response: new Map([['usage', [usage]]]) });
  }

  it('chat: tokens plus the search context size tier; the response reports its own cost', function () {
    const { route, reader, facts } = run('chat-medium-context');
    assert.equal(route.operation, 'chat');
    assert.equal(reader.requestModel, 'sonar');
    assert.deepEqual(usageFacts(facts), {
      responseModel: 'sonar',
      items: [
        {
          operation: 'chat',
          model: 'sonar',
          fallbackModel: 'sonar',
          usage: { input_tokens: 9, output_tokens: 120 },
          dimensions: { search_context_size: 'medium' },
        },
      ],
      semconv: { inputTokens: 9, outputTokens: 120, cacheReadInputTokens: undefined },
      providerCost: { amount: '0.008', currency: 'USD' },
    });
    // Our own price, compared with the provider's: 8/1000 + 9 × 1/1M + 120 × 1/1M
    assert.deepEqual(priceWithDefaultCatalog('perplexity', facts.items[0]!), {
      plan: 'perplexity/sonar',
      tier: 'medium',
      cost: '0.008129',
    });
  });

  it("chat without web_search_options: low, Perplexity's default", function () {
    const { facts } = run('chat-default-context');
    assert.deepEqual(facts.items[0]!.dimensions, { search_context_size: 'low' });
    assert.deepEqual(facts.providerCost, { amount: '0.010536', currency: 'USD' });
    // 6/1000 + 12 × 3/1M + 300 × 15/1M
    assert.deepEqual(priceWithDefaultCatalog('perplexity', facts.items[0]!), {
      plan: 'perplexity/sonar-pro',
      tier: 'low',
      cost: '0.010536',
    });
  });

  it("the response's search_context_size wins over the request's", function () {
    const facts = finishChat('low', { prompt_tokens: 5, completion_tokens: 6, search_context_size: 'medium' });
    assert.deepEqual(facts.items[0]!.dimensions, { search_context_size: 'medium' });
    assert.deepEqual(finishChat('high', { prompt_tokens: 5, completion_tokens: 6 }).items[0]!.dimensions, { search_context_size: 'high' });
  });

  it('stream: usage and cost from the final chunk', function () {
    const { facts } = run('chat-stream');
    assert.equal(facts.responseModel, 'sonar');
    assert.deepEqual(facts.items, [
      {
        operation: 'chat',
        model: 'sonar',
        fallbackModel: 'sonar',
        usage: { input_tokens: 8, output_tokens: 14 },
        dimensions: { search_context_size: 'high' },
      },
    ]);
    assert.deepEqual(facts.providerCost, { amount: '0.012', currency: 'USD' });
    assert.equal(priceWithDefaultCatalog('perplexity', facts.items[0]!).cost, '0.012022');
  });

  it('stream: finds usage in spaced JSON, and a later null usage does not erase it', function () {
    const head = requestHead('/chat/completions');
    const reader = perplexityAdapter.route(head)!.begin(new Map(), head);
    reader.onEvent!('message', '{"model": "sonar", "usage": {"prompt_tokens": 3, "completion_tokens": 4}}');
    reader.onEvent!('message', '{"model": "sonar", "usage": null, "choices": [{"delta": {"content": "say \\"usage\\": {"}}]}');
    const facts = reader.finish({ status: 200, aborted: false, response: new Map() });
    assert.deepEqual(facts.items[0]!.usage, { input_tokens: 3, output_tokens: 4 });
  });

  it('stream cut before the usage chunk: noUsage', function () {
    const { facts } = run('chat-stream', { events: 2 });
    assert.deepEqual(usageFacts(facts), { responseModel: undefined, items: [], noUsage: true });
  });

  it('keeps the provider cost exact and drops one that is not a non-negative decimal', function () {
    const cost = (totalCost: unknown) =>
      finishChat(undefined, { prompt_tokens: 1, completion_tokens: 1, cost: { total_cost: totalCost } }).providerCost;
    assert.deepEqual(cost(1.5e-7), { amount: '0.00000015', currency: 'USD' });
    assert.deepEqual(cost('0.0100'), { amount: '0.01', currency: 'USD' });
    assert.equal(cost(-0.5), undefined);
    assert.equal(cost('free'), undefined);
    assert.equal(cost(Infinity), undefined);
  });

  it('ignores hostile numbers and cleans the model name', function () {
    const head = requestHead('/chat/completions');
    const reader = perplexityAdapter.route(head)!.begin(new Map(), head);
    reader.onEvent!(
      'message',
      JSON.stringify({ model: 'sonar\n', usage: { prompt_tokens: -1, completion_tokens: 1e300, search_context_size: 42 } }),
    );
    assert.deepEqual(usageFacts(reader.finish({ status: 200, aborted: false, response: new Map() })), {
      responseModel: 'sonar',
      items: [],
      noUsage: true,
    });
  });

  it('Search API: one request at the flat fee', function () {
    const { route, facts } = run('search');
    assert.equal(route.operation, 'search');
    assert.deepEqual(usageFacts(facts), { items: [{ operation: 'search', usage: { requests: 1 } }] });
    assert.deepEqual(priceWithDefaultCatalog('perplexity', facts.items[0]!), {
      plan: 'perplexity/search-api',
      tier: 'standard',
      cost: '0.005',
    });
  });

  it('Search API refused: noUsage', function () {
    const head = requestHead('/search');
    const reader = perplexityAdapter.route(head)!.begin(new Map(), head);
    assert.deepEqual(usageFacts(reader.finish({ status: 429, aborted: false, response: new Map() })), { items: [], noUsage: true });
  });

  it('says noUsage for a 429 chat error body', function () {
    assert.deepEqual(usageFacts(run('rate-limit').facts), { responseModel: undefined, items: [], noUsage: true });
  });

  it('routes /chat/completions with or without /v1, and leaves the rest alone', function () {
    assert.equal(perplexityAdapter.route(requestHead('/v1/chat/completions'))?.operation, 'chat');
    assert.equal(perplexityAdapter.route(requestHead('/chat/completions', { method: 'GET' })), undefined);
    assert.equal(perplexityAdapter.route(requestHead('/async/chat/completions')), undefined);
  });
});
