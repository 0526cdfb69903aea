import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { responseBodyReader, responseKind } from '../../src/capture/body-readers.js';
import { bedrockAdapter, bedrockModel } from '../../src/providers/bedrock.js';
import { extractFields } from '../../src/providers/fields.js';
import { ProviderRegistry } from '../../src/providers/registry.js';
import { BUILT_IN_ADAPTERS } from '../../src/providers/index.js';
import type { CallFacts, RequestHead } from '../../src/providers/types.js';
import { formatDecimal } from '../../src/pricing/decimal.js';
import { encodeMessages, type FixtureMessage } from '../support/aws-eventstream.js';
import { fixture as fixturePath, pricerFromTexts } from '../support/catalog.js';
import { headOf, loadFixture, priceWithDefaultCatalog, requestHead, usageFacts, type Fixture } from '../support/fixtures.js';

const BASE = 'https://bedrock-runtime.us-east-1.amazonaws.com';

/**
 * Feeds a Bedrock fixture to the adapter as capture does: JSON bodies by their fields, event
 * streams through the real binary framing (encoded by the AWS SDK's codec, read by ours), in
 * pieces of `chunk` bytes; `mangle` may change the wire bytes first.
 */
function run(
  name: string,
  options: { chunk?: number; mangle?: (wire: Buffer) => Buffer } = {},
): { facts: CallFacts; operation: string; requestModel?: string } {
  const fixture: Fixture = loadFixture('aws-bedrock', name);
  const head = headOf(fixture, BASE);
  const route = bedrockAdapter.route(head);
  assert.ok(route, `not recognised: ${head.path}`);
  const reader = route.begin(extractFields(fixture.request.body, route.requestFields), head);
  const { status, body, headers } = fixture.response;
  const kind = responseKind(headers['content-type']);
  if (kind !== 'eventstream') {
    const response = extractFields(body, status < 400 ? reader.responseFields : []);
    return { facts: reader.finish({ status, response, aborted: false }), operation: route.operation, requestModel: reader.requestModel };
  }
  assert.ok(reader.onEvent);
  let wire = encodeMessages(body as FixtureMessage[]);
  if (options.mangle) wire = options.mangle(wire);
  // As capture does: events the reader says it does not need may go unread.
  const listener = {
    onEvent: (e: string, d: string) => reader.onEvent!(e, d),
    skipPatterns: () => reader.skipEventsWithout?.(),
    onDone: () => undefined,
  };
  const bodyReader = responseBodyReader(kind, undefined, [], listener, true, reader.skipEventsWithout !== undefined);
  const size = options.chunk ?? wire.length;
  for (let i = 0; i < wire.length; i += size) bodyReader.write(wire.subarray(i, i + size));
  bodyReader.end();
  const facts = reader.finish({ status, response: new Map(), aborted: !bodyReader.ok });
  return { facts, operation: route.operation, requestModel: reader.requestModel };
}

