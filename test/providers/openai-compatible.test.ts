import { strict as assert } from 'node:assert';
import { BUILT_IN_ADAPTERS } from '../../src/providers/index.js';
import {
  deepseekAdapter,
  fireworksAdapter,
  groqAdapter,
  openRouterAdapter,
  togetherAdapter,
  xaiAdapter,
} from '../../src/providers/openai-compatible.js';
import { ProviderRegistry } from '../../src/providers/registry.js';
import type { CallFacts, ProviderAdapter } from '../../src/providers/types.js';
import { headOf, loadFixture, priceWithDefaultCatalog, replay, requestHead, usageFacts } from '../support/fixtures.js';
import { extractFields } from '../../src/providers/fields.js';
import { sseEvents } from '../support/sse-events.js';

/** A chat reader of `adapter` finished with a hand-made JSON usage object. */
function finishWithUsage(adapter: ProviderAdapter, usage: unknown, path = '/chat/completions'): CallFacts {
  const head = requestHead(path);
  const reader = adapter.route(head)!.begin(new Map([['model', ['m']]]), head);
  return reader.finish({ status: 200, aborted: false, response: new Map([['usage', [usage]]]) });
}

/** A chat reader of `adapter` given these stream events' data. */
function finishStream(adapter: ProviderAdapter, events: readonly unknown[], path = '/chat/completions'): CallFacts {
  const head = requestHead(path);
  const reader = adapter.route(head)!.begin(new Map([['model', ['m']]]), head);
  for (const e of events) reader.onEvent!('message', typeof e === 'string' ? e : JSON.stringify(e));
  return reader.finish({ status: 200, aborted: false, response: new Map() });
}

