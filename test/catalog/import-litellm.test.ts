import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { importLiteLLM, LITELLM_SOURCE, type LiteLLMImportResult } from '../../src/catalog/import/litellm/index.js';
import { loadCatalogs } from '../../src/catalog/load.js';
import type { ChargeDocument, PlanDocument } from '../../src/catalog/schema.js';
import { validateCatalogValue } from '../../src/catalog/validate.js';
import type { Pricer } from '../../src/pricing/pricer.js';
import type { Dimensions, PriceResult, Usage } from '../../src/pricing/types.js';
import { LITELLM_SAMPLE } from '../support/reference-data.js';

const SAMPLE_URL = LITELLM_SAMPLE;

const sample = JSON.parse(readFileSync(SAMPLE_URL, 'utf8')) as Record<string, unknown>;

function pricerOf(result: LiteLLMImportResult): Pricer {
  const loaded = loadCatalogs([{ name: 'litellm', document: result.document }], { includeDefault: false });
  if (!loaded.ok) assert.fail(loaded.problems.map((p) => `${p.path.join('.')}: ${p.message}`).join('\n'));
  return loaded.pricer;
}

function priced(result: PriceResult): { cost: string; tier: string; plan: string } {
  if (!result.priced) assert.fail(`unpriced: ${result.reason}`);
  return { cost: result.cost.toFixed(), tier: result.tier.name, plan: result.plan.id };
}

function planOf(result: LiteLLMImportResult, key: string): PlanDocument {
  const plan = result.document.plans.find((p) => p.id === `litellm/${key}`);
  assert.ok(plan, `no plan for ${key}`);
  return plan;
}

function allCharges(plan: PlanDocument): ChargeDocument[] {
  return [...(plan.charges ?? []), ...(plan.tiers ?? []).flatMap((t) => t.charges)];
}

function droppedFields(result: LiteLLMImportResult, key: string): string[] {
  return result.dropped.filter((d) => d.key === key).map((d) => d.field);
}

