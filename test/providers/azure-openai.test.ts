import { strict as assert } from 'node:assert';
import { AZURE_PRICED_AS, azureOpenAiAdapter } from '../../src/providers/azure-openai.js';
import { loadFixture, priceWithDefaultCatalog, replay, requestHead, usageFacts } from '../support/fixtures.js';

const BASE = 'https://contoso-eastus.openai.azure.com';
const run = (name: string) => replay(azureOpenAiAdapter, loadFixture('azure-openai', name), BASE);
const priceAsOpenAi = (item: Parameters<typeof priceWithDefaultCatalog>[1]) => priceWithDefaultCatalog(azureOpenAiAdapter.pricedAs!, item);

describe('Azure OpenAI adapter', function () {
  it('is its own provider, priced with OpenAI plans', function () {
    assert.equal(azureOpenAiAdapter.provider, 'azure.ai.openai');
    assert.equal(azureOpenAiAdapter.pricedAs, 'openai');
    assert.equal(AZURE_PRICED_AS, 'openai');
  });

  it('deployment chat: the response model prices the call, the deployment is the fallback; cached tokens apart', function () {
    const { route, reader, facts } = run('chat-deployment-cached');
    assert.equal(route.operation, 'chat');
    assert.equal(reader.requestModel, 'gpt4o-prod');
    assert.equal(facts.responseModel, 'gpt-4o-2024-11-20');
    assert.deepEqual(facts.items, [
      {
        operation: 'chat',
        model: 'gpt-4o-2024-11-20',
        fallbackModel: 'gpt4o-prod',
        usage: { input_tokens: 326, cached_input_tokens: 1024, audio_input_tokens: 0, output_tokens: 120, audio_output_tokens: 0 },
        dimensions: undefined,
      },
    ]);
    assert.deepEqual(facts.semconv, { inputTokens: 1350, outputTokens: 120, cacheReadInputTokens: 1024, reasoningOutputTokens: 0 });
    // 326 × 2.50/1M + 1024 × 1.25/1M + 120 × 10/1M
    assert.deepEqual(priceAsOpenAi(facts.items[0]!), { plan: 'openai/gpt-4o', tier: 'standard', cost: '0.003295' });
  });

  it('deployment stream: skips the filter-results chunk with an empty model, reads the usage chunk', function () {
    const { facts } = run('chat-stream-deployment');
    assert.equal(facts.responseModel, 'gpt-4o-mini-2024-07-18');
    assert.deepEqual(facts.items, [
      {
        operation: 'chat',
        model: 'gpt-4o-mini-2024-07-18',
        fallbackModel: 'chat-mini',
        usage: { input_tokens: 13, cached_input_tokens: 0, audio_input_tokens: 0, output_tokens: 9, audio_output_tokens: 0 },
        dimensions: undefined,
      },
    ]);
    assert.equal(priceAsOpenAi(facts.items[0]!).cost, '0.00000735');
  });

  it('v1 Responses API: the deployment named in the body is the fallback model', function () {
    const { reader, facts } = run('responses-v1');
    assert.equal(reader.requestModel, 'mini-responses');
    assert.deepEqual(facts.items, [
      {
        operation: 'chat',
        model: 'gpt-4.1-mini',
        fallbackModel: 'mini-responses',
        usage: { input_tokens: 14, cached_input_tokens: 0, output_tokens: 3 },
        dimensions: { service_tier: 'default' },
      },
    ]);
    assert.equal(priceAsOpenAi(facts.items[0]!).cost, '0.0000104');
  });

  it('deployment embeddings', function () {
    const { facts } = run('embeddings-deployment');
    assert.deepEqual(facts.items, [
      { operation: 'embeddings', model: 'text-embedding-3-small', fallbackModel: 'embed-small', usage: { input_tokens: 3 } },
    ]);
    assert.equal(priceAsOpenAi(facts.items[0]!).cost, '0.00000006');
  });

  it('prices by the deployment name when the response names no model', function () {
    const head = requestHead('/openai/deployments/gpt-4o-mini/chat/completions', { query: 'api-version=2024-10-21' });
    const reader = azureOpenAiAdapter.route(head)!.begin(new Map(), head);
    const facts = reader.finish({
      status: 200,
      aborted: false,
      response: new Map([['usage', [{ prompt_tokens: 1000, completion_tokens: 100 }]]]),
    });
    assert.equal(facts.items[0]!.model, 'gpt-4o-mini');
    // 1000 × 0.15/1M + 100 × 0.60/1M
    assert.equal(priceAsOpenAi(facts.items[0]!).cost, '0.00021');
  });

  it('says noUsage for a 429 error body', function () {
    const { facts } = run('rate-limit');
    assert.deepEqual(usageFacts(facts), { responseModel: undefined, items: [], noUsage: true });
  });

  describe('routes', function () {
    const route = (path: string, method = 'POST') =>
      azureOpenAiAdapter.route(requestHead(path, { method, host: 'contoso.cognitiveservices.azure.com' }));

    it('knows the resource host suffixes', function () {
      assert.deepEqual(azureOpenAiAdapter.hostSuffixes, ['.openai.azure.com', '.cognitiveservices.azure.com']);
    });

    it('recognises deployment paths, the v1 API and the preview Responses API', function () {
      assert.equal(route('/openai/deployments/d/chat/completions')?.operation, 'chat');
      assert.equal(route('/openai/deployments/d/responses')?.operation, 'chat');
      assert.equal(route('/openai/deployments/d/embeddings')?.operation, 'embeddings');
      assert.equal(route('/openai/deployments/d/images/generations')?.operation, 'image_generation');
      assert.equal(route('/openai/deployments/d/audio/transcriptions')?.operation, 'audio_transcription');
      assert.equal(route('/openai/deployments/d/audio/speech')?.operation, 'audio_speech');
      assert.equal(route('/openai/v1/chat/completions')?.operation, 'chat');
      assert.equal(route('/openai/v1/embeddings')?.operation, 'embeddings');
      assert.equal(route('/openai/responses')?.operation, 'chat');
    });

    it('leaves other Azure AI services on the same hosts, and other methods, alone', function () {
      assert.equal(route('/language/:analyze-text'), undefined);
      assert.equal(route('/contentsafety/text:analyze'), undefined);
      assert.equal(route('/deployments/d/chat/completions'), undefined);
      assert.equal(route('/openai/deployments/d/chat/completions', 'GET'), undefined);
      assert.equal(route('/openai/deployments'), undefined);
      assert.equal(route('/openai/deployments/d/completions'), undefined);
      assert.equal(route('/openai/v1/models', 'GET'), undefined);
    });
  });
});
