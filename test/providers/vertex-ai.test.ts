import { strict as assert } from 'node:assert';
import { ProviderRegistry } from '../../src/providers/registry.js';
import { claudeModelName, vertexAiAdapter } from '../../src/providers/vertex-ai.js';
import { loadFixture, priceWithDefaultCatalog, replay, requestHead, usageFacts } from '../support/fixtures.js';

describe('Vertex AI adapter', function () {
  const GLOBAL = 'https://aiplatform.googleapis.com';
  const run = (name: string, base = GLOBAL, options?: { events?: number }) =>
    replay(vertexAiAdapter, loadFixture('vertex-ai', name), base, options);

  it('Gemini generateContent on a regional endpoint: model and location from the path, thinking billed as output', function () {
    const { route, reader, facts } = run('generate-content', 'https://us-central1-aiplatform.googleapis.com');
    assert.equal(route.operation, 'generate_content');
    assert.equal(reader.requestModel, 'gemini-2.5-flash');
    assert.deepEqual(usageFacts(facts), {
      responseModel: 'gemini-2.5-flash',
      items: [
        {
          operation: 'generate_content',
          model: 'gemini-2.5-flash',
          fallbackModel: 'gemini-2.5-flash',
          usage: { input_tokens: 12, output_tokens: 68 },
          dimensions: { location: 'us-central1' },
        },
      ],
      semconv: { inputTokens: 12, outputTokens: 68, cacheReadInputTokens: undefined, reasoningOutputTokens: 20 },
    });
    // 12 × 0.30/1M + 68 × 2.50/1M
    assert.deepEqual(priceWithDefaultCatalog('gcp.vertex_ai', facts.items[0]!), {
      plan: 'vertex/gemini-2.5-flash',
      tier: 'standard',
      cost: '0.0001736',
    });
  });

  it('Gemini streamGenerateContent with alt=sse on the global location (v1beta1): the last cumulative usage', function () {
    const { facts } = run('stream-sse-global');
    assert.deepEqual(facts.items, [
      {
        operation: 'generate_content',
        model: 'gemini-2.5-pro',
        fallbackModel: 'gemini-2.5-pro',
        usage: { input_tokens: 1200, output_tokens: 800 },
        dimensions: { location: 'global' },
      },
    ]);
    assert.equal(facts.complete, true);
    // 1200 × 1.25/1M + 800 × 10/1M
    assert.deepEqual(priceWithDefaultCatalog('gcp.vertex_ai', facts.items[0]!), {
      plan: 'vertex/gemini-2.5-pro',
      tier: 'standard',
      cost: '0.0095',
    });
  });

  it('Gemini 2.5 Pro prompts over 200K tokens use the long-context rates', function () {
    const item = {
      operation: 'generate_content',
      model: 'gemini-2.5-pro',
      usage: { input_tokens: 200_001, output_tokens: 1000 },
      dimensions: { location: 'europe-west4' },
    };
    // 200001 × 2.50/1M + 1000 × 15/1M
    assert.deepEqual(priceWithDefaultCatalog('gcp.vertex_ai', item), {
      plan: 'vertex/gemini-2.5-pro',
      tier: 'long-context',
      cost: '0.5150025',
    });
  });

  it('express mode (no project in the path) streamed as a JSON array: the location is the global endpoint', function () {
    const { reader, facts } = run('express-stream-json-array');
    assert.equal(reader.requestModel, 'gemini-2.5-flash');
    assert.deepEqual(facts.items, [
      {
        operation: 'generate_content',
        model: 'gemini-2.5-flash',
        fallbackModel: 'gemini-2.5-flash',
        usage: { input_tokens: 9, output_tokens: 31 },
        dimensions: { location: 'global' },
      },
    ]);
    // 9 × 0.30/1M + 31 × 2.50/1M
    assert.equal(priceWithDefaultCatalog('gcp.vertex_ai', facts.items[0]!).cost, '0.0000802');
  });

  it('Claude rawPredict: the model from the path, its @ date read as the Messages API name', function () {
    const { route, reader, facts } = run('claude-raw-predict', 'https://us-east5-aiplatform.googleapis.com');
    assert.equal(route.operation, 'chat');
    assert.equal(reader.requestModel, 'claude-sonnet-4@20250514');
    assert.deepEqual(usageFacts(facts), {
      responseModel: 'claude-sonnet-4-20250514',
      items: [
        {
          operation: 'chat',
          model: 'claude-sonnet-4-20250514',
          fallbackModel: 'claude-sonnet-4-20250514',
          usage: { input_tokens: 21, cached_input_tokens: 0, cache_write_tokens: 0, output_tokens: 64 },
          dimensions: { location: 'us-east5' },
        },
      ],
      semconv: { inputTokens: 21, outputTokens: 64, cacheReadInputTokens: 0, cacheCreationInputTokens: 0 },
    });
    // 21 × 3/1M + 64 × 15/1M
    assert.deepEqual(priceWithDefaultCatalog('gcp.vertex_ai', facts.items[0]!), {
      plan: 'vertex/claude-sonnet-4',
      tier: 'standard',
      cost: '0.001023',
    });
  });

  it('Claude streamRawPredict on the global endpoint: message_start and message_delta usage', function () {
    const { facts } = run('claude-stream-raw-predict');
    assert.deepEqual(facts.items, [
      {
        operation: 'chat',
        model: 'claude-haiku-4-5-20251001',
        fallbackModel: 'claude-haiku-4-5-20251001',
        usage: { input_tokens: 15, cached_input_tokens: 0, cache_write_tokens: 0, output_tokens: 40 },
        dimensions: { location: 'global' },
      },
    ]);
    assert.equal(facts.complete, true);
    // 15 × 1/1M + 40 × 5/1M
    assert.deepEqual(priceWithDefaultCatalog('gcp.vertex_ai', facts.items[0]!), {
      plan: 'vertex/claude-haiku-4-5',
      tier: 'global',
      cost: '0.000215',
    });
  });

  it('a Claude stream cut before message_delta is priced as far as it was observed, not complete', function () {
    const { facts } = run('claude-stream-raw-predict', GLOBAL, { events: 3 });
    assert.deepEqual(facts.items[0]!.usage, { input_tokens: 15, cached_input_tokens: 0, cache_write_tokens: 0, output_tokens: 1 });
    assert.equal(facts.complete, undefined);
  });

  it('a response without model is priced with the path model, normalised', function () {
    const head = requestHead('/v1/projects/p/locations/global/publishers/anthropic/models/claude-haiku-4-5@20251001:rawPredict', {
      host: 'aiplatform.googleapis.com',
    });
    const reader = vertexAiAdapter.route(head)!.begin(new Map(), head);
    const facts = reader.finish({ status: 200, aborted: false, response: new Map([['usage', [{ input_tokens: 3, output_tokens: 4 }]]]) });
    assert.equal(facts.items[0]!.model, 'claude-haiku-4-5-20251001');
    assert.deepEqual(facts.items[0]!.dimensions, { location: 'global' });
  });

  it('says noUsage for a 429 error body', function () {
    assert.deepEqual(usageFacts(run('rate-limit', 'https://us-central1-aiplatform.googleapis.com').facts), {
      responseModel: undefined,
      items: [],
      noUsage: true,
    });
  });

  it('Claude Haiku 4.5 on a regional endpoint: every rate 10% over the global one, cache reads and writes included', function () {
    const { facts } = run('claude-haiku-regional-raw-predict', 'https://us-east5-aiplatform.googleapis.com');
    assert.deepEqual(facts.items, [
      {
        operation: 'chat',
        model: 'claude-haiku-4-5-20251001',
        fallbackModel: 'claude-haiku-4-5-20251001',
        usage: { input_tokens: 1200, cached_input_tokens: 4000, cache_write_tokens: 600, output_tokens: 350 },
        dimensions: { location: 'us-east5' },
      },
    ]);
    // 1200 × 1.10/1M + 4000 × 0.11/1M + 600 × 1.375/1M + 350 × 5.50/1M
    assert.deepEqual(priceWithDefaultCatalog('gcp.vertex_ai', facts.items[0]!), {
      plan: 'vertex/claude-haiku-4-5',
      tier: 'regional',
      cost: '0.00451',
    });
    // The same call on the global endpoint: 1200 × 1/1M + 4000 × 0.10/1M + 600 × 1.25/1M + 350 × 5/1M
    const global = { ...facts.items[0]!, dimensions: { location: 'global' } };
    assert.deepEqual(priceWithDefaultCatalog('gcp.vertex_ai', global), { plan: 'vertex/claude-haiku-4-5', tier: 'global', cost: '0.0041' });
  });

  it('Claude Sonnet 4.5 on the us multi-region endpoint: the regional rates, long prompts at the regional long-context rates', function () {
    /** A rawPredict answered with `usage`, on `host` at `location`, read as capture reads it. */
    const call = (host: string, location: string, usage: Record<string, number>) =>
      replay(
        vertexAiAdapter,
        {
          description: 'Claude Sonnet 4.5 rawPredict',
          request: {
            method: 'POST',
            path: `/v1/projects/p/locations/${location}/publishers/anthropic/models/claude-sonnet-4-5@20250929:rawPredict`,
            headers: { 'content-type': 'application/json' },
            body: { anthropic_version: 'vertex-2023-10-16', max_tokens: 1024, messages: [{ role: 'user', content: 'Hi' }] },
          },
          response: {
            status: 200,
            headers: { 'content-type': 'application/json' },
            body: { type: 'message', role: 'assistant', model: 'claude-sonnet-4-5-20250929', content: [], usage },
          },
        },
        `https://${host}`,
      ).facts.items[0]!;
    const short = { input_tokens: 2000, cache_read_input_tokens: 0, cache_creation_input_tokens: 0, output_tokens: 500 };
    const multiRegion = call('aiplatform.us.rep.googleapis.com', 'us', short);
    assert.deepEqual(multiRegion.dimensions, { location: 'us' });
    // 2000 × 3.30/1M + 500 × 16.50/1M
    assert.deepEqual(priceWithDefaultCatalog('gcp.vertex_ai', multiRegion), {
      plan: 'vertex/claude-sonnet-4-5',
      tier: 'regional',
      cost: '0.01485',
    });
    // 2000 × 3/1M + 500 × 15/1M
    assert.deepEqual(priceWithDefaultCatalog('gcp.vertex_ai', call('aiplatform.googleapis.com', 'global', short)), {
      plan: 'vertex/claude-sonnet-4-5',
      tier: 'global',
      cost: '0.0135',
    });
    // The prompt (150000 + 60000 cached) is over 200K: 150000 × 6.60/1M + 60000 × 0.66/1M + 1000 × 24.75/1M
    const long = { input_tokens: 150_000, cache_read_input_tokens: 60_000, cache_creation_input_tokens: 0, output_tokens: 1000 };
    assert.deepEqual(priceWithDefaultCatalog('gcp.vertex_ai', call('europe-west1-aiplatform.googleapis.com', 'europe-west1', long)), {
      plan: 'vertex/claude-sonnet-4-5',
      tier: 'regional-long-context',
      cost: '1.05435',
    });
    // On the global endpoint: 150000 × 6/1M + 60000 × 0.60/1M + 1000 × 22.50/1M
    assert.deepEqual(priceWithDefaultCatalog('gcp.vertex_ai', call('aiplatform.googleapis.com', 'global', long)), {
      plan: 'vertex/claude-sonnet-4-5',
      tier: 'global-long-context',
      cost: '0.9585',
    });
  });

  it('the location comes from the path, else the regional or multi-region host, else global', function () {
    const express = '/v1/publishers/google/models/gemini-2.5-flash:generateContent';
    const location = (path: string, host: string) => {
      const head = requestHead(path, { host });
      const reader = vertexAiAdapter.route(head)!.begin(new Map(), head);
      const usage = { promptTokenCount: 1, candidatesTokenCount: 1 };
      return reader.finish({ status: 200, aborted: false, response: new Map([['usageMetadata', [usage]]]) }).items[0]!.dimensions;
    };
    assert.deepEqual(location(express, 'aiplatform.googleapis.com'), { location: 'global' });
    assert.deepEqual(location(express, 'europe-west4-aiplatform.googleapis.com'), { location: 'europe-west4' });
    assert.deepEqual(location(express, 'aiplatform.eu.rep.googleapis.com'), { location: 'eu' });
    assert.deepEqual(
      location(
        '/v1/projects/p/locations/asia-northeast1/publishers/google/models/gemini-2.5-flash:generateContent',
        'aiplatform.googleapis.com',
      ),
      { location: 'asia-northeast1' },
    );
  });

  it('leaves countTokens, Claude count-tokens, other methods and GETs alone', function () {
    const base = '/v1/projects/p/locations/us-central1/publishers';
    assert.equal(vertexAiAdapter.route(requestHead(`${base}/google/models/gemini-2.5-flash:countTokens`)), undefined);
    assert.equal(vertexAiAdapter.route(requestHead(`${base}/google/models/gemini-2.5-flash:computeTokens`)), undefined);
    assert.equal(vertexAiAdapter.route(requestHead(`${base}/anthropic/models/count-tokens:rawPredict`)), undefined);
    assert.equal(vertexAiAdapter.route(requestHead(`${base}/anthropic/models/claude-sonnet-4@20250514:countTokens`)), undefined);
    assert.equal(vertexAiAdapter.route(requestHead(`${base}/meta/models/llama-4:rawPredict`)), undefined);
    assert.equal(vertexAiAdapter.route(requestHead(`${base}/google/models/gemini-2.5-flash`, { method: 'GET' })), undefined);
    assert.equal(
      vertexAiAdapter.route(requestHead(`${base}/google/models/gemini-2.5-flash:generateContent`, { method: 'GET' })),
      undefined,
    );
    assert.equal(vertexAiAdapter.route(requestHead('/v1/projects/p/locations/us-central1/endpoints/123:predict')), undefined);
  });

  it('is recognised on the global, regional and multi-region hosts, not on other Google hosts', function () {
    const registry = new ProviderRegistry([vertexAiAdapter]);
    const path = '/v1/projects/p/locations/us-central1/publishers/google/models/gemini-2.5-flash:generateContent';
    for (const host of ['aiplatform.googleapis.com', 'us-central1-aiplatform.googleapis.com', 'aiplatform.us.rep.googleapis.com']) {
      assert.equal(registry.recognize('POST', host, path, () => undefined)?.adapter.provider, 'gcp.vertex_ai', host);
    }
    assert.equal(registry.knowsHost('generativelanguage.googleapis.com'), false);
    assert.equal(registry.knowsHost('aiplatform.googleapis.com.evil.example'), false);
  });

  it('unescapes the path model (%40 for @), and keeps a malformed escape as it is', function () {
    const path = (model: string) => `/v1/projects/p/locations/global/publishers/anthropic/models/${model}:rawPredict`;
    assert.equal(
      vertexAiAdapter.route(requestHead(path('claude-sonnet-4%4020250514')))!.begin(new Map(), requestHead('/')).requestModel,
      'claude-sonnet-4@20250514',
    );
    assert.equal(
      vertexAiAdapter.route(requestHead(path('claude-%E0%A4%A')))!.begin(new Map(), requestHead('/')).requestModel,
      'claude-%E0%A4%A',
    );
  });

  it('reads Claude @ names as the Messages API names', function () {
    assert.equal(claudeModelName('claude-sonnet-4@20250514'), 'claude-sonnet-4-20250514');
    assert.equal(claudeModelName('claude-sonnet-4-20250514'), 'claude-sonnet-4-20250514');
    assert.equal(claudeModelName(undefined), undefined);
  });
});
