// Per-request and per-unit provider adapters (vision, translation, text analytics, search),
// driven through recorded-style exchanges the way capture drives them, and priced with the
// built-in default catalog.
import { strict as assert } from 'node:assert';
import { extractFields, NOTHING_EXTRACTED, type Extracted } from '../../src/providers/fields.js';
import { JsonFieldScanner } from '../../src/capture/json-scanner.js';
import { loadCatalogs } from '../../src/catalog/load.js';
import { formatDecimal } from '../../src/pricing/decimal.js';
import type { Pricer } from '../../src/pricing/pricer.js';
import { awsComprehendAdapter, awsRekognitionAdapter, awsTranslateAdapter } from '../../src/providers/aws.js';
import { azureAiLanguageAdapter, textRecords } from '../../src/providers/azure-ai-language.js';
import { deeplAdapter } from '../../src/providers/deepl.js';
import { exaAdapter } from '../../src/providers/exa.js';
import { dollars } from '../../src/providers/read.js';
import { googleCloudTranslateAdapter, translationModel } from '../../src/providers/google-cloud-translate.js';
import { googleCloudVisionAdapter } from '../../src/providers/google-cloud-vision.js';
import { tavilyAdapter } from '../../src/providers/tavily.js';
import type { CallFacts, PriceItem, ProviderAdapter, RequestHead } from '../../src/providers/types.js';
import { headOf, loadFixture, replay, type Fixture } from '../support/fixtures.js';

let pricer: Pricer | undefined;
function defaultPricer(): Pricer {
  if (pricer === undefined) {
    const loaded = loadCatalogs([]);
    assert.ok(loaded.ok, 'the default catalog loads');
    pricer = loaded.pricer;
  }
  return pricer;
}

/** An item priced with the default catalog: plan, tier, currency and exact cost. */
function priced(provider: string, item: PriceItem): { plan: string; tier: string; currency: string; cost: string } {
  const r = defaultPricer().price({
    provider,
    operation: item.operation,
    model: item.model,
    usage: item.usage,
    dimensions: item.dimensions,
  });
  assert.ok(r.priced, `${provider} ${item.operation} unpriced: ${JSON.stringify(r)}`);
  return { plan: r.plan.id, tier: r.tier.name, currency: r.plan.currency, cost: formatDecimal(r.cost) };
}

/** Why an item is unpriced by the default catalog (it must be, never a zero cost). */
function unpricedReason(provider: string, item: PriceItem): string {
  const r = defaultPricer().price({
    provider,
    operation: item.operation,
    model: item.model,
    usage: item.usage,
    dimensions: item.dimensions,
  });
  assert.ok(!r.priced, `${provider} ${item.operation} was priced at ${r.priced ? formatDecimal(r.cost) : ''}`);
  return r.reason;
}

function head(method: string, url: string, headers: Record<string, string> = {}): RequestHead {
  const u = new URL(url);
  const h = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { method, host: u.host, path: u.pathname, query: u.search.replace(/^\?/, ''), header: (n) => h.get(n) };
}

/** Drives a route with an already extracted request and response, as capture would. */
function drive(
  adapter: ProviderAdapter,
  h: RequestHead,
  request: unknown,
  response: { status: number; body?: unknown } = { status: 200 },
): CallFacts {
  const route = adapter.route(h);
  assert.ok(route, `${adapter.provider} does not recognise ${h.method} ${h.path}`);
  const reader = route.begin(extractFields(request, route.requestFields), h);
  const extracted: Extracted = response.body === undefined ? NOTHING_EXTRACTED : extractFields(response.body, reader.responseFields);
  return reader.finish({ status: response.status, response: extracted, aborted: false });
}

const VISION = 'https://vision.googleapis.com';
const TRANSLATE = 'https://translation.googleapis.com';
const DEEPL = 'https://api.deepl.com';
const COMPREHEND = 'https://comprehend.us-east-1.amazonaws.com';
const AWS_TRANSLATE = 'https://translate.eu-west-1.amazonaws.com';
const REKOGNITION = 'https://rekognition.us-west-2.amazonaws.com';
const AZURE_LANGUAGE = 'https://example-language.cognitiveservices.azure.com';
const TAVILY = 'https://api.tavily.com';
const EXA = 'https://api.exa.ai';

