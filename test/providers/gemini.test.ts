import { strict as assert } from 'node:assert';
import { geminiAdapter } from '../../src/providers/gemini.js';
import { loadFixture, priceWithDefaultCatalog, replay, requestHead, usageFacts } from '../support/fixtures.js';

const BASE = 'https://generativelanguage.googleapis.com';
const run = (name: string, options?: { events?: number }) => replay(geminiAdapter, loadFixture('gemini', name), BASE, options);

describe('Gemini adapter', function () {
  it("is the GenAI conventions' gcp.gemini, its generateContent their generate_content", function () {
    assert.equal(geminiAdapter.provider, 'gcp.gemini');
    const head = (method: string) => requestHead(`/v1beta/models/gemini-2.5-flash:${method}`);
    assert.equal(geminiAdapter.route(head('generateContent'))?.operation, 'generate_content');
    assert.equal(geminiAdapter.route(head('streamGenerateContent'))?.operation, 'generate_content');
    assert.equal(geminiAdapter.route(head('embedContent'))?.operation, 'embeddings');
  });

  it('bills thinking tokens as output; the model comes from the path and modelVersion', function () {
    const { route, reader, facts } = run('generate-content');
    assert.equal(route.operation, 'generate_content');
    assert.equal(reader.requestModel, 'gemini-2.5-flash');
    assert.equal(facts.responseModel, 'gemini-2.5-flash');
    assert.deepEqual(facts.items, [
      {
        operation: 'generate_content',
        model: 'gemini-2.5-flash',
        fallbackModel: 'gemini-2.5-flash',
        usage: { input_tokens: 12, output_tokens: 999 },
      },
    ]);
    // Thinking tokens are reasoning tokens, and part of the output.
    assert.deepEqual(facts.semconv, { inputTokens: 12, outputTokens: 999, cacheReadInputTokens: undefined, reasoningOutputTokens: 951 });
    // 12 × 0.30/1M + (48 + 951) × 2.50/1M
    assert.deepEqual(priceWithDefaultCatalog('gcp.gemini', facts.items[0]!), {
      plan: 'google/gemini-2.5-flash',
      tier: 'standard',
      cost: '0.0025011',
    });
  });

  it('takes cached content out of input_tokens (promptTokenCount includes it); semconv input keeps it', function () {
    const { facts } = run('generate-content-cached');
    assert.deepEqual(facts.items, [
      {
        operation: 'generate_content',
        model: 'gemini-2.5-pro',
        fallbackModel: 'gemini-2.5-pro',
        usage: { input_tokens: 210, cached_input_tokens: 40000, output_tokens: 470 },
      },
    ]);
    assert.deepEqual(facts.semconv, { inputTokens: 40210, outputTokens: 470, cacheReadInputTokens: 40000, reasoningOutputTokens: 320 });
    // 210 × 1.25/1M + 40000 × 0.125/1M + 470 × 10/1M, standard tier (40,210 prompt tokens)
    assert.deepEqual(priceWithDefaultCatalog('gcp.gemini', facts.items[0]!), {
      plan: 'google/gemini-2.5-pro',
      tier: 'standard',
      cost: '0.0099625',
    });
  });

  describe('streamGenerateContent', function () {
    it('alt=sse: the last cumulative usage; tool-use prompt tokens billed as input; search queries as web_search', function () {
      const { facts } = run('stream-sse-grounded');
      assert.equal(facts.responseModel, 'gemini-3.1-pro-preview');
      assert.deepEqual(facts.items, [
        {
          operation: 'generate_content',
          model: 'gemini-3.1-pro-preview',
          fallbackModel: 'gemini-3.1-pro-preview',
          usage: { input_tokens: 1235, output_tokens: 582 },
        },
        { operation: 'web_search', model: 'gemini-3.1-pro-preview', usage: { web_search_requests: 2 } },
      ]);
      assert.deepEqual(facts.semconv, {
        inputTokens: 1235,
        outputTokens: 582,
        cacheReadInputTokens: undefined,
        reasoningOutputTokens: 402,
      });
      // (25 + 1210) × 2/1M + (180 + 402) × 12/1M
      assert.equal(priceWithDefaultCatalog('gcp.gemini', facts.items[0]!).cost, '0.009454');
      assert.deepEqual(priceWithDefaultCatalog('gcp.gemini', facts.items[1]!), {
        plan: 'google/grounding-google-search-gemini-3',
        tier: 'standard',
        cost: '0.028',
      });
    });

    it('alt=sse cut short: priced from the last chunk seen', function () {
      const { facts } = run('stream-sse-grounded', { events: 1 });
      assert.deepEqual(facts.items, [
        {
          operation: 'generate_content',
          model: 'gemini-3.1-pro-preview',
          fallbackModel: 'gemini-3.1-pro-preview',
          usage: { input_tokens: 25, output_tokens: 402 },
        },
      ]);
    });

    it('a streamed JSON array (no alt=sse): the last element is final', function () {
      const { reader, facts } = run('stream-json-array');
      assert.deepEqual(
        reader.responseFields.map((f) => f.path),
        ['*.usageMetadata', '*.modelVersion', '*.candidates.*.groundingMetadata.webSearchQueries'],
      );
      assert.deepEqual(facts.items, [
        {
          operation: 'generate_content',
          model: 'gemini-2.5-flash',
          fallbackModel: 'gemini-2.5-flash',
          usage: { input_tokens: 9, output_tokens: 31 },
        },
      ]);
      assert.equal(priceWithDefaultCatalog('gcp.gemini', facts.items[0]!).cost, '0.0000802');
    });
  });

  describe('embeddings', function () {
    it('batchEmbedContents: prompt tokens from usageMetadata', function () {
      const { route, reader, facts } = run('batch-embed-contents');
      assert.equal(route.operation, 'embeddings');
      assert.equal(reader.requestModel, 'gemini-embedding-001');
      assert.deepEqual(facts.items, [{ operation: 'embeddings', model: 'gemini-embedding-001', usage: { input_tokens: 6 } }]);
      assert.deepEqual(facts.semconv, { inputTokens: 6 });
    });

    it('embedContent without usageMetadata: noUsage', function () {
      const { facts } = run('embed-content-no-usage');
      assert.deepEqual(usageFacts(facts), { items: [], noUsage: true });
    });
  });

  it('says noUsage for a 429 RESOURCE_EXHAUSTED error', function () {
    const { facts } = run('rate-limit');
    assert.deepEqual(usageFacts(facts), { responseModel: undefined, items: [], noUsage: true });
  });

  it('ignores hostile numbers and cleans the model name', function () {
    const head = requestHead('/v1beta/models/gemini-2.5-flash:generateContent');
    const reader = geminiAdapter.route(head)!.begin(new Map(), head);
    const facts = reader.finish({
      status: 200,
      aborted: false,
      response: new Map<string, unknown[]>([
        ['modelVersion', ['gemini-2.5-flash\r\n']],
        ['usageMetadata', [{ promptTokenCount: -3, candidatesTokenCount: 1e300, thoughtsTokenCount: 'NaN', cachedContentTokenCount: 5 }]],
      ]),
    });
    assert.deepEqual(usageFacts(facts), { responseModel: 'gemini-2.5-flash', items: [], noUsage: true });
  });

  describe('routes', function () {
    it('takes the model from the path: models/ stripped, tuned models named in full, v1 and v1beta', function () {
      const modelOf = (path: string) => {
        const head = requestHead(path);
        return geminiAdapter.route(head)!.begin(new Map(), head).requestModel;
      };
      assert.equal(modelOf('/v1/models/gemini-2.5-pro:generateContent'), 'gemini-2.5-pro');
      assert.equal(modelOf('/v1beta/tunedModels/my-support-bot-7x2k:generateContent'), 'tunedModels/my-support-bot-7x2k');
    });

    it('leaves countTokens, other methods and other paths alone', function () {
      assert.equal(geminiAdapter.route(requestHead('/v1beta/models/gemini-2.5-flash:countTokens')), undefined);
      assert.equal(geminiAdapter.route(requestHead('/v1beta/models/gemini-2.5-flash', { method: 'GET' })), undefined);
      assert.equal(geminiAdapter.route(requestHead('/v1beta/models/gemini-2.5-flash:generateContent', { method: 'GET' })), undefined);
      assert.equal(geminiAdapter.route(requestHead('/v1beta/cachedContents')), undefined);
      assert.equal(geminiAdapter.route(requestHead('/upload/v1beta/files')), undefined);
    });
  });
});
