// The official Bedrock Runtime client (@aws-sdk/client-bedrock-runtime) against its real host name
// over TLS (a network namespace of the test's own, see test/support/real-hosts.ts), with
// NodeHttpHandler (http/1.1): Converse, ConverseStream, InvokeModel and InvokeModelWithResponseStream,
// each recognised with no endpoint configured and priced exactly once with the exact cost.
import { strict as assert } from 'node:assert';
import { runScenario, type ScenarioOut } from '../support/real-hosts.js';

type Out = ScenarioOut;

const HOST = 'bedrock-runtime.us-east-1.amazonaws.com';

const run = (scenario: string, fixture: string, http2 = false): Promise<Out> =>
  runScenario(scenario, fixture, [HOST], http2 ? { REAL_HOSTS_HTTP2: '1' } : {});

function onlySpan(out: Out, path: string): Record<string, unknown> {
  assert.deepEqual(
    out.received.map((r) => [r.method, r.path, r.host]),
    [['POST', path, HOST]],
  );
  assert.equal(out.spans.length, 1, 'priced exactly once');
  const span = out.spans[0]!;
  assert.equal(span['server.address'], HOST);
  assert.equal(span['gen_ai.provider.name'], 'aws.bedrock');
  assert.equal(span['gen_ai.operation.name'], 'chat');
  return span;
}

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
    const span = onlySpan(out, '/model/us.anthropic.claude-3-5-haiku-20241022-v1%3A0/converse');
    assert.equal(span['gen_ai.request.model'], 'us.anthropic.claude-3-5-haiku-20241022-v1:0');
    assert.equal(span['ai.pricing.plan'], 'aws-bedrock/claude-3-5-haiku');
    // 24 × 0.80/1M + 3000 × 0.08/1M + 200 × 1.00/1M + 41 × 4.00/1M
    assert.equal(String(span['ai.cost.amount']), '0.0006232');
    assert.equal(span['gen_ai.usage.input_tokens'], 3224);
    assert.equal(span['gen_ai.usage.output_tokens'], 41);
  });

  it('ConverseStream (binary event stream cut in 7-byte writes): usage from the metadata event', async function () {
    const out = await run('bedrock-converse-stream.ts', 'aws-bedrock/converse-stream');
    assert.deepEqual(out.result, {
      text: 'Use 4 x 30 mm wood screws.',
      usage: { inputTokens: 1200, outputTokens: 350, totalTokens: 1550 },
    });
    const span = onlySpan(out, '/model/amazon.nova-micro-v1%3A0/converse-stream');
    assert.equal(span['ai.pricing.plan'], 'aws-bedrock/nova-micro');
    // 1200 × 0.035/1M + 350 × 0.14/1M
    assert.equal(String(span['ai.cost.amount']), '0.000091');
  });

  it('InvokeModel with an Anthropic body', async function () {
    const out = await run('bedrock-invoke.ts', 'aws-bedrock/invoke-claude');
    assert.deepEqual(out.result, { input_tokens: 18, output_tokens: 60 });
    const span = onlySpan(out, '/model/anthropic.claude-3-5-haiku-20241022-v1%3A0/invoke');
    assert.equal(span['ai.pricing.plan'], 'aws-bedrock/claude-3-5-haiku');
    // 18 × 0.80/1M + 60 × 4/1M
    assert.equal(String(span['ai.cost.amount']), '0.0002544');
  });

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
      '/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile%2F' +
        'us.anthropic.claude-3-5-haiku-20241022-v1%3A0/invoke-with-response-stream',
    );
    assert.equal(span['ai.pricing.plan'], 'aws-bedrock/claude-3-5-haiku');
    // 30 × 0.80/1M + 80 × 4/1M
    assert.equal(String(span['ai.cost.amount']), '0.000344');
  });

  // The client's DEFAULT request handler is NodeHttp2Handler (node:http2): captured by
  // src/capture/http2.ts, served by the replay server's HTTP/2 mode.
  it('the DEFAULT handler (NodeHttp2Handler, HTTP/2): ConverseStream priced once', async function () {
    const out = await run('bedrock-converse-stream-http2.ts', 'aws-bedrock/converse-stream', true);
    assert.deepEqual(out.result, {
      text: 'Use 4 x 30 mm wood screws.',
      usage: { inputTokens: 1200, outputTokens: 350, totalTokens: 1550 },
    });
    const span = onlySpan(out, '/model/amazon.nova-micro-v1%3A0/converse-stream');
    assert.equal(String(span['ai.cost.amount']), '0.000091');
  });
});
