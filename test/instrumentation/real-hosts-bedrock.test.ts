// The official Bedrock Runtime client (@aws-sdk/client-bedrock-runtime) against its real host name
// over TLS (a network namespace of the test's own, see test/support/real-hosts.ts), with
// NodeHttpHandler (http/1.1) and its default NodeHttp2Handler (HTTP/2): Converse, ConverseStream,
// InvokeModel and InvokeModelWithResponseStream with Anthropic, Amazon Nova and Meta Llama bodies,
// each recognised with no endpoint configured and priced exactly once with the exact cost, the
// cost counter at the same amount.
import { strict as assert } from 'node:assert';
import { runScenario, type ScenarioOut } from '../support/real-hosts.js';
import { metered, oneCallAt, onlySpan, priced } from '../support/real-hosts-assert.js';

const HOST = 'bedrock-runtime.us-east-1.amazonaws.com';

/**
 * The server offers HTTP/2 and http/1.1 (ALPN), as Bedrock does, so the protocol each request
 * came in tells which the client chose. `env` is the scenario's (BEDROCK_HANDLER=default: the
 * client's own NodeHttp2Handler).
 */
const run = (scenario: string, fixture: string, env: Record<string, string> = {}): Promise<ScenarioOut> =>
  runScenario(scenario, fixture, [HOST], { REAL_HOSTS_HTTP2: '1', ...env });

/** What every Bedrock span here says besides its model, plan and cost. */
const BEDROCK_CHAT = { provider: 'aws.bedrock', operation: 'chat', source: 'catalog' } as const;

/**
 * Checks that the one request was `POST path` over `httpVersion`, priced once, with these token
 * counts, by `plan` at `cost`, and that the cost and request counters say the same.
 */
function assertPricedOnce(
  out: ScenarioOut,
  path: string,
  want: { model: string; plan: string; cost: string; input: number; output: number },
  httpVersion: '1.1' | '2.0' = '1.1',
): void {
  const span = onlySpan(out, HOST, path, { httpVersion });
  assert.deepEqual(priced(span, 'gen_ai.usage.input_tokens', 'gen_ai.usage.output_tokens'), {
    ...BEDROCK_CHAT,
    model: want.model,
    plan: want.plan,
    cost: want.cost,
    'gen_ai.usage.input_tokens': want.input,
    'gen_ai.usage.output_tokens': want.output,
  });
  assert.deepEqual(metered(out, span), oneCallAt(want.cost));
}

/** The ConverseStream fixture's pricing, over http/1.1 and HTTP/2 alike. */
const NOVA_MICRO_STREAM = { ...BEDROCK_CHAT, model: 'amazon.nova-micro-v1:0', plan: 'aws-bedrock/nova-micro', cost: '0.000091' };

