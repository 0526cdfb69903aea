import { strict as assert } from 'node:assert';
import { responseBodyReader, responseKind } from '../../src/capture/body-readers.js';
import { bedrockAdapter, bedrockModel } from '../../src/providers/bedrock.js';
import { extractFields } from '../../src/providers/fields.js';
import { ProviderRegistry } from '../../src/providers/registry.js';
import { BUILT_IN_ADAPTERS } from '../../src/providers/index.js';
import type { CallFacts, RequestHead } from '../../src/providers/types.js';
import { encodeMessages, type FixtureMessage } from '../support/aws-eventstream.js';
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

  it('InvokeModel, Meta Llama body (no Llama plan in the catalog: priced only with one)', function () {
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
