// Bedrock InvokeModel calls whose body carries no usage (Mistral Large 2 (24.07) here) priced from
// the X-Amzn-Bedrock-Input/Output-Token-Count response headers, as each transport hands them to
// the adapter: the official Bedrock Runtime client on its real host name over TLS (a network
// namespace of the test's own, see test/support/real-hosts.ts) with NodeHttpHandler (http/1.1) and
// with its default NodeHttp2Handler (HTTP/2), and fetch (undici) in this process.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { fixture as fixturePath } from '../support/catalog.js';
import { loadFixture } from '../support/fixtures.js';
import { suiteHarness } from '../support/harness.js';
import { runScenario, testCatalogPerSuite, type ScenarioOut } from '../support/real-hosts.js';
import { assertCarriesNothingSent, metered, oneCallAt, onlySpan, priced } from '../support/real-hosts-assert.js';

const HOST = 'bedrock-runtime.us-east-1.amazonaws.com';
const PATH = '/model/mistral.mistral-large-2407-v1%3A0/invoke';
const FIXTURE = 'aws-bedrock/invoke-mistral';

/** Test rates (the test's own, not AWS's): 2.00 and 6.00 per million input and output tokens. */
const TEST_CATALOG = readFileSync(fixturePath('bedrock-mistral-test-rates.yaml'), 'utf8');

/** The span's pricing and usage, as `priced` gives them. */
const USAGE = ['gen_ai.usage.input_tokens', 'gen_ai.usage.output_tokens', 'ai.pricing.unpriced_reason'];

/** The fixture's headers say 14 input and 11 output tokens: 14 × 2.00/1M + 11 × 6.00/1M. */
const EXPECTED = {
  provider: 'aws.bedrock',
  operation: 'chat',
  model: 'mistral.mistral-large-2407-v1:0',
  plan: 'test/bedrock-mistral-large-2407',
  source: 'catalog',
  cost: '0.000094',
  'gen_ai.usage.input_tokens': 14,
  'gen_ai.usage.output_tokens': 11,
  'ai.pricing.unpriced_reason': undefined,
};

/** No header value reaches the span: the fixture's request id. */
const REQUEST_ID = '0c6d2a8e-4b1f';

describe('Bedrock InvokeModel priced from the token-count response headers', function () {
  this.timeout(60_000);
  const catalog = testCatalogPerSuite(TEST_CATALOG);

  describe('the Bedrock Runtime SDK on its real host name over TLS', function () {
    // The server offers HTTP/2 and http/1.1 (ALPN), so the protocol each request came in tells
    // which the handler chose.
    const run = (scenario: string): Promise<ScenarioOut> =>
      runScenario(scenario, FIXTURE, [HOST], { PRICETAG_CATALOGS: catalog(), REAL_HOSTS_HTTP2: '1' });

    for (const [name, scenario, httpVersion] of [
      ['NodeHttpHandler (http/1.1)', 'bedrock-invoke-mistral.ts', '1.1'],
      ['the DEFAULT handler (NodeHttp2Handler, HTTP/2)', 'bedrock-invoke-mistral-http2.ts', '2.0'],
    ] as const) {
      it(`${name}: usage and cost from the headers`, async function () {
        const out = await run(scenario);
        assert.deepEqual(out.result, { text: 'Use 4 x 30 mm wood screws.' }, 'the SDK got the body untouched');
        const span = onlySpan(out, HOST, PATH, { httpVersion, absent: [REQUEST_ID] });
        assert.deepEqual(priced(span, ...USAGE), EXPECTED);
        assert.deepEqual(metered(out, span), oneCallAt('0.000094'));
      });
    }
  });

  describe('fetch (undici) against a configured aws.bedrock endpoint', function () {
    const harnessed = suiteHarness({
      endpoints: (origin) => [{ provider: 'aws.bedrock', baseUrl: `${origin}/bedrock` }],
      catalogs: () => [catalog()],
    });

    async function call(): Promise<Record<string, unknown>> {
      const fixture = loadFixture('aws-bedrock', 'invoke-mistral');
      const res = await fetch(`${harnessed().server.origin}/bedrock${fixture.request.path}`, {
        method: 'POST',
        headers: fixture.request.headers,
        body: JSON.stringify(fixture.request.body),
      });
      assert.equal(res.status, 200);
      await res.arrayBuffer();
      const spans = await harnessed().aiSpans();
      assert.equal(spans.length, 1, 'priced exactly once');
      return { ...spans[0]!.attributes };
    }

    it('usage and cost from the headers', async function () {
      const fixture = loadFixture('aws-bedrock', 'invoke-mistral');
      harnessed().server.serve(fixture);
      const span = await call();
      assert.deepEqual(priced(span, ...USAGE), EXPECTED);
      assertCarriesNothingSent(span, [REQUEST_ID]);
    });

    it('without the headers: no usage, never priced at zero', async function () {
      const fixture = loadFixture('aws-bedrock', 'invoke-mistral');
      const headers = Object.fromEntries(Object.entries(fixture.response.headers).filter(([k]) => !k.endsWith('-token-count')));
      harnessed().server.serve({ ...fixture, response: { ...fixture.response, headers } });
      const span = await call();
      assert.deepEqual(priced(span, ...USAGE), {
        ...EXPECTED,
        plan: undefined,
        source: undefined,
        cost: undefined,
        'gen_ai.usage.input_tokens': undefined,
        'gen_ai.usage.output_tokens': undefined,
        'ai.pricing.unpriced_reason': 'no_usage',
      });
    });
  });
});