describe('per-request provider adapters', function () {
  describe('Google Cloud Vision', function () {
    it('bills each feature per image: 2 images × 2 features', function () {
      const { route, facts } = replay(googleCloudVisionAdapter, loadFixture('google-cloud-vision', 'images-annotate-2x2'), VISION);
      assert.equal(route.operation, 'image_analysis');
      assert.deepEqual(facts.items, [
        { operation: 'image_analysis', usage: { images: 2 }, dimensions: { feature: 'label_detection' } },
        { operation: 'image_analysis', usage: { images: 2 }, dimensions: { feature: 'text_detection' } },
      ]);
      assert.deepEqual(facts.extraUsage, { images: 2 });
      assert.deepEqual(priced('gcp.vision', facts.items[0]!), {
        plan: 'google-cloud-vision/annotate',
        tier: 'ocr-and-labels',
        currency: 'USD',
        cost: '0.003',
      });
      assert.deepEqual(priced('gcp.vision', facts.items[1]!), {
        plan: 'google-cloud-vision/annotate',
        tier: 'ocr-and-labels',
        currency: 'USD',
        cost: '0.003',
      });
    });

    it('counts a feature once per image, per the images that asked for it, on a project-located path', function () {
      const { facts } = replay(googleCloudVisionAdapter, loadFixture('google-cloud-vision', 'images-annotate-mixed'), VISION);
      assert.deepEqual(facts.items, [
        { operation: 'image_analysis', usage: { images: 2 }, dimensions: { feature: 'label_detection' } },
        { operation: 'image_analysis', usage: { images: 1 }, dimensions: { feature: 'web_detection' } },
        { operation: 'image_analysis', usage: { images: 1 }, dimensions: { feature: 'object_localization' } },
      ]);
      const costs = facts.items.map((i) => priced('gcp.vision', i));
      assert.deepEqual(
        costs.map((c) => [c.tier, c.cost]),
        [
          ['ocr-and-labels', '0.003'],
          ['web-detection', '0.0035'],
          ['object-localization', '0.00225'],
        ],
      );
    });

    it('bills each PDF page processed as an image (files:annotate)', function () {
      const { facts } = replay(googleCloudVisionAdapter, loadFixture('google-cloud-vision', 'files-annotate-pdf'), VISION);
      assert.deepEqual(facts.items, [
        { operation: 'image_analysis', usage: { images: 3 }, dimensions: { feature: 'document_text_detection' } },
      ]);
      assert.deepEqual(facts.extraUsage, { images: 3, pages: 3 });
      assert.equal(priced('gcp.vision', facts.items[0]!).cost, '0.0045');
    });

    it('files:annotate without a readable response: the pages the request names, else unknown usage', function () {
      const fixture = loadFixture('google-cloud-vision', 'files-annotate-pdf');
      const h = headOf(fixture, VISION);
      const named = drive(googleCloudVisionAdapter, h, fixture.request.body, { status: 503 });
      assert.deepEqual(named.items, [
        { operation: 'image_analysis', usage: { images: 3 }, dimensions: { feature: 'document_text_detection' } },
      ]);
      const unnamed = drive(
        googleCloudVisionAdapter,
        h,
        {
          requests: [
            { inputConfig: { gcsSource: { uri: 'gs://b/f.pdf' }, mimeType: 'application/pdf' }, features: [{ type: 'TEXT_DETECTION' }] },
          ],
        },
        { status: 503 },
      );
      assert.deepEqual(unnamed, { items: [], noUsage: true });
    });

    it('still reports the request items on a 400 (capture decides what an error costs)', function () {
      const { facts } = replay(googleCloudVisionAdapter, loadFixture('google-cloud-vision', 'images-annotate-invalid-400'), VISION);
      assert.deepEqual(facts.items, [{ operation: 'image_analysis', usage: { images: 1 }, dimensions: { feature: 'face_detection' } }]);
      assert.deepEqual(priced('gcp.vision', facts.items[0]!), {
        plan: 'google-cloud-vision/annotate',
        tier: 'faces-landmarks-logos-properties',
        currency: 'USD',
        cost: '0.0015',
      });
    });

    it('asks only for feature types and page lists, never for image or file content', function () {
      for (const path of ['/v1/images:annotate', '/v1/files:annotate', '/v1p4beta1/images:asyncBatchAnnotate']) {
        const route = googleCloudVisionAdapter.route(head('POST', `${VISION}${path}`));
        assert.ok(route, path);
        for (const f of route.requestFields) assert.match(f.path, /^requests\.\*\.(features|pages)$/, `${path}: ${f.path}`);
      }
    });

    it('ignores unknown feature names and an unspecified type; no features means unknown usage', function () {
      const h = head('POST', `${VISION}/v1/images:annotate`);
      const facts = drive(googleCloudVisionAdapter, h, {
        requests: [
          { image: { content: 'AA==' }, features: [{ type: 'TYPE_UNSPECIFIED' }, { type: 'label detection; drop' }, { type: 7 }] },
        ],
      });
      assert.deepEqual(facts, { items: [], noUsage: true });
      assert.deepEqual(drive(googleCloudVisionAdapter, h, undefined), { items: [], noUsage: true });
    });

    it('recognises only annotation POSTs', function () {
      assert.equal(googleCloudVisionAdapter.route(head('GET', `${VISION}/v1/images:annotate`)), undefined);
      assert.equal(googleCloudVisionAdapter.route(head('GET', `${VISION}/v1/operations/123`)), undefined);
      assert.equal(googleCloudVisionAdapter.route(head('POST', `${VISION}/v1/projects/p/locations/us/productSets`)), undefined);
      assert.equal(
        googleCloudVisionAdapter.route(head('POST', `${VISION}/v1/files:asyncBatchAnnotate`)),
        undefined,
        'page count of a stored file is unknown',
      );
      assert.ok(googleCloudVisionAdapter.route(head('POST', `${VISION}/v1/images:asyncBatchAnnotate`)));
    });
  });

  describe('Google Cloud Translation', function () {
    it('v2: counts every string of a q array', function () {
      const { route, facts } = replay(googleCloudTranslateAdapter, loadFixture('google-cloud-translate', 'v2-translate-array'), TRANSLATE);
      assert.equal(route.operation, 'translation');
      assert.deepEqual(facts.items, [{ operation: 'translation', usage: { characters: 23 } }]);
      assert.deepEqual(facts.extraUsage, { characters: 23 });
      assert.deepEqual(priced('gcp.translate', facts.items[0]!), {
        plan: 'google-cloud-translate/nmt',
        tier: 'standard',
        currency: 'USD',
        cost: '0.00046',
      });
    });

    it('v2: counts a non-ASCII string in code points, not UTF-16 units or bytes', function () {
      const { reader, facts } = replay(
        googleCloudTranslateAdapter,
        loadFixture('google-cloud-translate', 'v2-translate-non-ascii'),
        TRANSLATE,
      );
      assert.equal('Grüße aus Köln 🎉'.length, 17);
      assert.equal(reader.requestModel, 'nmt');
      assert.deepEqual(facts.items, [{ operation: 'translation', model: 'nmt', usage: { characters: 16 } }]);
      assert.equal(priced('gcp.translate', facts.items[0]!).cost, '0.00032');
    });

    it('v3: counts contents and names the model without its resource prefix', function () {
      const { reader, facts } = replay(googleCloudTranslateAdapter, loadFixture('google-cloud-translate', 'v3-translate-text'), TRANSLATE);
      assert.equal(reader.requestModel, 'general/nmt');
      assert.deepEqual(facts.items, [{ operation: 'translation', model: 'general/nmt', usage: { characters: 39 } }]);
      assert.equal(priced('gcp.translate', facts.items[0]!).cost, '0.00078');
      assert.equal(translationModel('projects/p/locations/us-central1/models/general/translation-llm'), 'general/translation-llm');
      assert.ok(googleCloudTranslateAdapter.route(head('POST', `${TRANSLATE}/v3/projects/example-project:translateText`)));
      assert.ok(googleCloudTranslateAdapter.route(head('POST', `${TRANSLATE}/v3beta1/projects/p/locations/global:translateText`)));
    });

    it('language detection is its own operation, left unpriced by the default catalog', function () {
      const { facts } = replay(googleCloudTranslateAdapter, loadFixture('google-cloud-translate', 'v2-detect'), TRANSLATE);
      assert.deepEqual(facts.items, [{ operation: 'language_detection', usage: { characters: 21 } }]);
      assert.equal(unpricedReason('gcp.translate', facts.items[0]!), 'no_plan');
      const v3 = drive(googleCloudTranslateAdapter, head('POST', `${TRANSLATE}/v3/projects/p/locations/global:detectLanguage`), {
        content: 'Hola',
        mimeType: 'text/plain',
      });
      assert.deepEqual(v3.items, [{ operation: 'language_detection', usage: { characters: 4 } }]);
    });

    it('form fields read by name (repeated q) count the same', function () {
      const route = googleCloudTranslateAdapter.route(head('POST', `${TRANSLATE}/language/translate/v2`))!;
      const form: Extracted = new Map([['q', [5, 7]]]);
      const facts = route
        .begin(form, head('POST', `${TRANSLATE}/language/translate/v2`))
        .finish({ status: 200, response: NOTHING_EXTRACTED, aborted: false });
      assert.deepEqual(facts.items, [{ operation: 'translation', usage: { characters: 12 } }]);
    });

    it('a body without text is unknown usage, not zero', function () {
      assert.deepEqual(drive(googleCloudTranslateAdapter, head('POST', `${TRANSLATE}/language/translate/v2`), undefined), {
        items: [],
        noUsage: true,
      });
    });

    it('recognises only translation and detection POSTs', function () {
      assert.equal(googleCloudTranslateAdapter.route(head('GET', `${TRANSLATE}/language/translate/v2?q=hello&target=de`)), undefined);
      assert.equal(googleCloudTranslateAdapter.route(head('POST', `${TRANSLATE}/language/translate/v2/languages`)), undefined);
      assert.equal(
        googleCloudTranslateAdapter.route(head('POST', `${TRANSLATE}/v3/projects/p/locations/us-central1:batchTranslateText`)),
        undefined,
      );
      assert.equal(
        googleCloudTranslateAdapter.route(head('GET', `${TRANSLATE}/v3/projects/p/locations/global/supportedLanguages`)),
        undefined,
      );
    });
  });

  describe('DeepL', function () {
    it('prefers the billed characters the response reports (tags excluded) over the request count', function () {
      const fixture = loadFixture('deepl', 'translate-billed-characters');
      const { route, facts } = replay(deeplAdapter, fixture, DEEPL);
      assert.equal(route.operation, 'translation');
      assert.deepEqual(facts.items, [{ operation: 'translation', usage: { characters: 25 } }]);
      assert.deepEqual(facts.extraUsage, { characters: 25 });
      assert.deepEqual(priced('deepl', facts.items[0]!), { plan: 'deepl/api-pro', tier: 'standard', currency: 'EUR', cost: '0.0005' });
      // Without the response the request's 32 characters (markup included) are all there is.
      const unread = drive(deeplAdapter, headOf(fixture, DEEPL), fixture.request.body, { status: 200 });
      assert.deepEqual(unread.items, [{ operation: 'translation', usage: { characters: 32 } }]);
    });

    it('counts the request text when billed characters are not reported, on the Free host too', function () {
      const { facts } = replay(deeplAdapter, loadFixture('deepl', 'translate-plain'), 'https://api-free.deepl.com');
      assert.deepEqual(facts.items, [{ operation: 'translation', usage: { characters: 27 } }]);
      assert.equal(priced('deepl', facts.items[0]!).cost, '0.00054');
    });

    it('still reports the request items on 456 quota exceeded', function () {
      const { facts } = replay(deeplAdapter, loadFixture('deepl', 'translate-quota-456'), DEEPL);
      assert.deepEqual(facts.items, [{ operation: 'translation', usage: { characters: 9 } }]);
    });

    it('counts form-encoded text fields read by name, and distrusts a broken billed count', function () {
      const h = head('POST', `${DEEPL}/v2/translate`);
      const route = deeplAdapter.route(h)!;
      const form: Extracted = new Map([['text', [11, 4]]]);
      const broken: Extracted = new Map([['translations.*.billed_characters', [11, -4]]]);
      const facts = route.begin(form, h).finish({ status: 200, response: broken, aborted: false });
      assert.deepEqual(facts.items, [{ operation: 'translation', usage: { characters: 15 } }]);
      assert.deepEqual(drive(deeplAdapter, h, {}), { items: [], noUsage: true });
    });

    it('recognises only POST /v2/translate', function () {
      assert.equal(deeplAdapter.route(head('GET', `${DEEPL}/v2/usage`)), undefined);
      assert.equal(deeplAdapter.route(head('GET', `${DEEPL}/v2/translate`)), undefined);
      assert.equal(deeplAdapter.route(head('POST', `${DEEPL}/v2/document`)), undefined);
      assert.equal(deeplAdapter.route(head('POST', `${DEEPL}/v2/glossaries`)), undefined);
    });
  });

  describe('AWS Comprehend, Translate and Rekognition', function () {
    it('Comprehend DetectSentiment: 42 characters billed at the 300-character minimum', function () {
      const { route, facts } = replay(awsComprehendAdapter, loadFixture('aws-comprehend', 'detect-sentiment'), COMPREHEND);
      assert.equal(route.operation, 'sentiment');
      assert.deepEqual(facts.items, [{ operation: 'sentiment', usage: { characters: 42 } }]);
      assert.deepEqual(priced('aws.comprehend', facts.items[0]!), {
        plan: 'aws/comprehend-sentiment',
        tier: 'standard',
        currency: 'USD',
        cost: '0.0003',
      });
    });

    it('Comprehend BatchDetectSentiment: one item per document, each with its own minimum', function () {
      const { facts } = replay(awsComprehendAdapter, loadFixture('aws-comprehend', 'batch-detect-sentiment'), COMPREHEND);
      assert.deepEqual(facts.items, [
        { operation: 'sentiment', usage: { characters: 19 } },
        { operation: 'sentiment', usage: { characters: 235 } },
        { operation: 'sentiment', usage: { characters: 471 } },
      ]);
      assert.deepEqual(facts.extraUsage, { characters: 725 });
      // 300 (minimum), 300 (3 units), 500 (5 units) characters at $0.0001 per 100.
      assert.deepEqual(
        facts.items.map((i) => priced('aws.comprehend', i).cost),
        ['0.0003', '0.0003', '0.0005'],
      );
    });

    it('Comprehend other detectors: own operations, the same per-document units; unpriced by the default catalog', function () {
      const { facts } = replay(awsComprehendAdapter, loadFixture('aws-comprehend', 'detect-entities'), COMPREHEND);
      assert.deepEqual(facts.items, [{ operation: 'entity_detection', usage: { characters: 39 } }]);
      assert.equal(unpricedReason('aws.comprehend', facts.items[0]!), 'no_plan');
      const target = (action: string) => ({ 'x-amz-target': `Comprehend_20171127.${action}` });
      const ops = [
        'DetectKeyPhrases',
        'BatchDetectKeyPhrases',
        'DetectDominantLanguage',
        'BatchDetectDominantLanguage',
        'BatchDetectEntities',
      ].map((a) => awsComprehendAdapter.route(head('POST', `${COMPREHEND}/`, target(a)))?.operation);
      assert.deepEqual(ops, ['key_phrases', 'key_phrases', 'language_detection', 'language_detection', 'entity_detection']);
    });

    it('Translate TranslateText: source characters', function () {
      const { route, facts } = replay(awsTranslateAdapter, loadFixture('aws-translate', 'translate-text'), AWS_TRANSLATE);
      assert.equal(route.operation, 'translation');
      assert.deepEqual(facts.items, [{ operation: 'translation', usage: { characters: 32 } }]);
      assert.deepEqual(priced('aws.translate', facts.items[0]!), {
        plan: 'aws/translate-standard',
        tier: 'standard',
        currency: 'USD',
        cost: '0.00048',
      });
    });

    it('Rekognition image APIs: one image per call, by pricing group', function () {
      const labels = replay(awsRekognitionAdapter, loadFixture('aws-rekognition', 'detect-labels'), REKOGNITION);
      assert.equal(labels.route.operation, 'image_analysis');
      assert.deepEqual(labels.route.requestFields, [], 'image bytes are never read');
      assert.deepEqual(labels.facts.items, [{ operation: 'image_analysis', usage: { images: 1 }, dimensions: { api_group: 'group_2' } }]);
      assert.deepEqual(labels.facts.extraUsage, { images: 1 });
      assert.deepEqual(priced('aws.rekognition', labels.facts.items[0]!), {
        plan: 'aws/rekognition-image',
        tier: 'standard',
        currency: 'USD',
        cost: '0.001',
      });
      const compare = replay(awsRekognitionAdapter, loadFixture('aws-rekognition', 'compare-faces'), REKOGNITION);
      assert.deepEqual(compare.facts.items, [{ operation: 'image_analysis', usage: { images: 1 }, dimensions: { api_group: 'group_1' } }]);
    });

    it('Rekognition: a 400 still reports the item (capture decides what an error costs)', function () {
      const { facts } = replay(awsRekognitionAdapter, loadFixture('aws-rekognition', 'detect-labels-invalid-400'), REKOGNITION);
      assert.deepEqual(facts.items, [{ operation: 'image_analysis', usage: { images: 1 }, dimensions: { api_group: 'group_2' } }]);
    });

    it('recognises by service host and target; FIPS, VPC endpoint and configured hosts too', function () {
      const sentiment = { 'x-amz-target': 'Comprehend_20171127.DetectSentiment' };
      assert.ok(awsComprehendAdapter.route(head('POST', 'https://comprehend-fips.us-east-1.amazonaws.com/', sentiment)));
      assert.ok(awsComprehendAdapter.route(head('POST', 'https://vpce-0a1b2c3d-e4f5.comprehend.us-east-1.vpce.amazonaws.com/', sentiment)));
      assert.ok(awsComprehendAdapter.route(head('POST', 'http://localhost:4566/', sentiment)), 'a configured endpoint (LocalStack)');
      assert.ok(
        awsTranslateAdapter.route(
          head('POST', 'https://translate-fips.us-east-1.amazonaws.com/', {
            'x-amz-target': 'AWSShineFrontendService_20170701.TranslateText',
          }),
        ),
      );
    });

    it('leaves other AWS services, other actions and other methods alone', function () {
      const none = (adapter: ProviderAdapter, method: string, url: string, target?: string) =>
        assert.equal(
          adapter.route(head(method, url, target === undefined ? {} : { 'x-amz-target': target })),
          undefined,
          `${adapter.provider} ${method} ${url} ${target}`,
        );
      const all = [awsComprehendAdapter, awsTranslateAdapter, awsRekognitionAdapter];
      for (const a of all) {
        none(a, 'POST', 'https://dynamodb.us-east-1.amazonaws.com/', 'DynamoDB_20120810.GetItem');
        none(a, 'PUT', 'https://example-bucket.s3.us-east-1.amazonaws.com/report.csv');
        none(a, 'GET', 'https://s3.amazonaws.com/example-bucket/photo.jpg');
        none(a, 'POST', 'https://bedrock-runtime.us-east-1.amazonaws.com/model/m/converse');
      }
      // A target of one service on another service's host.
      none(awsComprehendAdapter, 'POST', 'https://s3.us-east-1.amazonaws.com/', 'Comprehend_20171127.DetectSentiment');
      none(awsTranslateAdapter, 'POST', `${COMPREHEND}/`, 'AWSShineFrontendService_20170701.TranslateText');
      none(awsRekognitionAdapter, 'POST', `${COMPREHEND}/`, 'RekognitionService.DetectLabels');
      // Each adapter only its own service's targets.
      none(awsComprehendAdapter, 'POST', `${COMPREHEND}/`, 'RekognitionService.DetectLabels');
      none(awsRekognitionAdapter, 'POST', `${REKOGNITION}/`, 'Comprehend_20171127.DetectSentiment');
      // Non-billable or unmodelled actions, a missing target, GET, another path.
      none(awsComprehendAdapter, 'POST', `${COMPREHEND}/`, 'Comprehend_20171127.ListDocumentClassifiers');
      none(awsComprehendAdapter, 'POST', `${COMPREHEND}/`, 'Comprehend_20171127.constructor');
      none(awsComprehendAdapter, 'POST', `${COMPREHEND}/`);
      none(awsComprehendAdapter, 'GET', `${COMPREHEND}/`, 'Comprehend_20171127.DetectSentiment');
      none(awsComprehendAdapter, 'POST', `${COMPREHEND}/detect`, 'Comprehend_20171127.DetectSentiment');
      none(awsTranslateAdapter, 'POST', `${AWS_TRANSLATE}/`, 'AWSShineFrontendService_20170701.TranslateDocument');
      none(awsRekognitionAdapter, 'POST', `${REKOGNITION}/`, 'RekognitionService.StartLabelDetection');
      none(awsRekognitionAdapter, 'POST', `${REKOGNITION}/`, 'RekognitionService.DetectCustomLabels');
      none(awsRekognitionAdapter, 'POST', `${REKOGNITION}/`, 'RekognitionService.toString');
    });

    it('a Comprehend body without text is unknown usage, not zero', function () {
      const h = head('POST', `${COMPREHEND}/`, { 'x-amz-target': 'Comprehend_20171127.DetectEntities' });
      assert.deepEqual(drive(awsComprehendAdapter, h, { Bytes: 'JVBERi0=', LanguageCode: 'en' }), { items: [], noUsage: true });
    });
  });

  describe('Azure AI Language', function () {
    it('analyze-text: text records per document (2,500 characters = 3, a short one = 1); no default plan', function () {
      const { route, facts } = replay(azureAiLanguageAdapter, loadFixture('azure-ai-language', 'analyze-text-sentiment'), AZURE_LANGUAGE);
      assert.equal(route.operation, 'text_analysis');
      assert.deepEqual(facts.items, [{ operation: 'sentiment', usage: { text_records: 4 } }]);
      assert.deepEqual(facts.extraUsage, { text_records: 4 });
      assert.equal(unpricedReason('azure.ai.language', facts.items[0]!), 'no_plan');
    });

    it('Text Analytics v3.x paths: the path names the operation', function () {
      const { route, facts } = replay(azureAiLanguageAdapter, loadFixture('azure-ai-language', 'v31-key-phrases'), AZURE_LANGUAGE);
      assert.equal(route.operation, 'key_phrases');
      assert.deepEqual(facts.items, [{ operation: 'key_phrases', usage: { text_records: 1 } }]);
      const op = (p: string) => azureAiLanguageAdapter.route(head('POST', `${AZURE_LANGUAGE}${p}`))?.operation;
      assert.equal(op('/text/analytics/v3.0/sentiment'), 'sentiment');
      assert.equal(op('/text/analytics/v3.2-preview.2/entities/recognition/pii'), 'pii_detection');
      assert.equal(op('/text/analytics/v3.1/languages'), 'language_detection');
      assert.equal(op('/text/analytics/v3.1/entities/recognition/general'), 'entity_detection');
    });

    it('analyze-text jobs: every task bills every document', function () {
      const facts = drive(
        azureAiLanguageAdapter,
        head('POST', `${AZURE_LANGUAGE}/language/analyze-text/jobs?api-version=2023-04-01`),
        {
          displayName: 'two tasks',
          analysisInput: {
            documents: [
              { id: '1', text: 'a'.repeat(1500) },
              { id: '2', text: 'Short text.' },
            ],
          },
          tasks: [
            { kind: 'SentimentAnalysis', taskName: 's' },
            { kind: 'KeyPhraseExtraction', taskName: 'k' },
          ],
        },
        { status: 202 },
      );
      assert.deepEqual(facts.items, [
        { operation: 'sentiment', usage: { text_records: 3 } },
        { operation: 'key_phrases', usage: { text_records: 3 } },
      ]);
    });

    it('kinds: known ones mapped, unknown ones generic (never an inherited property)', function () {
      const h = head('POST', `${AZURE_LANGUAGE}/language/:analyze-text`);
      const doc = { analysisInput: { documents: [{ id: '1', text: 'Hello' }] } };
      const op = (kind?: unknown) => drive(azureAiLanguageAdapter, h, kind === undefined ? doc : { kind, ...doc }).items[0]?.operation;
      assert.equal(op('KeyPhraseExtraction'), 'key_phrases');
      assert.equal(op('EntityRecognition'), 'entity_detection');
      assert.equal(op('LanguageDetection'), 'language_detection');
      assert.equal(op('PiiEntityRecognition'), 'pii_detection');
      assert.equal(op('SomethingNew'), 'text_analysis');
      assert.equal(op('toString'), 'text_analysis');
      assert.equal(op(), undefined);
      assert.equal(op(42), undefined);
      assert.deepEqual(drive(azureAiLanguageAdapter, h, { kind: 'SentimentAnalysis' }), { items: [], noUsage: true });
    });

    it('text records: one per started 1,000 characters, at least one per document', function () {
      assert.equal(textRecords([0, 1, 999, 1000, 1001, 2500]), 1 + 1 + 1 + 1 + 2 + 3);
      assert.equal(textRecords([]), undefined);
      assert.equal(textRecords([-1, 'x']), undefined);
    });

    it('leaves Azure OpenAI paths on the same hosts, and other methods, alone', function () {
      assert.equal(
        azureAiLanguageAdapter.route(head('POST', `${AZURE_LANGUAGE}/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21`)),
        undefined,
      );
      assert.equal(azureAiLanguageAdapter.route(head('POST', `${AZURE_LANGUAGE}/openai/v1/responses`)), undefined);
      assert.equal(azureAiLanguageAdapter.route(head('GET', `${AZURE_LANGUAGE}/language/analyze-text/jobs/1234`)), undefined);
      assert.equal(azureAiLanguageAdapter.route(head('GET', `${AZURE_LANGUAGE}/language/:analyze-text`)), undefined);
      assert.equal(azureAiLanguageAdapter.route(head('POST', `${AZURE_LANGUAGE}/text/analytics/v3.1/constructor`)), undefined);
      assert.equal(azureAiLanguageAdapter.route(head('POST', `${AZURE_LANGUAGE}/language/:analyze-conversations`)), undefined);
      assert.ok(azureAiLanguageAdapter.hostSuffixes?.includes('.cognitiveservices.azure.com'));
    });
  });

  describe('Tavily', function () {
    it('basic search by default: one request, the credits reported on the span', function () {
      const { route, facts } = replay(tavilyAdapter, loadFixture('tavily', 'search-basic'), TAVILY);
      assert.equal(route.operation, 'search');
      assert.deepEqual(facts.items, [{ operation: 'search', usage: { requests: 1 }, dimensions: { search_depth: 'basic' } }]);
      assert.deepEqual(facts.extraUsage, { credits: 1 });
      assert.deepEqual(priced('tavily', facts.items[0]!), { plan: 'tavily/search', tier: 'basic', currency: 'USD', cost: '0.008' });
    });

    it('advanced search', function () {
      const { facts } = replay(tavilyAdapter, loadFixture('tavily', 'search-advanced'), TAVILY);
      assert.deepEqual(facts.items, [{ operation: 'search', usage: { requests: 1 }, dimensions: { search_depth: 'advanced' } }]);
      assert.deepEqual(facts.extraUsage, { credits: 2 });
      assert.deepEqual(priced('tavily', facts.items[0]!), { plan: 'tavily/search', tier: 'advanced', currency: 'USD', cost: '0.016' });
    });

    it('auto_parameters: the depth Tavily chose when the request named none', function () {
      const h = head('POST', `${TAVILY}/search`);
      const facts = drive(
        tavilyAdapter,
        h,
        { query: 'q', auto_parameters: true },
        { status: 200, body: { results: [], auto_parameters: { topic: 'general', search_depth: 'advanced' } } },
      );
      assert.deepEqual(facts.items[0]?.dimensions, { search_depth: 'advanced' });
      assert.equal(facts.extraUsage, undefined);
      const explicit = drive(
        tavilyAdapter,
        h,
        { query: 'q', auto_parameters: true, search_depth: 'basic' },
        { status: 200, body: { auto_parameters: { search_depth: 'advanced' } } },
      );
      assert.deepEqual(explicit.items[0]?.dimensions, { search_depth: 'basic' });
    });

    it('extract: successful URLs by extract depth; no default plan', function () {
      const { route, facts } = replay(tavilyAdapter, loadFixture('tavily', 'extract'), TAVILY);
      assert.equal(route.operation, 'extract');
      assert.deepEqual(facts.items, [{ operation: 'extract', usage: { urls: 2 }, dimensions: { extract_depth: 'basic' } }]);
      assert.deepEqual(facts.extraUsage, { credits: 1 });
      assert.equal(unpricedReason('tavily', facts.items[0]!), 'no_plan');
    });

    it('extract without a listing response: the URLs asked for (a string is one)', function () {
      const h = head('POST', `${TAVILY}/extract`);
      assert.deepEqual(drive(tavilyAdapter, h, { urls: 'https://example.com/', extract_depth: 'advanced' }, { status: 500 }).items, [
        { operation: 'extract', usage: { urls: 1 }, dimensions: { extract_depth: 'advanced' } },
      ]);
      assert.deepEqual(
        drive(tavilyAdapter, h, { urls: ['https://a.example/', 'https://b.example/', 'https://c.example/'] }, { status: 429 }).items,
        [{ operation: 'extract', usage: { urls: 3 }, dimensions: { extract_depth: 'basic' } }],
      );
      assert.deepEqual(drive(tavilyAdapter, h, {}), { items: [], noUsage: true });
    });

    it('crawl and map: pages returned', function () {
      const crawl = drive(
        tavilyAdapter,
        head('POST', `${TAVILY}/crawl`),
        { url: 'https://docs.example/', limit: 3 },
        {
          status: 200,
          body: {
            base_url: 'https://docs.example/',
            results: [
              { url: 'a', raw_content: 'x' },
              { url: 'b', raw_content: 'y' },
            ],
            usage: { credits: 1 },
          },
        },
      );
      assert.deepEqual(crawl.items, [{ operation: 'crawl', usage: { pages: 2 }, dimensions: { extract_depth: 'basic' } }]);
      const map = drive(
        tavilyAdapter,
        head('POST', `${TAVILY}/map`),
        { url: 'https://docs.example/' },
        { status: 200, body: { base_url: 'https://docs.example/', results: ['a', 'b', 'c'] } },
      );
      assert.deepEqual(map.items, [{ operation: 'map', usage: { pages: 3 } }]);
    });

    it('recognises only billable POSTs', function () {
      assert.equal(tavilyAdapter.route(head('GET', `${TAVILY}/usage`)), undefined);
      assert.equal(tavilyAdapter.route(head('GET', `${TAVILY}/search`)), undefined);
      assert.equal(tavilyAdapter.route(head('POST', `${TAVILY}/research`)), undefined);
    });
  });

  describe('Exa', function () {
    it('search: the reported costDollars is the provider cost; the catalog prices the request too', function () {
      const { route, facts } = replay(exaAdapter, loadFixture('exa', 'search-cost-dollars'), EXA);
      assert.equal(route.operation, 'search');
      assert.deepEqual(facts.items, [{ operation: 'search', usage: { requests: 1 }, dimensions: { search_type: 'neural' } }]);
      assert.deepEqual(facts.providerCost, { amount: '0.007', currency: 'USD' });
      assert.deepEqual(priced('exa', facts.items[0]!), { plan: 'exa/search', tier: 'standard', currency: 'USD', cost: '0.007' });
    });

    it('contents: one page per URL; answer: one request; both cost-reported, no default plan', function () {
      const contents = replay(exaAdapter, loadFixture('exa', 'contents'), EXA);
      assert.deepEqual(contents.facts.items, [{ operation: 'contents', usage: { pages: 2 } }]);
      assert.deepEqual(contents.facts.providerCost, { amount: '0.002', currency: 'USD' });
      assert.equal(unpricedReason('exa', contents.facts.items[0]!), 'no_plan');
      const answer = replay(exaAdapter, loadFixture('exa', 'answer'), EXA);
      assert.deepEqual(answer.facts.items, [{ operation: 'answer', usage: { requests: 1 } }]);
      assert.deepEqual(answer.facts.providerCost, { amount: '0.005', currency: 'USD' });
      assert.equal(unpricedReason('exa', answer.facts.items[0]!), 'no_plan');
    });

    it('a 401 reports the request item and no provider cost', function () {
      const { facts } = replay(exaAdapter, loadFixture('exa', 'search-unauthorized-401'), EXA);
      assert.deepEqual(facts.items, [{ operation: 'search', usage: { requests: 1 }, dimensions: { search_type: 'auto' } }]);
      assert.equal(facts.providerCost, undefined);
    });

    it('no type: no search_type dimension; legacy ids count as pages', function () {
      const search = drive(
        exaAdapter,
        head('POST', `${EXA}/search`),
        { query: 'q' },
        { status: 200, body: { results: [], costDollars: { total: 0.007 } } },
      );
      assert.deepEqual(search.items, [{ operation: 'search', usage: { requests: 1 } }]);
      const contents = drive(exaAdapter, head('POST', `${EXA}/contents`), { ids: ['a', 'b', 'c'] });
      assert.deepEqual(contents.items, [{ operation: 'contents', usage: { pages: 3 } }]);
      assert.deepEqual(drive(exaAdapter, head('POST', `${EXA}/contents`), { text: true }), {
        items: [],
        noUsage: true,
        providerCost: undefined,
      });
    });

    it('reported costs: exact decimals as sent, nothing for broken values; a streamed cost is read', function () {
      assert.deepEqual(dollars(0.007), { amount: '0.007', currency: 'USD' });
      assert.deepEqual(dollars(0.1 + 0.2), { amount: '0.30000000000000004', currency: 'USD' });
      assert.deepEqual(dollars('0.0125'), { amount: '0.0125', currency: 'USD' });
      assert.equal(dollars(-1), undefined);
      assert.equal(dollars('free'), undefined);
      assert.equal(dollars(Number.NaN), undefined);
      const h = head('POST', `${EXA}/answer`);
      const reader = exaAdapter.route(h)!.begin(extractFields({ query: 'q', stream: true }, []), h);
      reader.onEvent?.('message', '{"choices":[{"delta":{"content":"Hi"}}]}');
      reader.onEvent?.('message', '{"citations":[],"costDollars":{"total":0.005}}');
      assert.deepEqual(reader.finish({ status: 200, response: NOTHING_EXTRACTED, aborted: false }).providerCost, {
        amount: '0.005',
        currency: 'USD',
      });
    });

    it('recognises only billable POSTs', function () {
      assert.equal(exaAdapter.route(head('GET', `${EXA}/search`)), undefined);
      assert.equal(exaAdapter.route(head('GET', `${EXA}/websets/v0/websets`)), undefined);
      assert.equal(exaAdapter.route(head('POST', `${EXA}/research/v1`)), undefined);
      assert.equal(exaAdapter.route(head('POST', `${EXA}/findSimilar`))?.operation, 'search');
    });
  });

  describe('fixtures through the streaming scanner', function () {
    const cases: [ProviderAdapter, string, string, string[]][] = [
      [
        googleCloudVisionAdapter,
        'google-cloud-vision',
        VISION,
        ['images-annotate-2x2', 'images-annotate-mixed', 'files-annotate-pdf', 'images-annotate-invalid-400'],
      ],
      [
        googleCloudTranslateAdapter,
        'google-cloud-translate',
        TRANSLATE,
        ['v2-translate-array', 'v2-translate-non-ascii', 'v3-translate-text', 'v2-detect'],
      ],
      [deeplAdapter, 'deepl', DEEPL, ['translate-billed-characters', 'translate-plain', 'translate-quota-456']],
      [awsComprehendAdapter, 'aws-comprehend', COMPREHEND, ['detect-sentiment', 'batch-detect-sentiment', 'detect-entities']],
      [awsTranslateAdapter, 'aws-translate', AWS_TRANSLATE, ['translate-text']],
      [awsRekognitionAdapter, 'aws-rekognition', REKOGNITION, ['detect-labels', 'compare-faces', 'detect-labels-invalid-400']],
      [azureAiLanguageAdapter, 'azure-ai-language', AZURE_LANGUAGE, ['analyze-text-sentiment', 'v31-key-phrases']],
      [tavilyAdapter, 'tavily', TAVILY, ['search-basic', 'search-advanced', 'extract']],
      [exaAdapter, 'exa', EXA, ['search-cost-dollars', 'contents', 'answer', 'search-unauthorized-401']],
    ];
    const scan = (body: unknown, specs: Parameters<typeof extractFields>[1]): Extracted => {
      const scanner = new JsonFieldScanner(specs);
      const bytes = Buffer.from(JSON.stringify(body), 'utf8');
      // Cut into small chunks, as bytes arrive from the socket.
      for (let i = 0; i < bytes.length; i += 7) scanner.write(bytes.subarray(i, i + 7));
      return scanner.result();
    };
    for (const [adapter, provider, base, names] of cases) {
      it(`${provider}: the scanner finds what the reference extraction finds, and the facts are the same`, function () {
        for (const name of names) {
          const fixture: Fixture = loadFixture(provider, name);
          const h = headOf(fixture, base);
          const route = adapter.route(h)!;
          const request = scan(fixture.request.body, route.requestFields);
          assert.deepEqual(request, extractFields(fixture.request.body, route.requestFields), `${name} request`);
          const reader = route.begin(request, h);
          const response = scan(fixture.response.body, reader.responseFields);
          assert.deepEqual(response, extractFields(fixture.response.body, reader.responseFields), `${name} response`);
          const facts = reader.finish({ status: fixture.response.status, response, aborted: false });
          assert.deepEqual(facts, replay(adapter, fixture, base).facts, name);
        }
      });
    }
  });
});