describe('Bedrock model ids from the path', function () {
  it('model ids, inference profiles and ARNs name the model priced', function () {
    const cases: [string, string | undefined][] = [
      ['anthropic.claude-3-5-haiku-20241022-v1:0', 'anthropic.claude-3-5-haiku-20241022-v1:0'],
      ['us.anthropic.claude-3-5-haiku-20241022-v1:0', 'anthropic.claude-3-5-haiku-20241022-v1:0'],
      ['eu.amazon.nova-micro-v1:0', 'amazon.nova-micro-v1:0'],
      ['apac.amazon.nova-lite-v1:0', 'amazon.nova-lite-v1:0'],
      ['global.anthropic.claude-haiku-4-5-20251001-v1:0', 'anthropic.claude-haiku-4-5-20251001-v1:0'],
      ['us-gov.meta.llama3-1-8b-instruct-v1:0', 'meta.llama3-1-8b-instruct-v1:0'],
      ['arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0', 'amazon.nova-pro-v1:0'],
      ['arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.amazon.nova-pro-v1:0', 'amazon.nova-pro-v1:0'],
      ['arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3d4e5f6', undefined],
      ['arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abc123', undefined],
      // Not a profile prefix: the model id as it is.
      ['cohere.command-r-v1:0', 'cohere.command-r-v1:0'],
    ];
    for (const [id, model] of cases) assert.equal(bedrockModel(id), model, id);
  });

  it('recognised on regional, FIPS and VPC endpoint hosts, from the URL-encoded path, and nothing else', function () {
    const registry = new ProviderRegistry(BUILT_IN_ADAPTERS);
    const at = (host: string, path: string, method = 'POST') => registry.recognize(method, host, path, () => undefined);
    const path = '/model/us.amazon.nova-micro-v1%3A0/converse';
    for (const host of [
      'bedrock-runtime.us-east-1.amazonaws.com',
      'bedrock-runtime.eu-central-1.amazonaws.com',
      'bedrock-runtime-fips.us-west-2.amazonaws.com',
      'vpce-0abc-xyz.bedrock-runtime.us-east-1.vpce.amazonaws.com',
    ]) {
      assert.ok(registry.knowsHost(host), host);
      const found = at(host, path);
      assert.equal(found?.adapter.provider, 'aws.bedrock', host);
    }
    assert.equal(at('bedrock.us-east-1.amazonaws.com', path), undefined, 'the control plane is not a call');
    assert.equal(at('bedrock-agent-runtime.us-east-1.amazonaws.com', path), undefined);
    assert.equal(at('bedrock-runtime.us-east-1.amazonaws.com', path, 'GET'), undefined);
    assert.equal(at('bedrock-runtime.us-east-1.amazonaws.com', '/model/x/count-tokens'), undefined);
    assert.equal(at('bedrock-runtime.us-east-1.amazonaws.com', '/model/%E0%A4%A/converse'), undefined, 'bad escapes');
    const arn = '/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile%2Fus.amazon.nova-pro-v1%3A0/converse-stream';
    const head: RequestHead = requestHead(arn, { host: 'bedrock-runtime.us-east-1.amazonaws.com' });
    const reader = bedrockAdapter.route(head)!.begin(new Map(), head);
    assert.equal(reader.requestModel, 'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.amazon.nova-pro-v1:0');
  });
});

