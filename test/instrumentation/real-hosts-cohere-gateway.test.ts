// Cohere and the Vercel AI Gateway on their real host names over TLS (a network namespace of the
// test's own, see test/support/real-hosts.ts): the cohere-ai SDK (CohereClientV2) and the `ai`
// package with a plain string model id, each recognised with no endpoint configured and priced
// exactly once, at the exact price (for Cohere chat and rerank, the cost counter at the same amount).
import { strict as assert } from 'node:assert';
import { runScenario } from '../support/real-hosts.js';
import { metered, oneCallAt, onlySpan, priced } from '../support/real-hosts-assert.js';

describe('Cohere on its real host name over TLS (cohere-ai CohereClientV2)', function () {
  this.timeout(60_000);
  const cohere = (call: string, fixture: string) =>
    runScenario('cohere-sdk.ts', `cohere/${fixture}`, ['api.cohere.com'], { COHERE_CALL: call });

  it('chat: https://api.cohere.com/v2/chat, priced once from billed_units', async function () {
    const out = await cohere('chat', 'chat');
    const span = onlySpan(out, 'api.cohere.com', '/v2/chat');
    // 9 × 2.50/1M + 42 × 10/1M
    assert.deepEqual(priced(span, 'gen_ai.usage.input_tokens'), {
      provider: 'cohere',
      operation: 'chat',
      model: 'command-a-03-2025',
      plan: 'cohere/command-a',
      source: 'catalog',
      cost: '0.0004425',
      'gen_ai.usage.input_tokens': 215,
    });
    assert.deepEqual(metered(out, span), oneCallAt('0.0004425'));
    // The SDK read the same response.
    assert.deepEqual(out.result, {
      billedUnits: { inputTokens: 9, outputTokens: 42 },
      tokens: { inputTokens: 215, outputTokens: 44 },
      cachedTokens: 0,
    });
  });

  it('chatStream (SSE): priced once from the message-end event', async function () {
    const out = await cohere('stream', 'chat-stream');
    const span = onlySpan(out, 'api.cohere.com', '/v2/chat');
    // 12 × 0.15/1M + 30 × 0.60/1M
    assert.deepEqual(priced(span), {
      provider: 'cohere',
      operation: 'chat',
      model: 'command-r-08-2024',
      plan: 'cohere/command-r',
      source: 'catalog',
      cost: '0.0000198',
    });
    assert.deepEqual((out.result as { billedUnits: unknown }).billedUnits, { inputTokens: 12, outputTokens: 30 });
  });

  it('embed: priced once from meta.billed_units', async function () {
    const out = await cohere('embed', 'embed');
    const span = onlySpan(out, 'api.cohere.com', '/v2/embed');
    // 14 × 0.12/1M
    assert.deepEqual(priced(span), {
      provider: 'cohere',
      operation: 'embeddings',
      model: 'embed-v4.0',
      plan: 'cohere/embed-v4',
      source: 'catalog',
      cost: '0.00000168',
    });
    assert.deepEqual(out.result, { inputTokens: 14 });
  });

  it('rerank: one search unit, priced once per search', async function () {
    const out = await cohere('rerank', 'rerank');
    const span = onlySpan(out, 'api.cohere.com', '/v2/rerank');
    assert.deepEqual(priced(span, 'ai.usage.search_units'), {
      provider: 'cohere',
      operation: 'rerank',
      model: 'rerank-v3.5',
      plan: 'cohere/rerank-v3.5',
      source: 'catalog',
      cost: '0.002',
      'ai.usage.search_units': 1,
    });
    assert.deepEqual(out.result, { searchUnits: 1 });
    assert.deepEqual(metered(out, span), oneCallAt('0.002'));
  });
});

describe('the Vercel AI Gateway on its real host name over TLS (`ai` with a plain string model id)', function () {
  this.timeout(60_000);
  const gateway = (call: string, fixture: string) =>
    runScenario('gateway-ai.ts', `vercel.ai_gateway/${fixture}`, ['ai-gateway.vercel.sh'], {
      GATEWAY_CALL: call,
      AI_GATEWAY_API_KEY: 'test-not-a-key',
    });

  it('generateText: https://ai-gateway.vercel.sh/v4/ai/language-model, the gateway cost, once', async function () {
    const out = await gateway('generate', 'generate');
    const span = onlySpan(out, 'ai-gateway.vercel.sh', '/v4/ai/language-model');
    // The gateway's cost wins; OpenAI's list price (14 × 0.15/1M + 40 × 0.60/1M) is the same.
    assert.deepEqual(priced(span, 'ai.cost.catalog_amount'), {
      provider: 'vercel.ai_gateway',
      operation: 'chat',
      model: 'openai/gpt-4o-mini',
      plan: 'openai/gpt-4o-mini',
      source: 'provider',
      cost: '0.0000261',
      'ai.cost.catalog_amount': 0.0000261,
    });
    assert.equal((out.result as { usage: { inputTokens: number } }).usage.inputTokens, 14);
  });

  it('streamText (SSE): priced once from the finish part', async function () {
    const out = await gateway('stream', 'stream');
    const span = onlySpan(out, 'ai-gateway.vercel.sh', '/v4/ai/language-model');
    // 276 × 0.15/1M + 1024 × 0.075/1M + 60 × 0.60/1M, as the gateway reports it
    assert.deepEqual(priced(span, 'ai.cost.catalog_amount', 'gen_ai.response.model'), {
      provider: 'vercel.ai_gateway',
      operation: 'chat',
      model: 'openai/gpt-4o-mini',
      plan: 'openai/gpt-4o-mini',
      source: 'provider',
      cost: '0.0001542',
      'ai.cost.catalog_amount': 0.0001542,
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
    });
    assert.equal((out.result as { usage: { inputTokens: number } }).usage.inputTokens, 1300);
  });
});
