// Vertex AI on its real host names over TLS (a network namespace of the test's own, see
// test/support/real-hosts.ts): @google/genai in Vertex mode (express and project) and Claude's
// rawPredict / streamRawPredict by fetch, each recognised with no endpoint configured and priced
// exactly once, at the exact catalog price.
import { strict as assert } from 'node:assert';
import { runScenario, type ScenarioOut } from '../support/real-hosts.js';

type Out = ScenarioOut;

const HOSTS = ['aiplatform.googleapis.com', 'us-central1-aiplatform.googleapis.com', 'us-east5-aiplatform.googleapis.com'];

const run = (scenario: string, fixture: string, env: Record<string, string>): Promise<Out> => runScenario(scenario, fixture, HOSTS, env);

/** The one span's pricing, as exact as the span's double shows it. */
function priced(out: Out): Record<string, unknown> {
  assert.equal(out.spans.length, 1, `one span, got ${JSON.stringify(out.spans)}`);
  const span = out.spans[0]!;
  return {
    host: span['server.address'],
    provider: span['gen_ai.provider.name'],
    operation: span['gen_ai.operation.name'],
    model: span['gen_ai.request.model'],
    plan: span['ai.pricing.plan'],
    cost: span['ai.cost.amount'] === undefined ? undefined : String(span['ai.cost.amount']),
  };
}

describe('Vertex AI on its real host names over TLS', function () {
  this.timeout(60_000);

  it('@google/genai express mode (API key), generateContent: https://aiplatform.googleapis.com, priced once', async function () {
    const out = await run('vertex-genai.ts', 'vertex-ai/generate-content', { VERTEX_AUTH: 'express', VERTEX_CALL: 'generate' });
    assert.deepEqual(
      out.received.map((r) => [r.method, r.path, r.host]),
      [['POST', '/v1beta1/publishers/google/models/gemini-2.5-flash:generateContent', 'aiplatform.googleapis.com']],
    );
    // 12 × 0.30/1M + 68 × 2.50/1M
    assert.deepEqual(priced(out), {
      host: 'aiplatform.googleapis.com',
      provider: 'gcp.vertex_ai',
      operation: 'generate_content',
      model: 'gemini-2.5-flash',
      plan: 'vertex/gemini-2.5-flash',
      cost: '0.0001736',
    });
  });

  it('@google/genai express mode, generateContentStream (SSE): priced once', async function () {
    const out = await run('vertex-genai.ts', 'vertex-ai/stream-sse-global', {
      VERTEX_AUTH: 'express',
      VERTEX_CALL: 'stream',
      VERTEX_MODEL: 'gemini-2.5-pro',
    });
    assert.deepEqual(
      out.received.map((r) => [r.path, r.host]),
      [['/v1beta1/publishers/google/models/gemini-2.5-pro:streamGenerateContent?alt=sse', 'aiplatform.googleapis.com']],
    );
    // 1200 × 1.25/1M + 800 × 10/1M
    assert.deepEqual(priced(out), {
      host: 'aiplatform.googleapis.com',
      provider: 'gcp.vertex_ai',
      operation: 'generate_content',
      model: 'gemini-2.5-pro',
      plan: 'vertex/gemini-2.5-pro',
      cost: '0.0095',
    });
  });

  it('@google/genai with project and location, generateContent: the regional host, priced once', async function () {
    const out = await run('vertex-genai.ts', 'vertex-ai/generate-content', { VERTEX_AUTH: 'project', VERTEX_CALL: 'generate' });
    assert.deepEqual(
      out.received.map((r) => [r.path, r.host]),
      [
        [
          '/v1beta1/projects/my-project/locations/us-central1/publishers/google/models/gemini-2.5-flash:generateContent',
          'us-central1-aiplatform.googleapis.com',
        ],
      ],
    );
    assert.deepEqual(priced(out), {
      host: 'us-central1-aiplatform.googleapis.com',
      provider: 'gcp.vertex_ai',
      operation: 'generate_content',
      model: 'gemini-2.5-flash',
      plan: 'vertex/gemini-2.5-flash',
      cost: '0.0001736',
    });
  });

  it('@google/genai with project and location, generateContentStream (SSE): priced once', async function () {
    const out = await run('vertex-genai.ts', 'vertex-ai/stream-sse-global', {
      VERTEX_AUTH: 'project',
      VERTEX_CALL: 'stream',
      VERTEX_MODEL: 'gemini-2.5-pro',
    });
    assert.deepEqual(
      out.received.map((r) => [r.path, r.host]),
      [
        [
          '/v1beta1/projects/my-project/locations/us-central1/publishers/google/models/gemini-2.5-pro:streamGenerateContent?alt=sse',
          'us-central1-aiplatform.googleapis.com',
        ],
      ],
    );
    assert.deepEqual(priced(out), {
      host: 'us-central1-aiplatform.googleapis.com',
      provider: 'gcp.vertex_ai',
      operation: 'generate_content',
      model: 'gemini-2.5-pro',
      plan: 'vertex/gemini-2.5-pro',
      cost: '0.0095',
    });
  });

  it('Claude rawPredict by fetch on a regional host: the @ model priced as claude-sonnet-4-20250514, once', async function () {
    const out = await run('vertex-claude-fetch.ts', 'vertex-ai/claude-raw-predict', { VERTEX_CALL: 'raw' });
    assert.deepEqual(
      out.received.map((r) => [r.path, r.host]),
      [
        [
          '/v1/projects/my-project/locations/us-east5/publishers/anthropic/models/claude-sonnet-4@20250514:rawPredict',
          'us-east5-aiplatform.googleapis.com',
        ],
      ],
    );
    // 21 × 3/1M + 64 × 15/1M
    assert.deepEqual(priced(out), {
      host: 'us-east5-aiplatform.googleapis.com',
      provider: 'gcp.vertex_ai',
      operation: 'chat',
      model: 'claude-sonnet-4@20250514',
      plan: 'vertex/claude-sonnet-4',
      cost: '0.001023',
    });
  });

  it('Claude streamRawPredict by fetch on the global host: priced once from the SSE events', async function () {
    const out = await run('vertex-claude-fetch.ts', 'vertex-ai/claude-stream-raw-predict', { VERTEX_CALL: 'stream' });
    assert.deepEqual(
      out.received.map((r) => [r.path, r.host]),
      [
        [
          '/v1/projects/my-project/locations/global/publishers/anthropic/models/claude-haiku-4-5@20251001:streamRawPredict',
          'aiplatform.googleapis.com',
        ],
      ],
    );
    // 15 × 1/1M + 40 × 5/1M
    assert.deepEqual(priced(out), {
      host: 'aiplatform.googleapis.com',
      provider: 'gcp.vertex_ai',
      operation: 'chat',
      model: 'claude-haiku-4-5@20251001',
      plan: 'vertex/claude-haiku-4-5',
      cost: '0.000215',
    });
  });
});
