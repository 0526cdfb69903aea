// The OpenAI-compatible providers at their real host names over TLS (a network namespace of the
// test's own, see test/support/real-hosts.ts): groq-sdk with its default base URL, and the openai
// client with baseURL set to each compatible host, recognised with no endpoint configured and
// priced exactly once.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runScenario, type ScenarioOut } from '../support/real-hosts.js';

type Out = ScenarioOut;

/**
 * The built-in catalog prices Groq only for llama-3.3-70b-versatile: the Groq call here (gpt-oss-120b)
 * is priced with this test catalog's made-up rates, layered over the default through
 * PRICETAG_CATALOGS as a user would. The Together AI call is priced by the built-in plan. The
 * OpenRouter plan gives ours to compare with the cost OpenRouter reports.
 */
const TEST_CATALOG = `catalog: compatible-test-rates
currency: USD
plans:
  - id: test/groq-gpt-oss-120b
    provider: groq
    operations: [chat]
    models: [openai/gpt-oss-120b]
    charges:
      - { unit: input_tokens, rate: "0.15", per: 1000000 }
      - { unit: cached_input_tokens, rate: "0.075", per: 1000000 }
      - { unit: output_tokens, rate: "0.60", per: 1000000 }
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
  let dir: string;
  let catalog: string;

  before(function () {
    dir = mkdtempSync(join(tmpdir(), 'pricetag-compatible-'));
    catalog = join(dir, 'test-rates.yaml');
    writeFileSync(catalog, TEST_CATALOG);
  });
  after(function () {
    rmSync(dir, { recursive: true, force: true });
  });

  const run = (scenario: string, fixture: string, host: string, env: Record<string, string> = {}): Promise<Out> =>
    runScenario(scenario, fixture, [host], { PRICETAG_CATALOGS: catalog, ...env });

  /** The one span of the run, after checking the one request reached `host` at `path`. */
  function onlySpan(out: Out, host: string, path: string): Record<string, unknown> {
    assert.deepEqual(
      out.received.map((r) => [r.method, r.path, r.host]),
      [['POST', path, host]],
    );
    assert.equal(out.spans.length, 1, 'priced exactly once');
    const span = out.spans[0]!;
    assert.equal(span['server.address'], host);
    // Neither prompts nor keys reach the span.
    const text = JSON.stringify(span);
    for (const secret of ['screws', 'Pine or oak', 'not-a-key']) assert.ok(!text.includes(secret), `span carries ${secret}`);
    return span;
  }

  const pick = (span: Record<string, unknown>, ...names: string[]) => Object.fromEntries(names.map((n) => [n, span[n]]));
  const PRICED = ['gen_ai.provider.name', 'gen_ai.response.model', 'ai.pricing.plan', 'ai.cost.source', 'ai.cost.amount'];

  it('groq-sdk, default base URL, streamed: usage from x_groq.usage', async function () {
    const out = await run('compatible-groq.ts', 'groq/chat-stream', 'api.groq.com');
    const span = onlySpan(out, 'api.groq.com', '/openai/v1/chat/completions');
    // 576 × 0.15/1M + 1024 × 0.075/1M + 310 × 0.60/1M
    assert.deepEqual(pick(span, ...PRICED, 'gen_ai.usage.input_tokens', 'gen_ai.usage.cache_read.input_tokens'), {
      'gen_ai.provider.name': 'groq',
      'gen_ai.response.model': 'openai/gpt-oss-120b',
      'ai.pricing.plan': 'test/groq-gpt-oss-120b',
      'ai.cost.source': 'catalog',
      'ai.cost.amount': 0.0003492,
      'gen_ai.usage.input_tokens': 1600,
      'gen_ai.usage.cache_read.input_tokens': 1024,
    });
  });

  it('openai → https://api.deepseek.com: cache hits at the cache-hit rate', async function () {
    const out = await run('compatible-openai.ts', 'deepseek/chat-cache-hit', 'api.deepseek.com', {
      COMPATIBLE_BASE_URL: 'https://api.deepseek.com',
      COMPATIBLE_MODEL: 'deepseek-chat',
      COMPATIBLE_CALL: 'chat',
    });
    const span = onlySpan(out, 'api.deepseek.com', '/chat/completions');
    // 176 × 0.56/1M + 1024 × 0.07/1M + 80 × 1.68/1M
    assert.deepEqual(pick(span, ...PRICED, 'gen_ai.usage.cache_read.input_tokens'), {
      'gen_ai.provider.name': 'deepseek',
      'gen_ai.response.model': 'deepseek-chat',
      'ai.pricing.plan': 'deepseek/deepseek-chat',
      'ai.cost.source': 'catalog',
      'ai.cost.amount': 0.00030464,
      'gen_ai.usage.cache_read.input_tokens': 1024,
    });
  });

  it('openai → https://api.x.ai/v1, streamed: reasoning tokens billed as output', async function () {
    const out = await run('compatible-openai.ts', 'x_ai/chat-stream', 'api.x.ai', {
      COMPATIBLE_BASE_URL: 'https://api.x.ai/v1',
      COMPATIBLE_MODEL: 'grok-4-1-fast-reasoning',
      COMPATIBLE_CALL: 'chat-stream',
    });
    const span = onlySpan(out, 'api.x.ai', '/v1/chat/completions');
    // 50 × 0.20/1M + 100 × 0.05/1M + (12 + 200) × 0.50/1M
    assert.deepEqual(pick(span, ...PRICED, 'gen_ai.usage.output_tokens', 'gen_ai.usage.reasoning.output_tokens'), {
      'gen_ai.provider.name': 'x_ai',
      'gen_ai.response.model': 'grok-4-1-fast-reasoning',
      'ai.pricing.plan': 'x_ai/grok-4-1-fast',
      'ai.cost.source': 'catalog',
      'ai.cost.amount': 0.000121,
      'gen_ai.usage.output_tokens': 212,
      'gen_ai.usage.reasoning.output_tokens': 200,
    });
  });

  it('openai → https://api.together.xyz/v1, streamed', async function () {
    const out = await run('compatible-openai.ts', 'together_ai/chat-stream', 'api.together.xyz', {
      COMPATIBLE_BASE_URL: 'https://api.together.xyz/v1',
      COMPATIBLE_MODEL: 'meta-llama/Llama-3.3-70B-Instruct-Turbo',
      COMPATIBLE_CALL: 'chat-stream',
    });
    const span = onlySpan(out, 'api.together.xyz', '/v1/chat/completions');
    // 150 × 0.88/1M
    assert.deepEqual(pick(span, ...PRICED), {
      'gen_ai.provider.name': 'together_ai',
      'gen_ai.response.model': 'meta-llama/Llama-3.3-70B-Instruct-Turbo',
      'ai.pricing.plan': 'together_ai/llama-3.3-70b-instruct-turbo',
      'ai.cost.source': 'catalog',
      'ai.cost.amount': 0.000132,
    });
  });

  it('openai → https://api.fireworks.ai/inference/v1: embeddings', async function () {
    const out = await run('compatible-openai.ts', 'fireworks_ai/embeddings', 'api.fireworks.ai', {
      COMPATIBLE_BASE_URL: 'https://api.fireworks.ai/inference/v1',
      COMPATIBLE_MODEL: 'nomic-ai/nomic-embed-text-v1.5',
      COMPATIBLE_CALL: 'embeddings',
    });
    const span = onlySpan(out, 'api.fireworks.ai', '/inference/v1/embeddings');
    // 9 × 0.008/1M
    assert.deepEqual(pick(span, ...PRICED, 'gen_ai.operation.name'), {
      'gen_ai.provider.name': 'fireworks_ai',
      'gen_ai.response.model': 'nomic-ai/nomic-embed-text-v1.5',
      'ai.pricing.plan': 'fireworks_ai/embeddings-up-to-150m',
      'ai.cost.source': 'catalog',
      'ai.cost.amount': 7.2e-8,
      'gen_ai.operation.name': 'embeddings',
    });
  });

  it("openai → https://openrouter.ai/api/v1: OpenRouter's reported cost wins, ours beside it", async function () {
    const out = await run('compatible-openai.ts', 'openrouter/chat', 'openrouter.ai', {
      COMPATIBLE_BASE_URL: 'https://openrouter.ai/api/v1',
      COMPATIBLE_MODEL: 'openai/gpt-4o-mini',
      COMPATIBLE_CALL: 'chat',
    });
    const span = onlySpan(out, 'openrouter.ai', '/api/v1/chat/completions');
    // Ours: 1200 × 0.15/1M + 300 × 0.50/1M; OpenRouter's usage.cost: 0.00036
    assert.deepEqual(pick(span, ...PRICED, 'ai.cost.currency', 'ai.cost.catalog_amount'), {
      'gen_ai.provider.name': 'openrouter',
      'gen_ai.response.model': 'openai/gpt-4o-mini',
      'ai.pricing.plan': 'test/openrouter-gpt-4o-mini',
      'ai.cost.source': 'provider',
      'ai.cost.amount': 0.00036,
      'ai.cost.currency': 'USD',
      'ai.cost.catalog_amount': 0.00033,
    });
  });

  it('openai → https://openrouter.ai/api/v1, streamed, a model no catalog knows: the reported cost alone', async function () {
    const out = await run('compatible-openai.ts', 'openrouter/chat-stream', 'openrouter.ai', {
      COMPATIBLE_BASE_URL: 'https://openrouter.ai/api/v1',
      COMPATIBLE_MODEL: 'anthropic/claude-sonnet-4.5',
      COMPATIBLE_CALL: 'chat-stream',
    });
    const span = onlySpan(out, 'openrouter.ai', '/api/v1/chat/completions');
    assert.deepEqual(pick(span, ...PRICED, 'ai.cost.catalog_amount', 'ai.pricing.unpriced_reason'), {
      'gen_ai.provider.name': 'openrouter',
      'gen_ai.response.model': 'anthropic/claude-sonnet-4.5',
      'ai.pricing.plan': undefined,
      'ai.cost.source': 'provider',
      'ai.cost.amount': 0.007125,
      'ai.cost.catalog_amount': undefined,
      'ai.pricing.unpriced_reason': undefined,
    });
  });
});