describe('Bedrock Runtime SDK on its real host name over TLS (NodeHttpHandler over http/1.1, and its default HTTP/2 handler)', function () {
  this.timeout(60_000);

  it('Converse via the us. inference profile: cache reads and writes, priced as Claude 3.5 Haiku', async function () {
    const out = await run('bedrock-converse.ts', 'aws-bedrock/converse-cached');
    // The SDK got the body untouched.
    assert.deepEqual(out.result, {
      inputTokens: 24,
      outputTokens: 41,
      totalTokens: 3265,
      cacheReadInputTokens: 3000,
      cacheWriteInputTokens: 200,
    });
    // 24 × 0.80/1M + 3000 × 0.08/1M + 200 × 1.00/1M + 41 × 4.00/1M
    assertPricedOnce(out, '/model/us.anthropic.claude-3-5-haiku-20241022-v1%3A0/converse', {
      model: 'us.anthropic.claude-3-5-haiku-20241022-v1:0',
      plan: 'aws-bedrock/claude-3-5-haiku',
      cost: '0.0006232',
      input: 3224,
      output: 41,
    });
  });

  it('Converse with Llama 3.3 70B through its us. profile, on the DEFAULT handler (HTTP/2)', async function () {
    const out = await run('bedrock-converse.ts', 'aws-bedrock/converse-llama', {
      BEDROCK_MODEL: 'us.meta.llama3-3-70b-instruct-v1:0',
      BEDROCK_HANDLER: 'default',
    });
    assert.deepEqual(out.result, { inputTokens: 1850, outputTokens: 312, totalTokens: 2162 });
    // 1850 × 0.72/1M + 312 × 0.72/1M
    assertPricedOnce(
      out,
      '/model/us.meta.llama3-3-70b-instruct-v1%3A0/converse',
      { model: 'us.meta.llama3-3-70b-instruct-v1:0', plan: 'aws-bedrock/llama-3-3-70b', cost: '0.00155664', input: 1850, output: 312 },
      '2.0',
    );
  });

  it('ConverseStream (binary event stream cut in 7-byte writes): usage from the metadata event', async function () {
    const out = await run('bedrock-converse-stream.ts', 'aws-bedrock/converse-stream');
    assert.deepEqual(out.result, {
      text: 'Use 4 x 30 mm wood screws.',
      usage: { inputTokens: 1200, outputTokens: 350, totalTokens: 1550 },
    });
    const span = onlySpan(out, HOST, '/model/amazon.nova-micro-v1%3A0/converse-stream');
    // 1200 × 0.035/1M + 350 × 0.14/1M
    assert.deepEqual(priced(span), NOVA_MICRO_STREAM);
  });

  it('InvokeModel with an Anthropic body', async function () {
    const out = await run('bedrock-invoke.ts', 'aws-bedrock/invoke-claude');
    assert.deepEqual(out.result, { input_tokens: 18, output_tokens: 60 });
    const span = onlySpan(out, HOST, '/model/anthropic.claude-3-5-haiku-20241022-v1%3A0/invoke');
    // 18 × 0.80/1M + 60 × 4/1M
    assert.deepEqual(priced(span), {
      ...BEDROCK_CHAT,
      model: 'anthropic.claude-3-5-haiku-20241022-v1:0',
      plan: 'aws-bedrock/claude-3-5-haiku',
      cost: '0.0002544',
    });
  });

  it('InvokeModel with an Amazon Nova body (messages-v1)', async function () {
    const out = await run('bedrock-invoke-nova.ts', 'aws-bedrock/invoke-nova');
    assert.deepEqual(out.result, {
      inputTokens: 500,
      outputTokens: 120,
      totalTokens: 620,
      cacheReadInputTokenCount: 0,
      cacheWriteInputTokenCount: 0,
    });
    // 500 × 0.06/1M + 120 × 0.24/1M
    assertPricedOnce(out, '/model/amazon.nova-lite-v1%3A0/invoke', {
      model: 'amazon.nova-lite-v1:0',
      plan: 'aws-bedrock/nova-lite',
      cost: '0.0000588',
      input: 500,
      output: 120,
    });
  });

  // Llama bodies do not name the model: the invoke-llama fixture answers for Llama 3.3 70B as well.
  it('InvokeModel with a Meta Llama body through the us. profile of Llama 3.3 70B', async function () {
    const out = await run('bedrock-llama.ts', 'aws-bedrock/invoke-llama', {
      BEDROCK_MODEL: 'us.meta.llama3-3-70b-instruct-v1:0',
      BEDROCK_CALL: 'invoke',
    });
    assert.deepEqual(out.result, { prompt: 22, generation: 11 });
    // 22 × 0.72/1M + 11 × 0.72/1M
    assertPricedOnce(out, '/model/us.meta.llama3-3-70b-instruct-v1%3A0/invoke', {
      model: 'us.meta.llama3-3-70b-instruct-v1:0',
      plan: 'aws-bedrock/llama-3-3-70b',
      cost: '0.00002376',
      input: 22,
      output: 11,
    });
  });

  for (const [handler, httpVersion] of [
    ['NodeHttpHandler', '1.1'],
    ['default', '2.0'],
  ] as const) {
    it(`InvokeModelWithResponseStream, Meta Llama chunks (cumulative counts), ${handler} handler: HTTP ${httpVersion}`, async function () {
      const out = await run('bedrock-llama.ts', 'aws-bedrock/invoke-stream-llama', {
        BEDROCK_MODEL: 'meta.llama3-1-8b-instruct-v1:0',
        BEDROCK_CALL: 'stream',
        BEDROCK_HANDLER: handler,
      });
      assert.deepEqual(out.result, {
        generation: [6, 11],
        metrics: { inputTokenCount: 22, outputTokenCount: 11, invocationLatency: 400, firstByteLatency: 90 },
      });
      // 22 × 0.22/1M + 11 × 0.22/1M
      assertPricedOnce(
        out,
        '/model/meta.llama3-1-8b-instruct-v1%3A0/invoke-with-response-stream',
        { model: 'meta.llama3-1-8b-instruct-v1:0', plan: 'aws-bedrock/llama-3-1-8b', cost: '0.00000726', input: 22, output: 11 },
        httpVersion,
      );
    });
  }

  it('InvokeModelWithResponseStream through an inference-profile ARN: Anthropic chunks in base64', async function () {
    const out = await run('bedrock-invoke-stream.ts', 'aws-bedrock/invoke-stream-claude');
    assert.deepEqual((out.result as { types: string[] }).types, [
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    const span = onlySpan(
      out,
      HOST,
      '/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile%2F' +
        'us.anthropic.claude-3-5-haiku-20241022-v1%3A0/invoke-with-response-stream',
    );
    // 30 × 0.80/1M + 80 × 4/1M
    assert.deepEqual(priced(span), {
      ...BEDROCK_CHAT,
      model: 'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-5-haiku-20241022-v1:0',
      plan: 'aws-bedrock/claude-3-5-haiku',
      cost: '0.000344',
    });
  });

  // The client's DEFAULT request handler is NodeHttp2Handler (node:http2): captured by
  // src/capture/http2.ts, served by the replay server's HTTP/2 mode.
  it('the DEFAULT handler (NodeHttp2Handler, HTTP/2): ConverseStream priced once', async function () {
    const out = await run('bedrock-converse-stream-http2.ts', 'aws-bedrock/converse-stream');
    assert.deepEqual(out.result, {
      text: 'Use 4 x 30 mm wood screws.',
      usage: { inputTokens: 1200, outputTokens: 350, totalTokens: 1550 },
    });
    const span = onlySpan(out, HOST, '/model/amazon.nova-micro-v1%3A0/converse-stream', { httpVersion: '2.0' });
    assert.deepEqual(priced(span), NOVA_MICRO_STREAM);
  });
});
