// The OpenAI-compatible providers at their real host names over TLS (a network namespace of the
// test's own, see test/support/real-hosts.ts): groq-sdk with its default base URL, and the openai
// client with baseURL set to each compatible host, recognised with no endpoint configured and
// priced exactly once (the cost counter at the same amount).
import { strict as assert } from 'node:assert';
import { runScenario, testCatalogPerSuite, type ScenarioOut } from '../support/real-hosts.js';
import { metered, oneCallAt, onlySpan, priced } from '../support/real-hosts-assert.js';

/**
 * The built-in catalog prices the Groq (gpt-oss-120b), DeepSeek, xAI, Together AI and Fireworks AI
 * calls here; it has no OpenRouter plans, so this test catalog's made-up rates, layered over the
 * default through PRICETAG_CATALOGS as a user would, give ours to compare with the cost OpenRouter
 * reports.
 */
const TEST_CATALOG = `catalog: compatible-test-rates
currency: USD
plans:
  - id: test/openrouter-gpt-4o-mini
    provider: openrouter
    operations: [chat]
    models: [openai/gpt-4o-mini]
    charges:
      - { unit: input_tokens, rate: "0.15", per: 1000000 }
      - { unit: output_tokens, rate: "0.50", per: 1000000 }
`;

describe('OpenAI-compatible providers at their real host names over TLS', function () {
  this.timeout(60_000);
  const catalog = testCatalogPerSuite(TEST_CATALOG);

  const run = (scenario: string, fixture: string, host: string, env: Record<string, string> = {}): Promise<ScenarioOut> =>
    runScenario(scenario, fixture, [host], { PRICETAG_CATALOGS: catalog(), ...env });
  /** The openai client with `baseURL`, calling `model` (test/apps/real-hosts/compatible-openai.ts). */
  const openaiAt = (fixture: string, baseURL: string, model: string, call: 'chat' | 'chat-stream' | 'embeddings') =>
    run('compatible-openai.ts', fixture, new URL(baseURL).hostname, {
      COMPATIBLE_BASE_URL: baseURL,
      COMPATIBLE_MODEL: model,
      COMPATIBLE_CALL: call,
    });

  it('groq-sdk, default base URL, streamed: usage from x_groq.usage', async function () {
    const out = await run('compatible-groq.ts', 'groq/chat-stream', 'api.groq.com');
    const span = onlySpan(out, 'api.groq.com', '/openai/v1/chat/completions');
    // The built-in plan: 576 × 0.15/1M + 1024 × 0.075/1M + 310 × 0.60/1M
    assert.deepEqual(priced(span, 'gen_ai.response.model', 'gen_ai.usage.input_tokens', 'gen_ai.usage.cache_read.input_tokens'), {
      provider: 'groq',
      operation: 'chat',
      model: 'openai/gpt-oss-120b',
      plan: 'groq/gpt-oss-120b',
      source: 'catalog',
      cost: '0.0003492',
      'gen_ai.response.model': 'openai/gpt-oss-120b',
      'gen_ai.usage.input_tokens': 1600,
      'gen_ai.usage.cache_read.input_tokens': 1024,
    });
    assert.deepEqual(metered(out, span), oneCallAt('0.0003492'));
  });

  it('openai → https://api.deepseek.com: cache hits at the cache-hit rate', async function () {
    const out = await openaiAt('deepseek/chat-cache-hit', 'https://api.deepseek.com', 'deepseek-chat', 'chat');
    const span = onlySpan(out, 'api.deepseek.com', '/chat/completions');
    // 176 × 0.56/1M + 1024 × 0.07/1M + 80 × 1.68/1M
    assert.deepEqual(priced(span, 'gen_ai.response.model', 'gen_ai.usage.cache_read.input_tokens'), {
      provider: 'deepseek',
      operation: 'chat',
      model: 'deepseek-chat',
      plan: 'deepseek/deepseek-chat',
      source: 'catalog',
      cost: '0.00030464',
      'gen_ai.response.model': 'deepseek-chat',
      'gen_ai.usage.cache_read.input_tokens': 1024,
    });
    assert.deepEqual(metered(out, span), oneCallAt('0.00030464'));
  });

  it('openai → https://api.x.ai/v1, streamed: reasoning tokens billed as output', async function () {
    const out = await openaiAt('x_ai/chat-stream', 'https://api.x.ai/v1', 'grok-4-1-fast-reasoning', 'chat-stream');
    const span = onlySpan(out, 'api.x.ai', '/v1/chat/completions');
    // 50 × 0.20/1M + 100 × 0.05/1M + (12 + 200) × 0.50/1M
    assert.deepEqual(priced(span, 'gen_ai.response.model', 'gen_ai.usage.output_tokens', 'gen_ai.usage.reasoning.output_tokens'), {
      provider: 'x_ai',
      operation: 'chat',
      model: 'grok-4-1-fast-reasoning',
      plan: 'x_ai/grok-4-1-fast',
      source: 'catalog',
      cost: '0.000121',
      'gen_ai.response.model': 'grok-4-1-fast-reasoning',
      'gen_ai.usage.output_tokens': 212,
      'gen_ai.usage.reasoning.output_tokens': 200,
    });
  });

  it('openai → https://api.together.xyz/v1, streamed', async function () {
    const out = await openaiAt(
      'together_ai/chat-stream',
      'https://api.together.xyz/v1',
      'meta-llama/Llama-3.3-70B-Instruct-Turbo',
      'chat-stream',
    );
    const span = onlySpan(out, 'api.together.xyz', '/v1/chat/completions');
    // 150 × 0.88/1M
    assert.deepEqual(priced(span, 'gen_ai.response.model'), {
      provider: 'together_ai',
      operation: 'chat',
      model: 'meta-llama/Llama-3.3-70B-Instruct-Turbo',
      plan: 'together_ai/llama-3.3-70b-instruct-turbo',
      source: 'catalog',
      cost: '0.000132',
      'gen_ai.response.model': 'meta-llama/Llama-3.3-70B-Instruct-Turbo',
    });
  });

  it('openai → https://api.fireworks.ai/inference/v1: embeddings', async function () {
    const out = await openaiAt(
      'fireworks_ai/embeddings',
      'https://api.fireworks.ai/inference/v1',
      'nomic-ai/nomic-embed-text-v1.5',
      'embeddings',
    );
    const span = onlySpan(out, 'api.fireworks.ai', '/inference/v1/embeddings');
    // 9 × 0.008/1M
    assert.deepEqual(priced(span, 'gen_ai.response.model'), {
      provider: 'fireworks_ai',
      operation: 'embeddings',
      model: 'nomic-ai/nomic-embed-text-v1.5',
      plan: 'fireworks_ai/embeddings-up-to-150m',
      source: 'catalog',
      cost: '7.2e-8',
      'gen_ai.response.model': 'nomic-ai/nomic-embed-text-v1.5',
    });
  });

  it("openai → https://openrouter.ai/api/v1: OpenRouter's reported cost wins, ours beside it", async function () {
    const out = await openaiAt('openrouter/chat', 'https://openrouter.ai/api/v1', 'openai/gpt-4o-mini', 'chat');
    const span = onlySpan(out, 'openrouter.ai', '/api/v1/chat/completions');
    // Ours: 1200 × 0.15/1M + 300 × 0.50/1M; OpenRouter's usage.cost: 0.00036
    assert.deepEqual(priced(span, 'gen_ai.response.model', 'ai.cost.currency', 'ai.cost.catalog_amount'), {
      provider: 'openrouter',
      operation: 'chat',
      model: 'openai/gpt-4o-mini',
      plan: 'test/openrouter-gpt-4o-mini',
      source: 'provider',
      cost: '0.00036',
      'gen_ai.response.model': 'openai/gpt-4o-mini',
      'ai.cost.currency': 'USD',
      'ai.cost.catalog_amount': 0.00033,
    });
  });

  it('openai → https://openrouter.ai/api/v1, streamed, a model no catalog knows: the reported cost alone', async function () {
    const out = await openaiAt('openrouter/chat-stream', 'https://openrouter.ai/api/v1', 'anthropic/claude-sonnet-4.5', 'chat-stream');
    const span = onlySpan(out, 'openrouter.ai', '/api/v1/chat/completions');
    assert.deepEqual(priced(span, 'gen_ai.response.model', 'ai.cost.catalog_amount', 'ai.pricing.unpriced_reason'), {
      provider: 'openrouter',
      operation: 'chat',
      model: 'anthropic/claude-sonnet-4.5',
      plan: undefined,
      source: 'provider',
      cost: '0.007125',
      'gen_ai.response.model': 'anthropic/claude-sonnet-4.5',
      'ai.cost.catalog_amount': undefined,
      'ai.pricing.unpriced_reason': undefined,
    });
  });
});