describe('Bedrock adapter', function () {
  it('Converse via a us. profile: cache reads and writes billed apart, priced as the model', function () {
    const { facts, operation, requestModel } = run('converse-cached');
    assert.equal(operation, 'chat');
    assert.equal(requestModel, 'us.anthropic.claude-3-5-haiku-20241022-v1:0');
    assert.deepEqual(usageFacts(facts), {
      responseModel: undefined,
      items: [
        {
          operation: 'chat',
          model: 'anthropic.claude-3-5-haiku-20241022-v1:0',
          usage: { input_tokens: 24, cached_input_tokens: 3000, cache_write_tokens: 200, output_tokens: 41 },
        },
      ],
      semconv: { inputTokens: 3224, outputTokens: 41, cacheReadInputTokens: 3000, cacheCreationInputTokens: 200 },
    });
    // 24 × 0.80/1M + 3000 × 0.08/1M + 200 × 1.00/1M + 41 × 4.00/1M
    assert.deepEqual(priceWithDefaultCatalog('aws.bedrock', facts.items[0]!), {
      plan: 'aws-bedrock/claude-3-5-haiku',
      tier: 'standard',
      cost: '0.0006232',
    });
  });

  it('ConverseStream: usage from the metadata event, through the binary framing cut at every byte', function () {
    const whole = run('converse-stream');
    assert.equal(whole.facts.complete, true);
    assert.deepEqual(whole.facts.items, [
      { operation: 'chat', model: 'amazon.nova-micro-v1:0', usage: { input_tokens: 1200, output_tokens: 350 } },
    ]);
    // 1200 × 0.035/1M + 350 × 0.14/1M
    assert.equal(priceWithDefaultCatalog('aws.bedrock', whole.facts.items[0]!).cost, '0.000091');
    for (const chunk of [1, 2, 5, 13]) assert.deepEqual(run('converse-stream', { chunk }).facts.items, whole.facts.items, `chunk ${chunk}`);
  });

  it('ConverseStream with a bad CRC: usage unknown, never zero', function () {
    const { facts } = run('converse-stream', {
      mangle: (wire) => {
        const bad = Buffer.from(wire);
        bad[20] = bad[20]! ^ 0x01; // inside the first message
        return bad;
      },
    });
    assert.deepEqual(usageFacts(facts), { items: [], noUsage: true });
    // A bad frame after the metadata event still leaves the usage unknown.
    const late = run('converse-stream', {
      mangle: (wire) => Buffer.concat([wire, Buffer.from([0, 0, 0, 16, 0, 0, 0, 0, 1, 2, 3, 4, 0, 0, 0, 0])]),
    });
    assert.deepEqual(usageFacts(late.facts), { items: [], noUsage: true });
  });

  it('ConverseStream cut by an exception event: no usage', function () {
    const { facts } = run('converse-stream-exception');
    assert.deepEqual(usageFacts(facts), { responseModel: undefined, items: [], noUsage: true });
    assert.notEqual(facts.complete, true);
  });

  it('InvokeModel, Anthropic body: read as Anthropic, the response model first, the path model as fallback', function () {
    const { facts } = run('invoke-claude');
    assert.deepEqual(facts.items, [
      {
        operation: 'chat',
        model: 'claude-3-5-haiku-20241022',
        fallbackModel: 'anthropic.claude-3-5-haiku-20241022-v1:0',
        usage: { input_tokens: 18, output_tokens: 60 },
        dimensions: undefined,
      },
    ]);
    assert.equal(facts.responseModel, 'claude-3-5-haiku-20241022');
    // 18 × 0.80/1M + 60 × 4/1M
    assert.equal(priceWithDefaultCatalog('aws.bedrock', facts.items[0]!).cost, '0.0002544');
  });

  it('InvokeModel, Amazon Nova body', function () {
    const { facts } = run('invoke-nova');
    assert.deepEqual(facts.items, [
      {
        operation: 'chat',
        model: 'amazon.nova-lite-v1:0',
        usage: { input_tokens: 500, cached_input_tokens: 0, cache_write_tokens: 0, output_tokens: 120 },
      },
    ]);
    // 500 × 0.06/1M + 120 × 0.24/1M
    assert.equal(priceWithDefaultCatalog('aws.bedrock', facts.items[0]!).cost, '0.0000588');
  });

  it('InvokeModel, Meta Llama body: priced with the built-in Llama 3.1 8B plan', function () {
    const { facts } = run('invoke-llama');
    assert.deepEqual(facts.items, [
      { operation: 'chat', model: 'meta.llama3-1-8b-instruct-v1:0', usage: { input_tokens: 22, output_tokens: 11 } },
    ]);
    assert.deepEqual(facts.semconv, {
      inputTokens: 22,
      outputTokens: 11,
      cacheReadInputTokens: undefined,
      cacheCreationInputTokens: undefined,
    });
    // 22 × 0.22/1M + 11 × 0.22/1M
    assert.deepEqual(priceWithDefaultCatalog('aws.bedrock', facts.items[0]!), {
      plan: 'aws-bedrock/llama-3-1-8b',
      tier: 'standard',
      cost: '0.00000726',
    });
  });

  it('Converse with Llama 3.3 70B through a us. profile: priced as the model', function () {
    const { facts, requestModel } = run('converse-llama');
    assert.equal(requestModel, 'us.meta.llama3-3-70b-instruct-v1:0');
    assert.deepEqual(usageFacts(facts), {
      responseModel: undefined,
      items: [{ operation: 'chat', model: 'meta.llama3-3-70b-instruct-v1:0', usage: { input_tokens: 1850, output_tokens: 312 } }],
      semconv: { inputTokens: 1850, outputTokens: 312, cacheReadInputTokens: undefined, cacheCreationInputTokens: undefined },
    });
    // 1850 × 0.72/1M + 312 × 0.72/1M
    assert.deepEqual(priceWithDefaultCatalog('aws.bedrock', facts.items[0]!), {
      plan: 'aws-bedrock/llama-3-3-70b',
      tier: 'standard',
      cost: '0.00155664',
    });
  });

  it('Llama models: each priced with its own plan, input and output at their own rates, whatever the profile or ARN', function () {
    const converse = (modelId: string, inputTokens: number, outputTokens: number) => {
      const head = requestHead(`/model/${encodeURIComponent(modelId)}/converse`, { host: 'bedrock-runtime.us-east-1.amazonaws.com' });
      const reader = bedrockAdapter.route(head)!.begin(new Map(), head);
      const body = { stopReason: 'end_turn', usage: { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens } };
      return reader.finish({ status: 200, response: extractFields(body, reader.responseFields), aborted: false }).items[0]!;
    };
    const cases: [string, number, number, string, string][] = [
      // 1000 × 0.24/1M + 250 × 0.97/1M
      [
        'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.meta.llama4-maverick-17b-instruct-v1:0',
        1000,
        250,
        'aws-bedrock/llama-4-maverick-17b',
        '0.0004825',
      ],
      // 4000 × 0.17/1M + 900 × 0.66/1M
      ['us.meta.llama4-scout-17b-instruct-v1:0', 4000, 900, 'aws-bedrock/llama-4-scout-17b', '0.001274'],
      // (3000 + 500) × 0.72/1M: not LiteLLM's older $0.99
      ['meta.llama3-1-70b-instruct-v1:0', 3000, 500, 'aws-bedrock/llama-3-1-70b', '0.00252'],
      // (700 + 300) × 0.10/1M
      ['us.meta.llama3-2-1b-instruct-v1:0', 700, 300, 'aws-bedrock/llama-3-2-1b', '0.0001'],
      // (1200 + 800) × 0.15/1M
      ['meta.llama3-2-3b-instruct-v1:0', 1200, 800, 'aws-bedrock/llama-3-2-3b', '0.0003'],
      // (2500 + 500) × 0.16/1M
      ['us.meta.llama3-2-11b-instruct-v1:0', 2500, 500, 'aws-bedrock/llama-3-2-11b', '0.00048'],
      // (2500 + 500) × 0.72/1M
      ['us.meta.llama3-2-90b-instruct-v1:0', 2500, 500, 'aws-bedrock/llama-3-2-90b', '0.00216'],
      // (10000 + 2000) × 2.40/1M
      ['meta.llama3-1-405b-instruct-v1:0', 10000, 2000, 'aws-bedrock/llama-3-1-405b', '0.0288'],
      // 100 × 0.30/1M + 50 × 0.60/1M
      ['meta.llama3-8b-instruct-v1:0', 100, 50, 'aws-bedrock/llama-3-8b', '0.00006'],
      // 100 × 2.65/1M + 50 × 3.50/1M
      ['meta.llama3-70b-instruct-v1:0', 100, 50, 'aws-bedrock/llama-3-70b', '0.00044'],
    ];
    for (const [modelId, input, output, plan, cost] of cases) {
      assert.deepEqual(priceWithDefaultCatalog('aws.bedrock', converse(modelId, input, output)), { plan, tier: 'standard', cost }, modelId);
    }
  });

  it('InvokeModelWithResponseStream, Anthropic chunks through an inference-profile ARN', function () {
    const whole = run('invoke-stream-claude');
    assert.equal(whole.facts.complete, true);
    assert.deepEqual(whole.facts.items, [
      {
        operation: 'chat',
        model: 'claude-3-5-haiku-20241022',
        fallbackModel: 'anthropic.claude-3-5-haiku-20241022-v1:0',
        usage: { input_tokens: 30, cached_input_tokens: 0, cache_write_tokens: 0, output_tokens: 80 },
        dimensions: undefined,
      },
    ]);
    // 30 × 0.80/1M + 80 × 4/1M
    assert.equal(priceWithDefaultCatalog('aws.bedrock', whole.facts.items[0]!).cost, '0.000344');
    assert.deepEqual(run('invoke-stream-claude', { chunk: 1 }).facts.items, whole.facts.items);
  });

  it('InvokeModelWithResponseStream, Llama chunks: cumulative counts, the last wins', function () {
    const { facts } = run('invoke-stream-llama', { chunk: 3 });
    assert.equal(facts.complete, true);
    assert.deepEqual(facts.items, [
      { operation: 'chat', model: 'meta.llama3-1-8b-instruct-v1:0', usage: { input_tokens: 22, output_tokens: 11 } },
    ]);
    // 22 × 0.22/1M + 11 × 0.22/1M
    assert.equal(priceWithDefaultCatalog('aws.bedrock', facts.items[0]!).cost, '0.00000726');
  });

  it('InvokeModelWithResponseStream: invocation metrics alone are enough', function () {
    const head = requestHead('/model/amazon.nova-pro-v1%3A0/invoke-with-response-stream', {
      host: 'bedrock-runtime.us-west-2.amazonaws.com',
    });
    const reader = bedrockAdapter.route(head)!.begin(new Map(), head);
    const chunk = (o: unknown) => JSON.stringify({ bytes: Buffer.from(JSON.stringify(o)).toString('base64') });
    reader.onEvent!('chunk', chunk({ contentBlockDelta: { delta: { text: 'hi' } } }));
    reader.onEvent!('chunk', chunk({ 'amazon-bedrock-invocationMetrics': { inputTokenCount: 1000, outputTokenCount: 100 } }));
    const facts = reader.finish({ status: 200, response: new Map(), aborted: false });
    assert.deepEqual(facts.items, [
      { operation: 'chat', model: 'amazon.nova-pro-v1:0', usage: { input_tokens: 1000, output_tokens: 100 } },
    ]);
    // 1000 × 0.80/1M + 100 × 3.20/1M
    assert.equal(priceWithDefaultCatalog('aws.bedrock', facts.items[0]!).cost, '0.00112');
  });

  it('an application inference profile: priced by the reported model, else unknown', function () {
    const path = '/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Aapplication-inference-profile%2Fa1b2c3/invoke';
    const head = requestHead(path, { host: 'bedrock-runtime.us-east-1.amazonaws.com' });
    const route = bedrockAdapter.route(head)!;
    const anthropic = route.begin(new Map(), head).finish({
      status: 200,
      response: extractFields(
        { type: 'message', model: 'claude-3-5-haiku-20241022', usage: { input_tokens: 10, output_tokens: 10 } },
        route.begin(new Map(), head).responseFields,
      ),
      aborted: false,
    });
    assert.equal(priceWithDefaultCatalog('aws.bedrock', anthropic.items[0]!).plan, 'aws-bedrock/claude-3-5-haiku');
    const nova = route.begin(new Map(), head).finish({
      status: 200,
      response: extractFields({ usage: { inputTokens: 10, outputTokens: 10 } }, route.begin(new Map(), head).responseFields),
      aborted: false,
    });
    assert.deepEqual(nova.items, [{ operation: 'chat', model: undefined, usage: { input_tokens: 10, output_tokens: 10 } }]);
  });

  it('hostile counts make the usage untrusted; an error response has none', function () {
    const head = requestHead('/model/amazon.nova-micro-v1%3A0/converse', { host: 'bedrock-runtime.us-east-1.amazonaws.com' });
    const route = bedrockAdapter.route(head)!;
    const reader = route.begin(new Map(), head);
    const facts = reader.finish({
      status: 200,
      response: extractFields({ usage: { inputTokens: -5, outputTokens: 3 } }, reader.responseFields),
      aborted: false,
    });
    assert.deepEqual(usageFacts(facts), { responseModel: undefined, items: [], noUsage: true });
    assert.deepEqual(usageFacts(run('throttled').facts), { responseModel: undefined, items: [], noUsage: true });
  });
});

