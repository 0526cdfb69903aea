import { strict as assert } from 'node:assert';
import axios from 'axios';
import { single } from '../support/spans.js';
import { instrumentedEmulator, lastEntry, sseData, type InstrumentedEmulator } from './support.js';

interface GeminiChunk {
  candidates: { content: { parts: { text: string }[] }; finishReason?: string }[];
  usageMetadata: {
    promptTokenCount: number;
    candidatesTokenCount: number;
    thoughtsTokenCount?: number;
    cachedContentTokenCount?: number;
    totalTokenCount: number;
  };
  modelVersion: string;
}

describe('the emulator answering Gemini over fetch, priced by ai-pricetag', function () {
  let setup: InstrumentedEmulator;
  const gemini = (model: string, method: string, body: unknown, query = '') =>
    fetch(`${setup.emulator.baseUrls['gcp.gemini']}/v1beta/models/${model}:${method}${query}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-goog-api-key': 'gemini-emulator-test-key' },
      body: JSON.stringify(body),
    });
  const contents = (text: string) => ({ contents: [{ role: 'user', parts: [{ text }] }] });

  before(async function () {
    setup = await instrumentedEmulator({ seed: 3 });
  });
  after(async function () {
    await setup.stop();
  });
  beforeEach(function () {
    setup.h.reset();
  });

  it('streams generateContent as SSE with cumulative usageMetadata, the last chunk finishing', async function () {
    const response = await gemini('gemini-2.5-flash', 'streamGenerateContent', contents('x'.repeat(2000)), '?alt=sse');
    assert.equal(response.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    const raw = await response.text();
    assert.ok(raw.includes('\r\n\r\n'), 'Gemini frames events with CRLF');
    const chunks = sseData(raw).map((d) => JSON.parse(d) as GeminiChunk);
    assert.ok(chunks.length >= 2);
    const last = chunks.at(-1)!;
    assert.equal(last.candidates[0]!.finishReason, 'STOP');
    assert.ok(chunks.slice(0, -1).every((c) => c.candidates[0]!.finishReason === undefined));
    const usage = last.usageMetadata;
    assert.equal(usage.promptTokenCount, 500);
    assert.ok((usage.thoughtsTokenCount ?? 0) > 0, 'a 2.5 model thinks');
    assert.equal(usage.totalTokenCount, usage.promptTokenCount + usage.candidatesTokenCount + usage.thoughtsTokenCount!);
    const span = single(await setup.h.aiSpans());
    assert.equal(span.name, 'generate_content gemini-2.5-flash');
    assert.equal(span.attributes['gen_ai.provider.name'], 'gcp.gemini');
    assert.equal(span.attributes['gen_ai.operation.name'], 'generate_content');
    assert.equal(span.attributes['ai.pricing.plan'], 'google/gemini-2.5-flash');
    // Thinking is billed as output, and is the conventions' reasoning count.
    assert.equal(span.attributes['gen_ai.usage.output_tokens'], usage.candidatesTokenCount + usage.thoughtsTokenCount!);
    assert.equal(span.attributes['gen_ai.usage.reasoning.output_tokens'], usage.thoughtsTokenCount);
  });

  it('streams a JSON array without alt=sse', async function () {
    const response = await gemini('gemini-2.5-flash', 'streamGenerateContent', contents('hello'));
    const chunks = JSON.parse(await response.text()) as GeminiChunk[];
    assert.ok(Array.isArray(chunks) && chunks.length >= 1);
    const span = single(await setup.h.aiSpans());
    assert.equal(span.attributes['gen_ai.usage.input_tokens'], chunks.at(-1)!.usageMetadata.promptTokenCount);
  });

  it('prices a prompt over 200k tokens to gemini-2.5-pro at the long-context tier, a short one at standard', async function () {
    this.timeout(60_000);
    const long = await gemini('gemini-2.5-pro', 'generateContent', {
      ...contents('word '.repeat(164_000)),
      generationConfig: { maxOutputTokens: 50 },
    });
    const body = (await long.json()) as GeminiChunk;
    assert.equal(body.usageMetadata.promptTokenCount, 205_000);
    assert.ok(body.usageMetadata.candidatesTokenCount + (body.usageMetadata.thoughtsTokenCount ?? 0) <= 50);
    let span = single(await setup.h.aiSpans());
    assert.deepEqual([span.attributes['ai.pricing.plan'], span.attributes['ai.pricing.tier']], ['google/gemini-2.5-pro', 'long-context']);

    setup.h.reset();
    await (await gemini('gemini-2.5-pro', 'generateContent', contents('word '.repeat(1000)))).json();
    span = single(await setup.h.aiSpans());
    assert.equal(span.attributes['ai.pricing.tier'], 'standard');
  });

  it('reports an explicit context cache inside promptTokenCount', async function () {
    const body = (await (
      await gemini('gemini-2.5-pro', 'generateContent', { cachedContent: 'cachedContents/abc123', ...contents('Summarise chapter 3.') })
    ).json()) as GeminiChunk;
    const cached = body.usageMetadata.cachedContentTokenCount!;
    assert.ok(cached >= 4096);
    assert.equal(body.usageMetadata.promptTokenCount, cached + Math.ceil('Summarise chapter 3.'.length / 4));
    const span = single(await setup.h.aiSpans());
    assert.equal(span.attributes['gen_ai.usage.cache_read.input_tokens'], cached);
  });

  it('answers embedContent with a vector and its prompt tokens', async function () {
    const body = (await (
      await gemini('gemini-embedding-001', 'embedContent', {
        content: { parts: [{ text: 'red bicycle and more' }] },
        outputDimensionality: 16,
      })
    ).json()) as {
      embedding: { values: number[] };
      usageMetadata: { promptTokenCount: number };
    };
    assert.equal(body.embedding.values.length, 16);
    assert.equal(body.usageMetadata.promptTokenCount, 5);
    const span = single(await setup.h.aiSpans());
    assert.equal(span.attributes['gen_ai.operation.name'], 'embeddings');
  });

  it('answers a forced 429 with Google’s RESOURCE_EXHAUSTED body', async function () {
    const response = await fetch(`${setup.emulator.baseUrls['gcp.gemini']}/v1beta/models/gemini-2.5-flash:generateContent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-emulator-fault': '429' },
      body: JSON.stringify(contents('hi')),
    });
    assert.equal(response.status, 429);
    assert.equal(response.headers.get('retry-after'), '1');
    const body = (await response.json()) as { error: { code: number; status: string } };
    assert.deepEqual([body.error.code, body.error.status], [429, 'RESOURCE_EXHAUSTED']);
  });
});