describe('importLiteLLM on the real LiteLLM excerpt', function () {
  let result: LiteLLMImportResult;
  let pricer: Pricer;

  const price = (provider: string, operation: string, model: string, usage: Usage, dimensions?: Dimensions) =>
    priced(pricer.price({ provider, operation, model, usage, dimensions }));
  const priceWithPlan = (key: string, usage: Usage, dimensions?: Dimensions) =>
    priced(pricer.priceWithPlan(`litellm/${key}`, usage, dimensions));

  before(function () {
    result = importLiteLLM(sample, { asOf: '2026-11-27' });
    pricer = pricerOf(result);
  });

  describe('the document', function () {
    it('validates as a catalog', function () {
      const validation = validateCatalogValue(result.document, 'x');
      assert.equal(validation.ok, true, validation.ok ? '' : JSON.stringify(validation.problems, null, 2));
      assert.equal(result.document.catalog, 'litellm-import');
      assert.equal(result.document.currency, 'USD');
    });

    it('accounts for every key once: a plan litellm/<key> or a skipped entry', function () {
      const keys = Object.keys(sample);
      assert.equal(keys.length, 70);
      const converted = result.document.plans.map((p) => p.id.replace(/^litellm\//, ''));
      const skipped = result.skipped.map((s) => s.key);
      assert.deepEqual([...converted, ...skipped].sort(), [...keys].sort());
      assert.equal(converted.length, 65);
    });

    it('skips the two non-model keys, with reasons', function () {
      const reasons = new Map(result.skipped.map((s) => [s.key, s.reason]));
      assert.match(reasons.get('sample_spec') ?? '', /schema example/);
      assert.match(reasons.get('fallback_generalizations') ?? '', /routing rules/);
    });

    it('skips entries without mode or without any price, and one whose only price is not convertible', function () {
      const reasons = new Map(result.skipped.map((s) => [s.key, s.reason]));
      assert.match(reasons.get('fireworks-ai-4.1b-to-16b') ?? '', /^no mode/);
      assert.equal(reasons.get('gradient_ai/openai-gpt-4o-mini'), 'no prices');
      assert.match(reasons.get('azure/container') ?? '', /^no convertible prices \(code_interpreter_cost_per_session: /);
      assert.equal(result.skipped.length, 5);
    });

    it('writes every rate as a plain decimal string, without exponent', function () {
      const rates = result.document.plans.flatMap(allCharges).map((c) => c.rate);
      assert.ok(rates.length > 100);
      for (const rate of rates) assert.match(String(rate), /^\d+(\.\d+)?$/);
    });

    it('converts per-token floats exactly, keeping LiteLLM digits without float noise from scaling', function () {
      const plan = planOf(result, 'databricks/databricks-meta-llama-3-1-8b-instruct');
      assert.deepEqual(plan.charges, [
        { unit: 'input_tokens', rate: '0.15000999999999998', per: 1000000 },
        { unit: 'output_tokens', rate: '0.45003000000000007', per: 1000000 },
      ]);
      // 1e6 × 1.5000999999999998e-07 + 1000 × 4.5003000000000007e-07
      assert.equal(
        price('databricks', 'chat', 'databricks-meta-llama-3-1-8b-instruct', { input_tokens: 1_000_000, output_tokens: 1000 }).cost,
        '0.15046002999999998007',
      );
    });

    it('puts as_of, source and a description on each plan', function () {
      for (const plan of result.document.plans) {
        assert.equal(plan.as_of, '2026-11-27');
        assert.equal(plan.source, LITELLM_SOURCE);
        assert.match(plan.description ?? '', /^LiteLLM entry "/);
      }
      assert.match(planOf(result, 'deepgram/nova-2').description ?? '', /provider pricing: https:\/\/deepgram\.com\/pricing/);
    });
  });

  describe('providers, operations and model names', function () {
    it("maps LiteLLM providers to ours (the GenAI conventions' well-known ids) where obvious and keeps the others", function () {
      const provider = (key: string) => planOf(result, key).provider;
      assert.equal(provider('gpt-4o-mini'), 'openai');
      assert.equal(provider('davinci-002'), 'openai'); // text-completion-openai
      assert.equal(provider('claude-3-haiku-20240307'), 'anthropic');
      assert.equal(provider('gemini/gemini-2.5-pro'), 'gcp.gemini'); // gemini
      assert.equal(provider('gemini-2.5-pro'), 'gcp.vertex_ai'); // vertex_ai-language-models
      assert.equal(provider('vertex_ai/chirp'), 'gcp.vertex_ai'); // vertex_ai
      assert.equal(provider('ai21.jamba-1-5-large-v1:0'), 'aws.bedrock'); // bedrock
      assert.equal(provider('amazon.nova-2-pro-preview-20251202-v1:0'), 'aws.bedrock'); // bedrock_converse
      assert.equal(provider('azure/gpt-4o-mini'), 'azure.ai.openai');
      assert.equal(provider('azure_ai/gpt-5.5'), 'azure.ai.inference');
      assert.equal(provider('mistral/mistral-large-2512'), 'mistral_ai');
      assert.equal(provider('perplexity/sonar'), 'perplexity');
      assert.equal(provider('xai/grok-4-fast-reasoning'), 'x_ai');
      assert.equal(provider('tavily/search'), 'tavily');
      assert.equal(provider('deepgram/nova-2'), 'deepgram');
    });

    it('maps modes to operations', function () {
      const operations = (key: string) => planOf(result, key).operations;
      assert.deepEqual(operations('gpt-4o'), ['chat']);
      assert.deepEqual(operations('davinci-002'), ['text_completion']); // completion
      assert.deepEqual(operations('gemini/gemini-2.5-pro'), ['generate_content']); // chat of a Gemini model
      assert.deepEqual(operations('gemini-2.5-pro'), ['generate_content']); // vertex_ai-language-models
      assert.deepEqual(operations('o1-pro'), ['chat']); // responses
      assert.deepEqual(operations('text-embedding-3-small'), ['embeddings']);
      assert.deepEqual(operations('black_forest_labs/flux-kontext-pro'), ['image_generation']); // image_edit
      assert.deepEqual(operations('deepgram/nova-2'), ['audio_transcription']);
      assert.deepEqual(operations('groq/playai-tts'), ['audio_speech']);
      assert.deepEqual(operations('text-moderation-latest'), ['moderation']);
      assert.deepEqual(operations('rerank-v3.5'), ['rerank']);
      assert.deepEqual(operations('tavily/search'), ['search']);
      assert.deepEqual(operations('reducto/parse-v3'), ['ocr']);
      assert.deepEqual(operations('gpt-4o-mini-realtime-preview'), ['realtime']); // unknown modes keep their name
    });

    it('names the model without the routing prefix and keeps the key as a second exact name', function () {
      assert.deepEqual(planOf(result, 'gpt-4o-mini').models, ['gpt-4o-mini']);
      assert.deepEqual(planOf(result, 'azure/gpt-4o-mini').models, ['gpt-4o-mini', 'azure/gpt-4o-mini']);
      assert.deepEqual(planOf(result, 'vertex_ai/claude-opus-4-1').models, ['claude-opus-4-1', 'vertex_ai/claude-opus-4-1']);
      assert.deepEqual(planOf(result, 'bedrock/us.anthropic.claude-3-5-haiku-20241022-v1:0').models, [
        'us.anthropic.claude-3-5-haiku-20241022-v1:0',
        'bedrock/us.anthropic.claude-3-5-haiku-20241022-v1:0',
      ]);
      // OpenRouter's own model ids carry the vendor: only LiteLLM's "openrouter/" goes.
      assert.deepEqual(planOf(result, 'openrouter/openai/gpt-4.1').models, ['openai/gpt-4.1', 'openrouter/openai/gpt-4.1']);
    });

    it('keeps a priced variant (size, quality, steps, data zone) to its LiteLLM key', function () {
      assert.deepEqual(planOf(result, 'hd/1024-x-1792/dall-e-3').models, ['hd/1024-x-1792/dall-e-3']);
      assert.deepEqual(planOf(result, 'low/1024-x-1024/gpt-image-1.5').models, ['low/1024-x-1024/gpt-image-1.5']);
      assert.deepEqual(planOf(result, 'azure/us/o3-mini-2025-01-31').models, ['azure/us/o3-mini-2025-01-31']);
      assert.match(
        planOf(result, '1024-x-1024/50-steps/bedrock/amazon.nova-canvas-v1:0').description ?? '',
        /variant of amazon\.nova-canvas-v1:0: size 1024x1024, 50 steps/,
      );
      // So the bare name still finds the token-priced entry, not the low-quality per-image variant.
      const bare = price('openai', 'image_generation', 'gpt-image-1.5', { input_tokens: 100, image_output_tokens: 1000 });
      assert.equal(bare.plan, 'litellm/gpt-image-1.5');
      // 100 × 5e-06 + 1000 × 3.2e-05
      assert.equal(bare.cost, '0.0325');
    });
  });

  describe('pricing converted plans', function () {
    it('prices a plain per-token chat model', function () {
      // 1000 × 5e-07 + 2000 × 1.5e-06
      assert.equal(price('mistral_ai', 'chat', 'mistral-large-2512', { input_tokens: 1000, output_tokens: 2000 }).cost, '0.0035');
      assert.equal(price('mistral_ai', 'chat', 'mistral/mistral-large-2512', { input_tokens: 1000, output_tokens: 2000 }).cost, '0.0035');
      // 1000 × 1.5e-07 + 2000 × 7.5e-08 (cached) + 500 × 6e-07
      const mini = price('openai', 'chat', 'gpt-4o-mini', { input_tokens: 1000, cached_input_tokens: 2000, output_tokens: 500 });
      assert.deepEqual(mini, { cost: '0.0006', tier: 'standard', plan: 'litellm/gpt-4o-mini' });
    });

    it('prices cache reads and cache writes', function () {
      // 1000 × 8e-07 + 10000 × 8e-08 + 2000 × 1e-06 + 300 × 4e-06
      const usage = { input_tokens: 1000, cached_input_tokens: 10000, cache_write_tokens: 2000, output_tokens: 300 };
      assert.equal(price('aws.bedrock', 'chat', 'us.anthropic.claude-3-5-haiku-20241022-v1:0', usage).cost, '0.0048');
      // 1000 × 2.5e-07 + 10000 × 3e-08 + 2000 × 3e-07 + 300 × 1.25e-06
      assert.equal(price('anthropic', 'chat', 'claude-3-haiku-20240307', usage).cost, '0.001525');
    });

    it('chooses the above-200k tier at 200001 input tokens and the standard one at 200000', function () {
      const model = 'claude-4-sonnet-20250514';
      // 200000 × 3e-06 + 1000 × 1.5e-05
      assert.deepEqual(price('anthropic', 'chat', model, { input_tokens: 200_000, output_tokens: 1000 }), {
        cost: '0.615',
        tier: 'standard',
        plan: `litellm/${model}`,
      });
      // 200001 × 6e-06 + 1000 × 2.25e-05
      assert.deepEqual(price('anthropic', 'chat', model, { input_tokens: 200_001, output_tokens: 1000 }), {
        cost: '1.222506',
        tier: 'above-200k',
        plan: `litellm/${model}`,
      });
      // Cache reads have their own above-200k rate: 190001 × 6e-06 + 10000 × 6e-07 + 1000 × 2.25e-05
      const cached = price('anthropic', 'chat', model, { input_tokens: 190_001, cached_input_tokens: 10_000, output_tokens: 1000 });
      assert.equal(cached.cost, '1.168506');
    });

    it('measures the threshold on the whole prompt, cached and cache-write tokens included, as LiteLLM does', function () {
      assert.deepEqual(planOf(result, 'claude-4-sonnet-20250514').tiers?.[0]?.when, { prompt_tokens: { upto: 200000 } });
      // 150k uncached + 100k cached is a 250k prompt: 150000 × 6e-06 + 100000 × 6e-07
      const r = price('anthropic', 'chat', 'claude-4-sonnet-20250514', { input_tokens: 150_000, cached_input_tokens: 100_000 });
      assert.deepEqual([r.tier, r.cost], ['above-200k', '0.96']);
      // 199000 uncached + 1000 cache writes is exactly 200k: 199000 × 3e-06 + 1000 × 3.75e-06
      const edge = price('anthropic', 'chat', 'claude-4-sonnet-20250514', { input_tokens: 199_000, cache_write_tokens: 1000 });
      assert.deepEqual([edge.tier, edge.cost], ['standard', '0.60075']);
    });

    it('keeps the base rate above the threshold for a field without an above-rate', function () {
      // grok-4-fast-reasoning has no cache_read above-rate: 128000 × 4e-07 + 1000 × 5e-08
      const r = price('x_ai', 'chat', 'grok-4-fast-reasoning', { input_tokens: 128_000, cached_input_tokens: 1000 });
      assert.deepEqual([r.tier, r.cost], ['above-128k', '0.05125']);
    });

    it('bills xAI above the threshold from the threshold itself, as LiteLLM does', function () {
      assert.equal(price('x_ai', 'chat', 'grok-4-fast-reasoning', { input_tokens: 127_999 }).tier, 'standard');
      assert.equal(price('x_ai', 'chat', 'grok-4-fast-reasoning', { input_tokens: 128_000 }).tier, 'above-128k');
    });

    it('turns tiered_pricing ranges into tiers chosen by prompt tokens, the last one open-ended', function () {
      const model = 'doubao-seed-2-0-pro-260215';
      // 32000 × 4.6e-07 + 1000 × 2.3e-06
      const low = price('volcengine', 'chat', model, { input_tokens: 32_000, output_tokens: 1000 });
      assert.deepEqual([low.tier, low.cost], ['upto-32k', '0.01702']);
      // 32001 × 7e-07 + 1000 × 3.5e-06
      const mid = price('volcengine', 'chat', model, { input_tokens: 32_001, output_tokens: 1000 });
      assert.deepEqual([mid.tier, mid.cost], ['upto-128k', '0.0259007']);
      // Above the last range LiteLLM keeps its rates; cached tokens cost the range's input rate:
      // 300000 × 1.4e-06 + 5000 × 1.4e-06 + 1000 × 7e-06
      const high = price('volcengine', 'chat', model, { input_tokens: 300_000, cached_input_tokens: 5000, output_tokens: 1000 });
      assert.deepEqual([high.tier, high.cost], ['above-128k', '0.434']);
    });

    it('prices an image model per pixel and per image', function () {
      // 1024 × 1024 pixels × 3.81469e-08
      assert.equal(priceWithPlan('standard/1024-x-1024/dall-e-3', { pixels: 1024 * 1024 }).cost, '0.0399999238144');
      // 1024 × 1792 pixels × 6.539e-08
      assert.equal(priceWithPlan('hd/1024-x-1792/dall-e-3', { pixels: 1024 * 1792 }).cost, '0.11999117312');
      // 2 images × 0.009
      assert.equal(price('openai', 'image_generation', 'low/1024-x-1024/gpt-image-1.5', { images: 2 }).cost, '0.018');
      const canvas = '1024-x-1024/50-steps/bedrock/amazon.nova-canvas-v1:0';
      assert.equal(price('aws.bedrock', 'image_generation', canvas, { images: 1 }).cost, '0.06');
      assert.equal(price('black_forest_labs', 'image_generation', 'flux-kontext-pro', { images: 3 }).cost, '0.12');
    });

    it('prices a transcription model per second', function () {
      // 60 × 7.167e-05
      assert.equal(price('deepgram', 'audio_transcription', 'nova-2', { seconds: 60 }).cost, '0.0043002');
      // 90 × 0.0001; the output per-second rate (billed by LiteLLM on response time) is not added
      assert.equal(price('azure.ai.openai', 'audio_transcription', 'whisper-1', { seconds: 90 }).cost, '0.009');
      assert.ok(droppedFields(result, 'azure/whisper-1').includes('output_cost_per_second'));
    });

    it('prices a speech model per character', function () {
      // 1000 × 3e-05 and 2000 × 5e-05
      assert.equal(price('gcp.vertex_ai', 'audio_speech', 'chirp', { characters: 1000 }).cost, '0.03');
      assert.equal(price('groq', 'audio_speech', 'playai-tts', { characters: 2000 }).cost, '0.1');
      assert.deepEqual(planOf(result, 'vertex_ai/chirp').charges, [{ unit: 'characters', rate: '30', per: 1000000 }]);
    });

    it('prices search context sizes as a per-request charge in tiers, with the tokens', function () {
      const model = 'gpt-4o-search-preview';
      const usage = { input_tokens: 1000, output_tokens: 500 };
      // 1000 × 2.5e-06 + 500 × 1e-05 = 0.0075, plus the size's fee per call
      assert.deepEqual(price('openai', 'chat', model, usage, { search_context_size: 'low' }), {
        cost: '0.0375',
        tier: 'search-low',
        plan: `litellm/${model}`,
      });
      assert.equal(price('openai', 'chat', model, usage, { search_context_size: 'high' }).cost, '0.0575');
      // OpenAI's default size is medium
      assert.deepEqual((({ cost, tier }) => ({ cost, tier }))(price('openai', 'chat', model, usage)), {
        cost: '0.0425',
        tier: 'search-medium',
      });
      const tiers = planOf(result, model).tiers ?? [];
      assert.deepEqual(
        tiers.map((t) => t.when?.search_context_size),
        ['low', 'high', undefined],
      );
      assert.ok(tiers.every((t) => t.charges.some((c) => c.unit === 'requests')));
      // Perplexity's default size is low: 1000 × 1e-06 + 500 × 1e-06 + 0.005
      assert.deepEqual((({ cost, tier }) => ({ cost, tier }))(price('perplexity', 'chat', 'sonar', usage)), {
        cost: '0.0065',
        tier: 'search-low',
      });
      assert.equal(price('perplexity', 'chat', 'sonar', usage, { search_context_size: 'high' }).cost, '0.0135');
    });

    it('prices a size-independent search price per web search the call made', function () {
      // 1000 × 3e-06 + 3 × 0.01; without searches only the tokens
      assert.equal(price('anthropic', 'chat', 'claude-4-sonnet-20250514', { input_tokens: 1000, web_search_requests: 3 }).cost, '0.033');
      assert.equal(price('anthropic', 'chat', 'claude-4-sonnet-20250514', { input_tokens: 1000 }).cost, '0.003');
      // 2000 × 2e-06 + 500 × 8e-06 + 4 × 0.005
      const deep = price('perplexity', 'chat', 'sonar-deep-research', { input_tokens: 2000, output_tokens: 500, web_search_requests: 4 });
      assert.equal(deep.cost, '0.028');
    });

    it('prices per query, per request and per credit', function () {
      assert.equal(price('tavily', 'search', 'tavily/search', {}).cost, '0.008');
      assert.equal(price('cohere', 'rerank', 'rerank-v3.5', { input_tokens: 5000 }).cost, '0.002');
      // 1000 × 0 + 100 × 2.8e-06 + 0.005 per request
      assert.equal(price('perplexity', 'chat', 'pplx-70b-online', { input_tokens: 1000, output_tokens: 100 }).cost, '0.00528');
      assert.equal(price('reducto', 'ocr', 'parse-v3', { credits: 4 }).cost, '0.06');
    });

    it('keeps zero-price entries at rate 0', function () {
      assert.deepEqual(
        planOf(result, 'lemonade/gpt-oss-20b-mxfp4-GGUF').charges?.map((c) => c.rate),
        ['0', '0'],
      );
      assert.equal(price('openai', 'moderation', 'text-moderation-latest', { input_tokens: 1000 }).cost, '0');
    });
  });

  describe('dropped price fields', function () {
    it('lists batch, priority and flex rates', function () {
      const mini = droppedFields(result, 'gpt-4o-mini');
      for (const field of [
        'input_cost_per_token_batches',
        'output_cost_per_token_batches',
        'input_cost_per_token_priority',
        'output_cost_per_token_priority',
        'cache_read_input_token_cost_priority',
      ]) {
        assert.ok(mini.includes(field), field);
      }
      assert.ok(droppedFields(result, 'o3').includes('input_cost_per_token_flex'));
      assert.ok(droppedFields(result, 'gemini/gemini-2.5-pro').includes('input_cost_per_token_above_200k_tokens_priority'));
      assert.match(result.dropped.find((d) => d.field.endsWith('_batches'))!.reason, /batch/);
    });

    it('lists 1-hour cache writes, DBU rates, citations, interval-priced video and audio cache writes', function () {
      assert.deepEqual(droppedFields(result, 'claude-3-haiku-20240307'), ['cache_creation_input_token_cost_above_1hr']);
      assert.deepEqual(droppedFields(result, 'databricks/databricks-meta-llama-3-1-8b-instruct'), [
        'input_dbu_cost_per_token',
        'output_dbu_cost_per_token',
      ]);
      assert.ok(droppedFields(result, 'perplexity/sonar-deep-research').includes('citation_cost_per_token'));
      assert.deepEqual(droppedFields(result, 'multimodalembedding'), [
        'input_cost_per_video_per_second_above_15s_interval',
        'input_cost_per_video_per_second_above_8s_interval',
      ]);
      assert.deepEqual(droppedFields(result, 'gpt-4o-mini-realtime-preview'), ['cache_creation_input_audio_token_cost']);
    });

    it('drops a reasoning rate that differs from the output rate, and says nothing when they are equal', function () {
      const deep = result.dropped.find((d) => d.key === 'perplexity/sonar-deep-research' && d.field === 'output_cost_per_reasoning_token');
      assert.match(deep?.reason ?? '', /reasoning rate 3 per 1000000 differs/);
      assert.equal(droppedFields(result, 'gemini-3-flash-preview').includes('output_cost_per_reasoning_token'), false);
      assert.deepEqual(droppedFields(result, 'gemini/gemini-omni-flash-preview'), []);
    });

    it('does not charge one image twice', function () {
      // per-pixel and per-image prices of the same image: LiteLLM uses the per-image one
      assert.deepEqual(planOf(result, 'high/1024-x-1024/gpt-image-1').charges, [{ unit: 'images', rate: '0.167' }]);
      assert.ok(droppedFields(result, 'high/1024-x-1024/gpt-image-1').includes('input_cost_per_pixel'));
      // image tokens and the per-image fallback: the tokens are charged
      assert.equal(
        allCharges(planOf(result, 'azure_ai/MAI-Image-2.5')).some((c) => c.unit === 'images'),
        false,
      );
      assert.deepEqual(droppedFields(result, 'azure_ai/MAI-Image-2.5'), ['output_cost_per_image']);
    });

    it('names an entry that exists in the plans for every dropped field', function () {
      const ids = new Set(result.document.plans.map((p) => p.id));
      for (const d of result.dropped) assert.ok(ids.has(`litellm/${d.key}`), d.key);
      assert.equal(result.dropped.length, 84);
    });
  });
});

describe('importLiteLLM options and odd input', function () {
  it('uses the catalog label and source given, and leaves as_of out without asOf', function () {
    const r = importLiteLLM(
      { 'gpt-x': { litellm_provider: 'openai', mode: 'chat', input_cost_per_token: 1e-6 } },
      { catalog: 'litellm-2026-11', source: 'file:prices.json' },
    );
    assert.equal(r.document.catalog, 'litellm-2026-11');
    assert.deepEqual(r.document.plans[0], {
      id: 'litellm/gpt-x',
      provider: 'openai',
      operations: ['chat'],
      models: ['gpt-x'],
      source: 'file:prices.json',
      description: 'LiteLLM entry "gpt-x" (litellm_provider openai, mode chat)',
      charges: [{ unit: 'input_tokens', rate: '1', per: 1000000 }],
    });
  });

  it('rejects a root that is not an object and an asOf that is not a date', function () {
    assert.throws(() => importLiteLLM([]), TypeError);
    assert.throws(() => importLiteLLM(null), TypeError);
    assert.throws(() => importLiteLLM({}, { asOf: '2026-02-30' }), RangeError);
  });

  it('reports malformed entries and fields instead of guessing', function () {
    const r = importLiteLLM({
      'not-an-object': 3,
      'no-provider': { mode: 'chat', input_cost_per_token: 1e-6 },
      'bedrock/*/1-month-commitment/some-model': { litellm_provider: 'bedrock', mode: 'chat', input_cost_per_token: 1e-6 },
      odd: {
        litellm_provider: 'acme',
        mode: 'chat',
        input_cost_per_token: '2e-06',
        output_cost_per_token: -1,
        cache_read_input_token_cost: null,
        mystery_cost_per_widget: 0.5,
      },
      'exa/search': {
        litellm_provider: 'exa',
        mode: 'search',
        tiered_pricing: [{ input_cost_per_query: 0.005, max_results_range: [0, 25] }],
      },
    });
    assert.deepEqual(
      r.skipped.map((s) => s.key),
      ['not-an-object', 'no-provider', 'bedrock/*/1-month-commitment/some-model', 'exa/search'],
    );
    assert.match(r.skipped[3]!.reason, /max_results_range/);
    assert.deepEqual(planOf(r, 'odd').charges, [{ unit: 'input_tokens', rate: '2', per: 1000000 }]);
    assert.deepEqual(
      r.dropped.map((d) => [d.key, d.field, d.reason]),
      [
        ['odd', 'output_cost_per_token', 'not a non-negative number'],
        ['odd', 'mystery_cost_per_widget', 'no usage unit of ours measures what this field prices'],
      ],
    );
    assert.equal(validateCatalogValue(r.document, 'x').ok, true);
  });

  it('builds one tier per threshold, each field falling back to its base rate', function () {
    const r = importLiteLLM({
      'm/two-thresholds': {
        litellm_provider: 'm',
        mode: 'chat',
        input_cost_per_token: 1e-6,
        output_cost_per_token: 2e-6,
        input_cost_per_token_above_128k_tokens: 1.5e-6,
        output_cost_per_token_above_128k_tokens: 3e-6,
        input_cost_per_token_above_256k_tokens: 2.5e-6,
      },
    });
    const plan = planOf(r, 'm/two-thresholds');
    assert.deepEqual(
      plan.tiers?.map((t) => [t.name, t.when, t.charges.map((c) => c.rate)]),
      [
        ['standard', { prompt_tokens: { upto: 128000 } }, ['1', '2']],
        ['above-128k', { prompt_tokens: { upto: 256000 } }, ['1.5', '3']],
        // LiteLLM reads a missing above-256k output rate as the base rate, not the above-128k one
        ['above-256k', undefined, ['2.5', '2']],
      ],
    );
    const pricer = pricerOf(r);
    // 300000 × 2.5e-06 + 1000 × 2e-06
    const usage = { input_tokens: 300_000, output_tokens: 1000 };
    assert.equal(priced(pricer.price({ provider: 'm', operation: 'chat', model: 'two-thresholds', usage })).cost, '0.752');
  });

  it('crosses threshold tiers with search context size tiers', function () {
    const r = importLiteLLM({
      'long-search': {
        litellm_provider: 'openai',
        mode: 'chat',
        input_cost_per_token: 1e-6,
        input_cost_per_token_above_200k_tokens: 2e-6,
        search_context_cost_per_query: { search_context_size_low: 0.01, search_context_size_medium: 0.02, search_context_size_high: 0.03 },
      },
    });
    const plan = planOf(r, 'long-search');
    assert.deepEqual(
      plan.tiers?.map((t) => t.name),
      [
        'standard/search-low',
        'standard/search-high',
        'standard/search-medium',
        'above-200k/search-low',
        'above-200k/search-high',
        'above-200k/search-medium',
      ],
    );
    assert.equal(validateCatalogValue(r.document, 'x').ok, true);
    const pricer = pricerOf(r);
    // 300000 × 2e-06 + 0.03
    const high = priced(
      pricer.price({
        provider: 'openai',
        operation: 'chat',
        model: 'long-search',
        usage: { input_tokens: 300_000 },
        dimensions: { search_context_size: 'high' },
      }),
    );
    assert.deepEqual([high.tier, high.cost], ['above-200k/search-high', '0.63']);
  });
});