/** Test rates (the test's own, not AWS's): 2.00 and 6.00 per million input and output tokens. */
const MISTRAL_TEST_CATALOG = readFileSync(fixturePath('bedrock-mistral-test-rates.yaml'), 'utf8');

/** Mistral Large 2 (24.07)'s InvokeModel body, as the Bedrock user guide shows it: no usage. */
const MISTRAL_BODY = {
  choices: [{ index: 0, message: { role: 'assistant', content: 'Use 4 x 30 mm wood screws.' }, stop_reason: 'stop' }],
};

describe('Bedrock InvokeModel token-count headers', function () {
  const HOST = 'bedrock-runtime.us-west-2.amazonaws.com';

  /** One InvokeModel call of `modelId` answered with `body` and `headers`, as capture hands them over. */
  function invoke(
    modelId: string,
    body: unknown,
    headers: Record<string, string> | undefined,
    options: { status?: number } = {},
  ): CallFacts {
    const head = requestHead(`/model/${encodeURIComponent(modelId)}/invoke`, { host: HOST });
    const reader = bedrockAdapter.route(head)!.begin(new Map(), head);
    const status = options.status ?? 200;
    // As capture does: only the headers the reader named, and only those that came.
    const named =
      headers === undefined || reader.responseHeaders === undefined
        ? undefined
        : Object.fromEntries(reader.responseHeaders.filter((n) => headers[n] !== undefined).map((n) => [n, headers[n]!]));
    return reader.finish({
      status,
      response: extractFields(body, status < 400 ? reader.responseFields : []),
      aborted: false,
      headers: named,
    });
  }

  const counts = (input: number, output: number) => ({
    'x-amzn-bedrock-input-token-count': String(input),
    'x-amzn-bedrock-output-token-count': String(output),
  });

  it('only InvokeModel asks for them (a stream’s headers come before its counts; Converse bodies always count)', function () {
    const ask = (action: string) => {
      const head = requestHead(`/model/mistral.mistral-large-2407-v1%3A0/${action}`, { host: HOST });
      return bedrockAdapter.route(head)!.begin(new Map(), head).responseHeaders;
    };
    assert.deepEqual(ask('invoke'), [
      'x-amzn-bedrock-input-token-count',
      'x-amzn-bedrock-output-token-count',
      'x-amzn-bedrock-cache-read-input-token-count',
      'x-amzn-bedrock-cache-write-input-token-count',
    ]);
    assert.equal(ask('invoke'), ask('invoke'), 'one constant, not a list per call');
    for (const action of ['invoke-with-response-stream', 'converse', 'converse-stream']) assert.equal(ask(action), undefined, action);
  });

  it('a Mistral body without usage: priced from the headers', function () {
    const facts = invoke('mistral.mistral-large-2407-v1:0', MISTRAL_BODY, { ...counts(35, 120), 'x-amzn-requestid': 'r-1' });
    assert.deepEqual(usageFacts(facts), {
      responseModel: undefined,
      items: [{ operation: 'chat', model: 'mistral.mistral-large-2407-v1:0', usage: { input_tokens: 35, output_tokens: 120 } }],
      semconv: { inputTokens: 35, outputTokens: 120, cacheReadInputTokens: undefined, cacheCreationInputTokens: undefined },
    });
    const result = pricerFromTexts(MISTRAL_TEST_CATALOG).price({ provider: 'aws.bedrock', ...facts.items[0]! });
    assert.ok(result.priced);
    assert.equal(result.plan.id, 'test/bedrock-mistral-large-2407');
    // 35 × 2.00/1M + 120 × 6.00/1M
    assert.equal(formatDecimal(result.cost), '0.00079');
    // Through a us. inference profile: the same model priced.
    const viaProfile = invoke('us.mistral.mistral-large-2407-v1:0', MISTRAL_BODY, counts(35, 120));
    assert.equal(viaProfile.items[0]?.model, 'mistral.mistral-large-2407-v1:0');
  });

  it('cache headers: reads and writes billed apart, the input header leaving them out', function () {
    const facts = invoke('mistral.mistral-large-2407-v1:0', MISTRAL_BODY, {
      ...counts(40, 10),
      'x-amzn-bedrock-cache-read-input-token-count': '1000',
      'x-amzn-bedrock-cache-write-input-token-count': '0',
    });
    assert.deepEqual(facts.items[0]?.usage, { input_tokens: 40, cached_input_tokens: 1000, cache_write_tokens: 0, output_tokens: 10 });
    assert.equal(facts.semconv?.inputTokens, 1040);
  });

  it('the body’s usage wins over the headers', function () {
    const disagreeing = counts(9999, 9999);
    const llama = invoke('meta.llama3-1-8b-instruct-v1:0', loadFixture('aws-bedrock', 'invoke-llama').response.body, disagreeing);
    assert.deepEqual(llama.items, [
      { operation: 'chat', model: 'meta.llama3-1-8b-instruct-v1:0', usage: { input_tokens: 22, output_tokens: 11 } },
    ]);
    const claudeBody = loadFixture('aws-bedrock', 'invoke-claude').response.body;
    const claude = invoke('anthropic.claude-3-5-haiku-20241022-v1:0', claudeBody, disagreeing);
    assert.deepEqual(claude.items[0]?.usage, { input_tokens: 18, output_tokens: 60 });
    const nova = invoke('amazon.nova-lite-v1:0', loadFixture('aws-bedrock', 'invoke-nova').response.body, disagreeing);
    assert.deepEqual(nova.items[0]?.usage, { input_tokens: 500, cached_input_tokens: 0, cache_write_tokens: 0, output_tokens: 120 });
    // A body whose usage is hostile stays untrusted: the headers do not price a part of it.
    const hostile = invoke('amazon.nova-lite-v1:0', { usage: { inputTokens: -5, outputTokens: 3 } }, counts(10, 3));
    assert.deepEqual(usageFacts(hostile), { responseModel: undefined, items: [], noUsage: true });
  });

  it('neither body usage nor headers: no usage, never zero', function () {
    const none: (Record<string, string> | undefined)[] = [undefined, {}, { 'x-amzn-requestid': 'r-2' }];
    for (const headers of none) {
      const facts = invoke('mistral.mistral-large-2407-v1:0', MISTRAL_BODY, headers);
      assert.deepEqual(usageFacts(facts), { responseModel: undefined, items: [], noUsage: true }, JSON.stringify(headers));
    }
  });

  it('headers that are not counts, or on an error response, bill nothing', function () {
    for (const bad of ['-5', '12, 12', '1e3', 'lots', '99999999999999999']) {
      const facts = invoke('mistral.mistral-large-2407-v1:0', MISTRAL_BODY, {
        'x-amzn-bedrock-input-token-count': bad,
        'x-amzn-bedrock-output-token-count': '7',
      });
      assert.deepEqual(usageFacts(facts), { responseModel: undefined, items: [], noUsage: true }, bad);
    }
    const throttled = invoke('mistral.mistral-large-2407-v1:0', { message: 'Too many requests' }, counts(35, 120), { status: 429 });
    assert.deepEqual(usageFacts(throttled), { responseModel: undefined, items: [], noUsage: true });
  });
});