describe('the emulator answering pay-per-request APIs over axios, priced by ai-pricetag', function () {
  let setup: InstrumentedEmulator;

  before(async function () {
    setup = await instrumentedEmulator({ seed: 5 });
  });
  after(async function () {
    await setup.stop();
  });
  beforeEach(function () {
    setup.h.reset();
  });

  it('prices Tavily searches by depth: advanced at the advanced tier, basic by default', async function () {
    const advanced = await axios.post(`${setup.emulator.baseUrls.tavily}/search`, {
      query: 'how do tides work',
      search_depth: 'advanced',
      max_results: 3,
      include_usage: true,
    });
    assert.equal(advanced.data.results.length, 3);
    assert.deepEqual(advanced.data.usage, { credits: 2 });
    assert.equal(typeof advanced.data.request_id, 'string');
    let span = single(await setup.h.aiSpans());
    assert.deepEqual(
      [
        span.attributes['ai.pricing.plan'],
        span.attributes['ai.pricing.tier'],
        span.attributes['ai.cost.amount'],
        span.attributes['ai.usage.credits'],
      ],
      ['tavily/search', 'advanced', 0.016, 2],
    );

    setup.h.reset();
    const basic = await axios.post(`${setup.emulator.baseUrls.tavily}/search`, { query: 'printing press' });
    assert.equal(basic.data.results.length, 5);
    assert.equal(basic.data.usage, undefined, 'credits only with include_usage');
    span = single(await setup.h.aiSpans());
    assert.deepEqual([span.attributes['ai.pricing.tier'], span.attributes['ai.cost.amount']], ['basic', 0.008]);
  });

  it('answers Vision images:annotate per image and feature, priced per feature', async function () {
    const response = await axios.post(`${setup.emulator.baseUrls['gcp.vision']}/v1/images:annotate`, {
      requests: [
        { image: { content: 'iVBORw0KGgo=' }, features: [{ type: 'LABEL_DETECTION', maxResults: 3 }, { type: 'WEB_DETECTION' }] },
        {
          image: { source: { imageUri: 'gs://bucket/photo.jpg' } },
          features: [{ type: 'LABEL_DETECTION' }, { type: 'SAFE_SEARCH_DETECTION' }],
        },
      ],
    });
    const [first, second] = response.data.responses as Record<string, unknown>[];
    assert.deepEqual(Object.keys(first!).sort(), ['labelAnnotations', 'webDetection']);
    assert.deepEqual(Object.keys(second!).sort(), ['labelAnnotations', 'safeSearchAnnotation']);
    assert.ok((first!.labelAnnotations as unknown[]).length <= 3);
    const span = single(await setup.h.aiSpans());
    assert.equal(span.attributes['ai.pricing.plan'], 'google-cloud-vision/annotate');
    // Labels on two images (1.50 per 1,000), web detection on one (3.50), safe search on one (1.50).
    assert.equal(setup.h.records[0]?.cost?.amount.toFixed(), '0.008');
  });

  it('answers Translation v2 with one translation per text, priced per character', async function () {
    const q = ['Hello world', 'Good morning'];
    const response = await axios.post(`${setup.emulator.baseUrls['gcp.translate']}/language/translate/v2`, {
      q,
      target: 'de',
      format: 'text',
    });
    const translations = response.data.data.translations as { translatedText: string; detectedSourceLanguage: string }[];
    assert.equal(translations.length, 2);
    assert.ok(translations.every((t, i) => t.translatedText.length > 0 && t.translatedText !== q[i]));
    const span = single(await setup.h.aiSpans());
    assert.deepEqual([span.attributes['ai.pricing.plan'], span.attributes['ai.usage.characters']], ['google-cloud-translate/nmt', 23]);
  });

  it('answers DeepL with billed characters, tags excluded', async function () {
    const response = await axios.post(
      `${setup.emulator.baseUrls.deepl}/v2/translate`,
      { text: ['<b>Hello</b>, world!', 'How are you?'], target_lang: 'DE', tag_handling: 'html', show_billed_characters: true },
      { headers: { authorization: 'DeepL-Auth-Key deepl-emulator-test-key' } },
    );
    assert.deepEqual(
      response.data.translations.map((t: { billed_characters: number }) => t.billed_characters),
      [13, 12],
    );
    const span = single(await setup.h.aiSpans());
    assert.deepEqual(
      [span.attributes['ai.pricing.plan'], span.attributes['ai.cost.currency'], span.attributes['ai.usage.characters']],
      ['deepl/api-pro', 'EUR', 25],
    );
  });

  it('answers Comprehend DetectSentiment posted to the base URL with x-amz-target', async function () {
    const response = await axios.post(
      setup.emulator.baseUrls['aws.comprehend'],
      { Text: 'The update arrived on time and works well.', LanguageCode: 'en' },
      { headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Comprehend_20171127.DetectSentiment' } },
    );
    assert.ok(['POSITIVE', 'NEGATIVE', 'NEUTRAL', 'MIXED'].includes(response.data.Sentiment));
    const scores = Object.values(response.data.SentimentScore as Record<string, number>);
    assert.ok(Math.abs(scores.reduce((a, b) => a + b, 0) - 1) < 1e-5);
    const span = single(await setup.h.aiSpans());
    // 42 characters are billed at the 3-unit (300 character) minimum.
    assert.deepEqual([span.attributes['ai.pricing.plan'], span.attributes['ai.cost.amount']], ['aws/comprehend-sentiment', 0.0003]);
    assert.equal(lastEntry(setup.emulator).operation, 'DetectSentiment');
  });

  it('answers an unknown AWS action as AWS does, and unknown paths with 404 JSON', async function () {
    const unknown = await axios.post(
      setup.emulator.baseUrls['aws.comprehend'],
      {},
      { headers: { 'x-amz-target': 'Comprehend_20171127.Nope' }, validateStatus: () => true },
    );
    assert.deepEqual([unknown.status, unknown.data.__type], [400, 'UnknownOperationException']);
    const missing = await axios.post(`${setup.emulator.baseUrls.openai}/nothing/here`, {}, { validateStatus: () => true });
    assert.equal(missing.status, 404);
    assert.equal(missing.data.error.type, 'invalid_request_error');
    const nowhere = await axios.get(`${setup.emulator.origin}/no-such-provider/v1/x`, { validateStatus: () => true });
    assert.equal(nowhere.status, 404);
    assert.equal(nowhere.data.error.type, 'not_found');
    assert.deepEqual(await setup.h.aiSpans(), []);
  });

  it('answers the OpenAI-compatible APIs: Mistral chat and Perplexity Sonar with its own cost', async function () {
    const mistral = await axios.post(`${setup.emulator.baseUrls.mistral_ai}/chat/completions`, {
      model: 'mistral-large-2512',
      messages: [{ role: 'user', content: 'x'.repeat(400) }],
    });
    assert.equal(mistral.data.usage.prompt_tokens, 106);
    let span = single(await setup.h.aiSpans());
    assert.equal(span.attributes['ai.pricing.plan'], 'mistral/mistral-large-3');

    setup.h.reset();
    const sonar = await axios.post(`${setup.emulator.baseUrls.perplexity}/chat/completions`, {
      model: 'sonar',
      messages: [{ role: 'user', content: 'How high is Mount Everest?' }],
      web_search_options: { search_context_size: 'medium' },
    });
    assert.equal(sonar.data.usage.search_context_size, 'medium');
    span = single(await setup.h.aiSpans());
    assert.deepEqual(
      [span.attributes['ai.pricing.plan'], span.attributes['ai.pricing.tier'], span.attributes['ai.cost.source']],
      ['perplexity/sonar', 'medium', 'provider'],
    );
    // The cost Perplexity reports agrees with the catalog's price of the same usage.
    assert.equal(setup.h.records[0]?.cost?.amount.toNumber(), setup.h.records[0]?.cost?.catalogAmount?.toNumber());
  });

  it('answers Exa search with costDollars, which becomes the provider-reported cost', async function () {
    const response = await axios.post(`${setup.emulator.baseUrls.exa}/search`, {
      query: 'observability tools',
      type: 'neural',
      numResults: 2,
      contents: { text: true },
    });
    assert.equal(response.data.results.length, 2);
    assert.equal(response.data.costDollars.total, 0.007);
    const span = single(await setup.h.aiSpans());
    assert.deepEqual(
      [span.attributes['ai.pricing.plan'], span.attributes['ai.cost.amount'], span.attributes['ai.cost.source']],
      ['exa/search', 0.007, 'provider'],
    );
  });
});