describe('OpenAI-compatible providers', function () {
  describe('streams read with event skipping record what they record without it', function () {
    const STREAMS: readonly [ProviderAdapter, string, string, string][] = [
      [groqAdapter, 'groq', 'chat-stream', 'https://api.groq.com/openai/v1'],
      [deepseekAdapter, 'deepseek', 'chat-stream', 'https://api.deepseek.com'],
      [xaiAdapter, 'x_ai', 'chat-stream', 'https://api.x.ai/v1'],
      [togetherAdapter, 'together_ai', 'chat-stream', 'https://api.together.xyz/v1'],
      [fireworksAdapter, 'fireworks_ai', 'chat-stream', 'https://api.fireworks.ai/inference/v1'],
      [openRouterAdapter, 'openrouter', 'chat-stream', 'https://openrouter.ai/api/v1'],
    ];
    for (const [adapter, provider, name, base] of STREAMS) {
      it(`${provider} ${name}`, function () {
        const fixture = loadFixture(provider, name);
        const head = headOf(fixture, base);
        const route = adapter.route(head)!;
        const reader = route.begin(extractFields(fixture.request.body, route.requestFields), head);
        let skipped = 0;
        for (const block of (fixture.response.body as string).split('\n\n')) {
          // Capture passes over an event whose bytes hold none of the patterns the reader still needs.
          const needs = reader.skipEventsWithout?.();
          if (needs !== undefined && !needs.some((n) => block.includes(n))) {
            skipped++;
            continue;
          }
          for (const e of sseEvents(block)) reader.onEvent!(e.event, e.data);
        }
        const skipping = reader.finish({ status: 200, response: new Map(), aborted: false });
        assert.ok(skipped > 0, 'some events were skipped');
        assert.deepEqual(skipping, replay(adapter, fixture, base).facts);
      });
    }
  });

  describe('recognised by their public hosts, with no endpoint configured', function () {
    const registry = new ProviderRegistry(BUILT_IN_ADAPTERS);
    const recognise = (host: string, path: string, method = 'POST') => {
      const r = registry.recognize(method, host, path, () => undefined);
      return r === undefined ? undefined : [r.adapter.provider, r.route.operation, r.head.path];
    };

    it('at the base URLs their official clients use', function () {
      assert.deepEqual(recognise('api.groq.com', '/openai/v1/chat/completions'), ['groq', 'chat', '/chat/completions']);
      assert.deepEqual(recognise('api.deepseek.com', '/chat/completions'), ['deepseek', 'chat', '/chat/completions']);
      assert.deepEqual(recognise('api.deepseek.com', '/v1/chat/completions'), ['deepseek', 'chat', '/v1/chat/completions']);
      assert.deepEqual(recognise('api.deepseek.com', '/beta/completions'), ['deepseek', 'text_completion', '/beta/completions']);
      assert.deepEqual(recognise('api.x.ai', '/v1/chat/completions'), ['x_ai', 'chat', '/chat/completions']);
      assert.deepEqual(recognise('api.x.ai', '/v1/responses'), ['x_ai', 'chat', '/responses']);
      assert.deepEqual(recognise('api.together.xyz', '/v1/chat/completions'), ['together_ai', 'chat', '/chat/completions']);
      assert.deepEqual(recognise('api.together.xyz', '/v1/completions'), ['together_ai', 'text_completion', '/completions']);
      assert.deepEqual(recognise('api.together.xyz', '/v1/embeddings'), ['together_ai', 'embeddings', '/embeddings']);
      assert.deepEqual(recognise('api.fireworks.ai', '/inference/v1/chat/completions'), ['fireworks_ai', 'chat', '/chat/completions']);
      assert.deepEqual(recognise('api.fireworks.ai', '/inference/v1/embeddings'), ['fireworks_ai', 'embeddings', '/embeddings']);
      assert.deepEqual(recognise('openrouter.ai', '/api/v1/chat/completions'), ['openrouter', 'chat', '/chat/completions']);
      assert.deepEqual(recognise('openrouter.ai', '/api/v1/embeddings'), ['openrouter', 'embeddings', '/embeddings']);
    });

    it('and leave other paths and methods alone', function () {
      assert.equal(recognise('api.groq.com', '/openai/v1/models', 'GET'), undefined);
      assert.equal(recognise('api.groq.com', '/openai/v1/chat/completions', 'GET'), undefined);
      assert.equal(recognise('api.deepseek.com', '/user/balance', 'GET'), undefined);
      assert.equal(recognise('api.x.ai', '/v1/api-key', 'GET'), undefined);
      assert.equal(recognise('openrouter.ai', '/api/v1/credits', 'GET'), undefined);
      // The website on the same host is not the API.
      assert.equal(recognise('openrouter.ai', '/chat/completions'), undefined);
      assert.equal(recognise('api.fireworks.ai', '/v1/accounts/acme/deployments'), undefined);
    });
  });

  describe('Groq', function () {
    const BASE = 'https://api.groq.com/openai/v1';
    const run = (name: string, options?: { events?: number }) => replay(groqAdapter, loadFixture('groq', name), BASE, options);

    it('chat: OpenAI-style usage next to the timings', function () {
      const { route, reader, facts } = run('chat');
      assert.equal(route.operation, 'chat');
      assert.equal(reader.requestModel, 'llama-3.3-70b-versatile');
      assert.deepEqual(usageFacts(facts), {
        responseModel: 'llama-3.3-70b-versatile',
        items: [
          {
            operation: 'chat',
            model: 'llama-3.3-70b-versatile',
            fallbackModel: 'llama-3.3-70b-versatile',
            usage: { input_tokens: 44, output_tokens: 120 },
            dimensions: { service_tier: 'on_demand' },
          },
        ],
        semconv: { inputTokens: 44, outputTokens: 120, cacheReadInputTokens: undefined },
      });
      // 44 × 0.59/1M + 120 × 0.79/1M
      assert.deepEqual(priceWithDefaultCatalog('groq', facts.items[0]!), {
        plan: 'groq/llama-3.3-70b-versatile',
        tier: 'standard',
        cost: '0.00012076',
      });
    });

    it("stream: usage from the final chunk's x_groq.usage, cached tokens billed apart, reasoning as output", function () {
      const { facts } = run('chat-stream');
      assert.equal(facts.complete, true);
      assert.deepEqual(usageFacts(facts), {
        responseModel: 'openai/gpt-oss-120b',
        items: [
          {
            operation: 'chat',
            model: 'openai/gpt-oss-120b',
            fallbackModel: 'openai/gpt-oss-120b',
            usage: { input_tokens: 576, cached_input_tokens: 1024, output_tokens: 310 },
            dimensions: undefined,
          },
        ],
        semconv: { inputTokens: 1600, outputTokens: 310, cacheReadInputTokens: 1024, reasoningOutputTokens: 250 },
      });
      // 576 × 0.15/1M + 1024 × 0.075/1M + 310 × 0.60/1M
      assert.deepEqual(priceWithDefaultCatalog('groq', facts.items[0]!), {
        plan: 'groq/gpt-oss-120b',
        tier: 'standard',
        cost: '0.0003492',
      });
    });

    it('the commonly called models each have a built-in plan, cached prompt tokens at their own rate', function () {
      /** A stream whose last chunk names `model` and carries `usage` in x_groq, as Groq sends it. */
      const item = (model: string, usage: Record<string, unknown>) =>
        finishStream(groqAdapter, [
          { model, choices: [{ delta: { content: 'x' } }] },
          { model, choices: [{ delta: {}, finish_reason: 'stop' }], x_groq: { id: 'req_1', usage } },
          '[DONE]',
        ]).items[0]!;
      const cases: [string, Record<string, unknown>, string, string][] = [
        // 10000 × 0.05/1M + 2000 × 0.08/1M
        ['llama-3.1-8b-instant', { prompt_tokens: 10_000, completion_tokens: 2000 }, 'groq/llama-3.1-8b-instant', '0.00066'],
        // 6000 × 0.075/1M + 4000 × 0.0375/1M + 2000 × 0.30/1M
        [
          'openai/gpt-oss-20b',
          { prompt_tokens: 10_000, completion_tokens: 2000, prompt_tokens_details: { cached_tokens: 4000 } },
          'groq/gpt-oss-20b',
          '0.0012',
        ],
        // 8000 × 0.11/1M + 1500 × 0.34/1M
        ['meta-llama/llama-4-scout-17b-16e-instruct', { prompt_tokens: 8000, completion_tokens: 1500 }, 'groq/llama-4-scout', '0.00139'],
        // 8000 × 0.20/1M + 1500 × 0.60/1M
        [
          'meta-llama/llama-4-maverick-17b-128e-instruct',
          { prompt_tokens: 8000, completion_tokens: 1500 },
          'groq/llama-4-maverick',
          '0.0025',
        ],
        // 6000 × 1/1M + 4000 × 0.50/1M + 2000 × 3/1M
        [
          'moonshotai/kimi-k2-instruct-0905',
          { prompt_tokens: 10_000, completion_tokens: 2000, prompt_tokens_details: { cached_tokens: 4000 } },
          'groq/kimi-k2-instruct',
          '0.014',
        ],
        // 3000 × 1/1M + 700 × 3/1M
        ['moonshotai/kimi-k2-instruct', { prompt_tokens: 3000, completion_tokens: 700 }, 'groq/kimi-k2-instruct', '0.0051'],
      ];
      for (const [model, usage, plan, cost] of cases) {
        assert.deepEqual(priceWithDefaultCatalog('groq', item(model, usage)), { plan, tier: 'standard', cost }, model);
      }
    });

    it('stream cut before the final chunk: noUsage', function () {
      assert.deepEqual(usageFacts(run('chat-stream', { events: 3 }).facts), {
        responseModel: 'openai/gpt-oss-120b',
        items: [],
        noUsage: true,
      });
    });

    it('a top-level usage (stream_options.include_usage) is read too, and is not counted twice', function () {
      const usage = { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 };
      const facts = finishStream(groqAdapter, [
        { model: 'llama-3.1-8b-instant', choices: [{ delta: { content: 'x' } }] },
        { model: 'llama-3.1-8b-instant', choices: [], usage, x_groq: { id: 'req_1', usage } },
        '[DONE]',
      ]);
      assert.deepEqual(facts.items[0]!.usage, { input_tokens: 7, output_tokens: 3 });
    });
  });

  describe('DeepSeek', function () {
    const BASE = 'https://api.deepseek.com';
    const run = (name: string) => replay(deepseekAdapter, loadFixture('deepseek', name), BASE);

    it('cache hits are billed at the cache-hit rate, misses as input: prompt_tokens = hit + miss', function () {
      const { facts } = run('chat-cache-hit');
      assert.deepEqual(usageFacts(facts), {
        responseModel: 'deepseek-chat',
        items: [
          {
            operation: 'chat',
            model: 'deepseek-chat',
            fallbackModel: 'deepseek-chat',
            usage: { input_tokens: 176, cached_input_tokens: 1024, output_tokens: 80 },
            dimensions: undefined,
          },
        ],
        semconv: { inputTokens: 1200, outputTokens: 80, cacheReadInputTokens: 1024 },
      });
      // 176 × 0.56/1M + 1024 × 0.07/1M + 80 × 1.68/1M
      assert.deepEqual(priceWithDefaultCatalog('deepseek', facts.items[0]!), {
        plan: 'deepseek/deepseek-chat',
        tier: 'standard',
        cost: '0.00030464',
      });
    });

    it('deepseek-reasoner: reasoning tokens are in completion_tokens, billed once as output', function () {
      const { facts } = run('reasoner');
      assert.deepEqual(facts.items[0]!.usage, { input_tokens: 20, cached_input_tokens: 0, output_tokens: 500 });
      assert.deepEqual(facts.semconv, { inputTokens: 20, outputTokens: 500, cacheReadInputTokens: 0, reasoningOutputTokens: 430 });
      // 20 × 0.56/1M + 500 × 1.68/1M
      assert.deepEqual(priceWithDefaultCatalog('deepseek', facts.items[0]!), {
        plan: 'deepseek/deepseek-reasoner',
        tier: 'standard',
        cost: '0.0008512',
      });
    });

    it('stream: the usage chunk after keep-alive comments', function () {
      const { facts } = run('chat-stream');
      assert.equal(facts.complete, true);
      assert.deepEqual(facts.items[0]!.usage, { input_tokens: 260, cached_input_tokens: 640, output_tokens: 40 });
      // 260 × 0.56/1M + 640 × 0.07/1M + 40 × 1.68/1M
      assert.equal(priceWithDefaultCatalog('deepseek', facts.items[0]!).cost, '0.0002576');
    });

    it('one of hit and miss is enough; without either, cached_tokens is read as OpenAI does', function () {
      assert.deepEqual(
        finishWithUsage(deepseekAdapter, { prompt_tokens: 100, completion_tokens: 5, prompt_cache_hit_tokens: 64 }).items[0]!.usage,
        { input_tokens: 36, cached_input_tokens: 64, output_tokens: 5 },
      );
      assert.deepEqual(
        finishWithUsage(deepseekAdapter, { prompt_tokens: 100, completion_tokens: 5, prompt_cache_miss_tokens: 30 }).items[0]!.usage,
        { input_tokens: 30, cached_input_tokens: 70, output_tokens: 5 },
      );
      assert.deepEqual(
        finishWithUsage(deepseekAdapter, { prompt_tokens: 100, completion_tokens: 5, prompt_tokens_details: { cached_tokens: 40 } })
          .items[0]!.usage,
        { input_tokens: 60, cached_input_tokens: 40, output_tokens: 5 },
      );
    });

    it('a hostile cache count voids the usage rather than billing part of it', function () {
      const facts = finishWithUsage(deepseekAdapter, { prompt_tokens: 100, completion_tokens: 5, prompt_cache_hit_tokens: -1 });
      assert.deepEqual(usageFacts(facts), { responseModel: undefined, items: [], noUsage: true });
    });

    it('FIM completions (/beta/completions) are text_completion, priced with deepseek-chat', function () {
      const facts = finishWithUsage(
        deepseekAdapter,
        { prompt_tokens: 10, completion_tokens: 10, prompt_cache_hit_tokens: 0, prompt_cache_miss_tokens: 10 },
        '/beta/completions',
      );
      assert.equal(facts.items[0]!.operation, 'text_completion');
      assert.equal(priceWithDefaultCatalog('deepseek', { ...facts.items[0]!, model: 'deepseek-chat' }).cost, '0.0000224');
    });
  });

  describe('xAI', function () {
    const BASE = 'https://api.x.ai/v1';
    const run = (name: string) => replay(xaiAdapter, loadFixture('x_ai', name), BASE);

    it('reasoning tokens, left out of completion_tokens, are added to the billed output', function () {
      const { facts } = run('chat-reasoning');
      assert.deepEqual(usageFacts(facts), {
        responseModel: 'grok-3-mini',
        items: [
          {
            operation: 'chat',
            model: 'grok-3-mini',
            fallbackModel: 'grok-3-mini',
            usage: { input_tokens: 26, cached_input_tokens: 6, audio_input_tokens: 0, output_tokens: 103, audio_output_tokens: 0 },
            dimensions: undefined,
          },
        ],
        semconv: { inputTokens: 32, outputTokens: 103, cacheReadInputTokens: 6, reasoningOutputTokens: 94 },
      });
      // 26 × 0.30/1M + 6 × 0.075/1M + 103 × 0.50/1M
      assert.deepEqual(priceWithDefaultCatalog('x_ai', facts.items[0]!), {
        plan: 'x_ai/grok-3-mini',
        tier: 'standard',
        cost: '0.00005975',
      });
    });

    it('stream: the usage chunk, reasoning added the same way', function () {
      const { facts } = run('chat-stream');
      assert.equal(facts.complete, true);
      assert.deepEqual(facts.items[0]!.usage, {
        input_tokens: 50,
        cached_input_tokens: 100,
        audio_input_tokens: 0,
        output_tokens: 212,
        audio_output_tokens: 0,
      });
      // 50 × 0.20/1M + 100 × 0.05/1M + 212 × 0.50/1M
      assert.deepEqual(priceWithDefaultCatalog('x_ai', facts.items[0]!), {
        plan: 'x_ai/grok-4-1-fast',
        tier: 'standard',
        cost: '0.000121',
      });
    });

    it('Responses API: reasoning left out of output_tokens is added the same way', function () {
      const { route, facts } = run('responses');
      assert.equal(route.operation, 'chat');
      assert.deepEqual(facts.items[0]!.usage, { input_tokens: 24, cached_input_tokens: 8, output_tokens: 119 });
      assert.deepEqual(facts.semconv, { inputTokens: 32, outputTokens: 119, cacheReadInputTokens: 8, reasoningOutputTokens: 110 });
      // 24 × 2.00/1M + 8 × 0.20/1M + 119 × 6.00/1M
      assert.deepEqual(priceWithDefaultCatalog('x_ai', facts.items[0]!), { plan: 'x_ai/grok-4.20', tier: 'standard', cost: '0.0007636' });
    });

    it('reasoning already counted in completion_tokens (total = prompt + completion) is not billed twice', function () {
      const facts = finishWithUsage(xaiAdapter, {
        prompt_tokens: 10,
        completion_tokens: 50,
        total_tokens: 60,
        completion_tokens_details: { reasoning_tokens: 40 },
      });
      assert.deepEqual(facts.items[0]!.usage, { input_tokens: 10, output_tokens: 50 });
      assert.deepEqual(facts.semconv, { inputTokens: 10, outputTokens: 50, cacheReadInputTokens: undefined, reasoningOutputTokens: 40 });
    });
  });

  describe('Together AI', function () {
    const BASE = 'https://api.together.xyz/v1';
    const run = (name: string) => replay(togetherAdapter, loadFixture('together_ai', name), BASE);

    it('chat and its stream (usage in the last chunk, unasked; null usage before)', function () {
      const expected = {
        responseModel: 'meta-llama/Llama-3.3-70B-Instruct-Turbo',
        items: [
          {
            operation: 'chat',
            model: 'meta-llama/Llama-3.3-70B-Instruct-Turbo',
            fallbackModel: 'meta-llama/Llama-3.3-70B-Instruct-Turbo',
            usage: { input_tokens: 50, output_tokens: 100 },
            dimensions: undefined,
          },
        ],
        semconv: { inputTokens: 50, outputTokens: 100, cacheReadInputTokens: undefined },
      };
      assert.deepEqual(usageFacts(run('chat').facts), expected);
      assert.deepEqual(usageFacts(run('chat-stream').facts), expected);
    });

    it('the commonly called serverless models each have a built-in plan', function () {
      /** A chat answered by `model` with this usage, as Together AI's JSON body carries it. */
      const item = (model: string, prompt: number, completion: number) => {
        const head = requestHead('/chat/completions');
        const reader = togetherAdapter.route(head)!.begin(new Map([['model', [model]]]), head);
        const body = { model, usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion } };
        return reader.finish({ status: 200, aborted: false, response: extractFields(body, reader.responseFields) }).items[0]!;
      };
      const cases: [string, number, number, string, string][] = [
        // (5000 + 1000) × 0.18/1M
        ['meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo', 5000, 1000, 'together_ai/llama-3.1-8b-instruct-turbo', '0.00108'],
        // (5000 + 1000) × 0.88/1M
        ['meta-llama/Meta-Llama-3.1-70B-Instruct-Turbo', 5000, 1000, 'together_ai/llama-3.1-70b-instruct-turbo', '0.00528'],
        // (3000 + 1000) × 1.25/1M
        ['deepseek-ai/DeepSeek-V3', 3000, 1000, 'together_ai/deepseek-v3', '0.005'],
        // (3000 + 1000) × 1.20/1M
        ['Qwen/Qwen2.5-72B-Instruct-Turbo', 3000, 1000, 'together_ai/qwen2.5-72b-instruct-turbo', '0.0048'],
        // 3000 × 0.15/1M + 1000 × 0.60/1M
        ['openai/gpt-oss-120b', 3000, 1000, 'together_ai/gpt-oss-120b', '0.00105'],
      ];
      for (const [model, prompt, completion, plan, cost] of cases) {
        assert.deepEqual(priceWithDefaultCatalog('together_ai', item(model, prompt, completion)), { plan, tier: 'standard', cost }, model);
      }
    });

    it('embeddings without a usage block: noUsage, never a zero', function () {
      const head = requestHead('/embeddings');
      const reader = togetherAdapter.route(head)!.begin(new Map([['model', ['BAAI/bge-large-en-v1.5']]]), head);
      assert.deepEqual(usageFacts(reader.finish({ status: 200, aborted: false, response: new Map() })), {
        responseModel: undefined,
        items: [],
        noUsage: true,
      });
    });
  });

  describe('Fireworks AI', function () {
    const BASE = 'https://api.fireworks.ai/inference/v1';
    const run = (name: string) => replay(fireworksAdapter, loadFixture('fireworks_ai', name), BASE);
    const MODEL = 'accounts/fireworks/models/llama-v3p3-70b-instruct';

    it('chat and its stream, priced at the 16.1B-80B serverless rate', function () {
      for (const name of ['chat', 'chat-stream']) {
        const { facts } = run(name);
        assert.deepEqual(facts.items, [
          { operation: 'chat', model: MODEL, fallbackModel: MODEL, usage: { input_tokens: 40, output_tokens: 60 }, dimensions: undefined },
        ]);
        // 100 × 0.90/1M
        assert.deepEqual(priceWithDefaultCatalog('fireworks_ai', facts.items[0]!), {
          plan: 'fireworks_ai/serverless-16b-80b',
          tier: 'standard',
          cost: '0.00009',
        });
      }
    });

    it('embeddings', function () {
      const { route, facts } = run('embeddings');
      assert.equal(route.operation, 'embeddings');
      assert.deepEqual(usageFacts(facts), {
        responseModel: 'nomic-ai/nomic-embed-text-v1.5',
        items: [
          {
            operation: 'embeddings',
            model: 'nomic-ai/nomic-embed-text-v1.5',
            fallbackModel: 'nomic-ai/nomic-embed-text-v1.5',
            usage: { input_tokens: 9 },
          },
        ],
        semconv: { inputTokens: 9 },
      });
      // 9 × 0.008/1M
      assert.equal(priceWithDefaultCatalog('fireworks_ai', facts.items[0]!).cost, '0.000000072');
    });
  });

  describe('OpenRouter', function () {
    const BASE = 'https://openrouter.ai/api/v1';
    const run = (name: string) => replay(openRouterAdapter, loadFixture('openrouter', name), BASE);

    it("chat: usage.cost (credits = USD) is the provider's cost", function () {
      const { facts } = run('chat');
      assert.deepEqual(usageFacts(facts), {
        responseModel: 'openai/gpt-4o-mini',
        items: [
          {
            operation: 'chat',
            model: 'openai/gpt-4o-mini',
            fallbackModel: 'openai/gpt-4o-mini',
            usage: { input_tokens: 1200, cached_input_tokens: 0, audio_input_tokens: 0, output_tokens: 300 },
            dimensions: undefined,
          },
        ],
        semconv: { inputTokens: 1200, outputTokens: 300, cacheReadInputTokens: 0, reasoningOutputTokens: 0 },
        providerCost: { amount: '0.00036', currency: 'USD' },
      });
    });

    it('stream: the cost from the final usage chunk, after the processing comments', function () {
      const { facts } = run('chat-stream');
      assert.equal(facts.complete, true);
      assert.equal(facts.responseModel, 'anthropic/claude-sonnet-4.5');
      assert.deepEqual(facts.items[0]!.usage, { input_tokens: 500, cached_input_tokens: 1500, audio_input_tokens: 0, output_tokens: 150 });
      assert.deepEqual(facts.providerCost, { amount: '0.007125', currency: 'USD' });
    });

    it('embeddings report their cost too; an unbelievable cost is dropped, the usage kept', function () {
      const head = requestHead('/embeddings');
      const finish = (usage: unknown) =>
        openRouterAdapter
          .route(head)!
          .begin(new Map([['model', ['openai/text-embedding-3-small']]]), head)
          .finish({ status: 200, aborted: false, response: new Map([['usage', [usage]]]) });
      assert.deepEqual(finish({ prompt_tokens: 8, total_tokens: 8, cost: 1.6e-7 }).providerCost, { amount: '0.00000016', currency: 'USD' });
      const hostile = finish({ prompt_tokens: 8, total_tokens: 8, cost: 1e300 });
      assert.equal(hostile.providerCost, undefined);
      assert.deepEqual(hostile.items[0]!.usage, { input_tokens: 8 });
    });

    it('a 429 error body: noUsage, and no cost', function () {
      assert.deepEqual(usageFacts(run('rate-limit').facts), { responseModel: undefined, items: [], noUsage: true });
    });
  });
});
