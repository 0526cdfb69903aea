import { strict as assert } from 'node:assert';
import { gatewayUsage, vercelAiGatewayAdapter } from '../../src/providers/vercel-ai-gateway.js';
import type { RequestHead } from '../../src/providers/types.js';
import { loadFixture, priceWithDefaultCatalog, replay, requestHead, usageFacts } from '../support/fixtures.js';

describe('Vercel AI Gateway adapter', function () {
  const BASE = 'https://ai-gateway.vercel.sh';
  const run = (name: string, options?: { events?: number }) =>
    replay(vercelAiGatewayAdapter, loadFixture('vercel.ai_gateway', name), BASE, options);

  function headWith(path: string, headers: Record<string, string>): RequestHead {
    return { ...requestHead(path, { host: 'ai-gateway.vercel.sh' }), header: (name) => headers[name] };
  }

  it('generateText (language-model, JSON): the model from ai-language-model-id, the gateway cost reported', function () {
    const { route, reader, facts } = run('generate');
    assert.equal(route.operation, 'chat');
    assert.equal(reader.requestModel, 'openai/gpt-4o-mini');
    assert.deepEqual(usageFacts(facts), {
      responseModel: 'gpt-4o-mini-2024-07-18',
      items: [
        {
          operation: 'chat',
          model: 'openai/gpt-4o-mini',
          fallbackModel: 'gpt-4o-mini',
          usage: { input_tokens: 14, cached_input_tokens: 0, cache_write_tokens: 0, output_tokens: 40 },
        },
      ],
      semconv: { inputTokens: 14, outputTokens: 40, cacheReadInputTokens: 0, cacheCreationInputTokens: 0, reasoningOutputTokens: 0 },
      providerCost: { amount: '0.0000261', currency: 'USD' },
    });
    // OpenAI's list price, which the gateway bills: 14 × 0.15/1M + 40 × 0.60/1M
    assert.deepEqual(priceWithDefaultCatalog('openai', { ...facts.items[0]!, model: facts.items[0]!.fallbackModel }), {
      plan: 'openai/gpt-4o-mini',
      tier: 'standard',
      cost: '0.0000261',
    });
  });

  it('streamText (language-model, SSE): usage and cost from the finish part, cached tokens apart', function () {
    const { facts, reader } = run('stream');
    assert.deepEqual(reader.skipEventsWithout?.(), ['finish', 'response-metadata']);
    assert.equal(facts.responseModel, 'gpt-4o-mini-2024-07-18');
    assert.deepEqual(facts.items[0]!.usage, { input_tokens: 276, cached_input_tokens: 1024, cache_write_tokens: 0, output_tokens: 60 });
    assert.deepEqual(facts.semconv, {
      inputTokens: 1300,
      outputTokens: 60,
      cacheReadInputTokens: 1024,
      cacheCreationInputTokens: 0,
      reasoningOutputTokens: 0,
    });
    assert.deepEqual(facts.providerCost, { amount: '0.0001542', currency: 'USD' });
    assert.equal(facts.complete, true);
    // 276 × 0.15/1M + 1024 × 0.075/1M + 60 × 0.60/1M
    assert.equal(priceWithDefaultCatalog('openai', { ...facts.items[0]!, model: 'gpt-4o-mini' }).cost, '0.0001542');
  });

  it('stream cut before the finish part: noUsage', function () {
    assert.deepEqual(usageFacts(run('stream', { events: 6 }).facts), { responseModel: 'gpt-4o-mini-2024-07-18', items: [], noUsage: true });
  });

  it('reads the flat usage of spec v2 and refuses counts that are not believable', function () {
    assert.deepEqual(gatewayUsage({ inputTokens: 100, outputTokens: 7, cachedInputTokens: 40, reasoningTokens: 3 }), {
      usage: { input_tokens: 60, cached_input_tokens: 40, output_tokens: 7 },
      semconv: { inputTokens: 100, outputTokens: 7, cacheReadInputTokens: 40, reasoningOutputTokens: 3 },
    });
    assert.equal(gatewayUsage({ inputTokens: { total: -5 }, outputTokens: { total: 3 } }), undefined);
    assert.equal(gatewayUsage({ inputTokens: { total: undefined }, outputTokens: {} }), undefined);
    assert.equal(gatewayUsage('1000'), undefined);
  });

  it('other providers keep their gateway id and no OpenAI name, and a bad cost is dropped', function () {
    const head = headWith('/v4/ai/language-model', { 'ai-language-model-id': 'anthropic/claude-sonnet-4.5' });
    const reader = vercelAiGatewayAdapter.route(head)!.begin(new Map(), head);
    reader.onEvent!('message', '{"type":"text-delta","id":"0","delta":"finish"}');
    reader.onEvent!(
      'message',
      '{"type":"finish","usage":{"inputTokens":{"total":10},"outputTokens":{"total":2}},"providerMetadata":{"gateway":{"cost":"-1"}}}',
    );
    const facts = reader.finish({ status: 200, aborted: false, response: new Map() });
    assert.deepEqual(facts.items, [
      { operation: 'chat', model: 'anthropic/claude-sonnet-4.5', usage: { input_tokens: 10, output_tokens: 2 } },
    ]);
    assert.equal(facts.providerCost, undefined);
  });

  it("OpenAI-compatible chat completions: the openai/… id priced by OpenAI's own name", function () {
    const head = headWith('/v1/chat/completions', {});
    const route = vercelAiGatewayAdapter.route(head)!;
    const reader = route.begin(new Map([['model', ['openai/gpt-4o-mini']]]), head);
    const facts = reader.finish({
      status: 200,
      aborted: false,
      response: new Map<string, unknown[]>([['usage', [{ prompt_tokens: 100, completion_tokens: 10 }]]]),
    });
    assert.equal(facts.items[0]!.model, 'openai/gpt-4o-mini');
    assert.equal(facts.items[0]!.fallbackModel, 'gpt-4o-mini');
    // 100 × 0.15/1M + 10 × 0.60/1M
    assert.equal(priceWithDefaultCatalog('openai', { ...facts.items[0]!, model: 'gpt-4o-mini' }).cost, '0.000021');
    const other = route.begin(new Map([['model', ['xai/grok-4']]]), head).finish({
      status: 200,
      aborted: false,
      response: new Map<string, unknown[]>([['usage', [{ prompt_tokens: 1, completion_tokens: 1 }]]]),
    });
    assert.equal(other.items[0]!.fallbackModel, 'xai/grok-4');
  });

  it('embedding-model: usage.tokens, model from ai-model-id', function () {
    const head = headWith('/v4/ai/embedding-model', { 'ai-model-id': 'openai/text-embedding-3-small' });
    const route = vercelAiGatewayAdapter.route(head)!;
    assert.equal(route.operation, 'embeddings');
    const reader = route.begin(new Map(), head);
    const facts = reader.finish({
      status: 200,
      aborted: false,
      response: new Map<string, unknown[]>([
        ['usage.tokens', [8]],
        ['providerMetadata.gateway', [{ cost: '0.00000016' }]],
      ]),
    });
    assert.deepEqual(usageFacts(facts), {
      items: [
        {
          operation: 'embeddings',
          model: 'openai/text-embedding-3-small',
          fallbackModel: 'text-embedding-3-small',
          usage: { input_tokens: 8 },
        },
      ],
      semconv: { inputTokens: 8 },
      providerCost: { amount: '0.00000016', currency: 'USD' },
    });
    assert.deepEqual(usageFacts(reader.finish({ status: 401, aborted: false, response: new Map() })), { items: [], noUsage: true });
  });

  it('is vercel.ai_gateway priced as openai; routes the SDK protocol of any version and the OpenAI-compatible API', function () {
    assert.equal(vercelAiGatewayAdapter.provider, 'vercel.ai_gateway');
    assert.equal(vercelAiGatewayAdapter.pricedAs, 'openai');
    assert.equal(vercelAiGatewayAdapter.route(requestHead('/v1/ai/language-model'))?.operation, 'chat');
    assert.equal(vercelAiGatewayAdapter.route(requestHead('/v3/ai/embedding-model'))?.operation, 'embeddings');
    assert.equal(vercelAiGatewayAdapter.route(requestHead('/v1/chat/completions'))?.operation, 'chat');
    assert.equal(vercelAiGatewayAdapter.route(requestHead('/v1/embeddings'))?.operation, 'embeddings');
    assert.equal(vercelAiGatewayAdapter.route(requestHead('/v4/ai/config', { method: 'GET' })), undefined);
    assert.equal(vercelAiGatewayAdapter.route(requestHead('/v4/ai/language-model', { method: 'GET' })), undefined);
    assert.equal(vercelAiGatewayAdapter.route(requestHead('/v4/ai/credits')), undefined);
  });
});
