// Vertex AI on its real host names over TLS (a network namespace of the test's own, see
// test/support/real-hosts.ts): @google/genai in Vertex mode (express and project) and Claude's
// rawPredict / streamRawPredict by fetch, each recognised with no endpoint configured and priced
// exactly once, at the exact catalog price (for Gemini, the cost counter at the same amount).
import { strict as assert } from 'node:assert';
import { runScenario, type ScenarioOut } from '../support/real-hosts.js';
import { metered, oneCallAt, onlySpan, priced } from '../support/real-hosts-assert.js';

const HOSTS = ['aiplatform.googleapis.com', 'us-central1-aiplatform.googleapis.com', 'us-east5-aiplatform.googleapis.com'];

const run = (scenario: string, fixture: string, env: Record<string, string>): Promise<ScenarioOut> =>
  runScenario(scenario, fixture, HOSTS, env);

const GEMINI = { provider: 'gcp.vertex_ai', operation: 'generate_content', source: 'catalog' } as const;
/** vertex-ai/generate-content: 12 × 0.30/1M + (48 + 20 thinking) × 2.50/1M */
const FLASH = { ...GEMINI, model: 'gemini-2.5-flash', plan: 'vertex/gemini-2.5-flash', cost: '0.0001736' };
/** vertex-ai/stream-sse-global: 1200 × 1.25/1M + (300 + 500 thinking) × 10/1M */
const PRO = { ...GEMINI, model: 'gemini-2.5-pro', plan: 'vertex/gemini-2.5-pro', cost: '0.0095' };

/** What the app read of the response: @google/genai's usageMetadata (the SDK got the body untouched). */
const tokens = (out: ScenarioOut) => {
  const u = out.result as { promptTokenCount: number; candidatesTokenCount: number; thoughtsTokenCount: number };
  return [u.promptTokenCount, u.candidatesTokenCount, u.thoughtsTokenCount];
};

describe('Vertex AI on its real host names over TLS', function () {
  this.timeout(60_000);

  it('@google/genai express mode (API key), generateContent: https://aiplatform.googleapis.com, priced once', async function () {
    const out = await run('vertex-genai.ts', 'vertex-ai/generate-content', { VERTEX_AUTH: 'express', VERTEX_CALL: 'generate' });
    const span = onlySpan(out, 'aiplatform.googleapis.com', '/v1beta1/publishers/google/models/gemini-2.5-flash:generateContent');
    assert.deepEqual(priced(span), FLASH);
    assert.deepEqual(tokens(out), [12, 48, 20]);
    assert.deepEqual(metered(out, span), oneCallAt('0.0001736'));
  });

  it('@google/genai express mode, generateContentStream (SSE): priced once', async function () {
    const out = await run('vertex-genai.ts', 'vertex-ai/stream-sse-global', {
      VERTEX_AUTH: 'express',
      VERTEX_CALL: 'stream',
      VERTEX_MODEL: 'gemini-2.5-pro',
    });
    const span = onlySpan(
      out,
      'aiplatform.googleapis.com',
      '/v1beta1/publishers/google/models/gemini-2.5-pro:streamGenerateContent?alt=sse',
    );
    assert.deepEqual(priced(span), PRO);
    assert.deepEqual(tokens(out), [1200, 300, 500]);
    assert.deepEqual(metered(out, span), oneCallAt('0.0095'));
  });

  it('@google/genai with project and location, generateContent: the regional host, priced once', async function () {
    const out = await run('vertex-genai.ts', 'vertex-ai/generate-content', { VERTEX_AUTH: 'project', VERTEX_CALL: 'generate' });
    const span = onlySpan(
      out,
      'us-central1-aiplatform.googleapis.com',
      '/v1beta1/projects/my-project/locations/us-central1/publishers/google/models/gemini-2.5-flash:generateContent',
    );
    assert.deepEqual(priced(span), FLASH);
  });

  it('@google/genai with project and location, generateContentStream (SSE): priced once', async function () {
    const out = await run('vertex-genai.ts', 'vertex-ai/stream-sse-global', {
      VERTEX_AUTH: 'project',
      VERTEX_CALL: 'stream',
      VERTEX_MODEL: 'gemini-2.5-pro',
    });
    const span = onlySpan(
      out,
      'us-central1-aiplatform.googleapis.com',
      '/v1beta1/projects/my-project/locations/us-central1/publishers/google/models/gemini-2.5-pro:streamGenerateContent?alt=sse',
    );
    assert.deepEqual(priced(span), PRO);
  });

  it('Claude rawPredict by fetch on a regional host: the @ model priced as claude-sonnet-4-20250514, once', async function () {
    const out = await run('vertex-claude-fetch.ts', 'vertex-ai/claude-raw-predict', { VERTEX_CALL: 'raw' });
    const span = onlySpan(
      out,
      'us-east5-aiplatform.googleapis.com',
      '/v1/projects/my-project/locations/us-east5/publishers/anthropic/models/claude-sonnet-4@20250514:rawPredict',
    );
    // 21 × 3/1M + 64 × 15/1M
    assert.deepEqual(priced(span), {
      provider: 'gcp.vertex_ai',
      operation: 'chat',
      model: 'claude-sonnet-4@20250514',
      plan: 'vertex/claude-sonnet-4',
      source: 'catalog',
      cost: '0.001023',
    });
    assert.equal((out.result as { status: number }).status, 200);
  });

  it('Claude streamRawPredict by fetch on the global host: priced once from the SSE events', async function () {
    const out = await run('vertex-claude-fetch.ts', 'vertex-ai/claude-stream-raw-predict', { VERTEX_CALL: 'stream' });
    const span = onlySpan(
      out,
      'aiplatform.googleapis.com',
      '/v1/projects/my-project/locations/global/publishers/anthropic/models/claude-haiku-4-5@20251001:streamRawPredict',
    );
    // 15 × 1/1M + 40 × 5/1M
    assert.deepEqual(priced(span), {
      provider: 'gcp.vertex_ai',
      operation: 'chat',
      model: 'claude-haiku-4-5@20251001',
      plan: 'vertex/claude-haiku-4-5',
      source: 'catalog',
      cost: '0.000215',
    });
    assert.equal((out.result as { status: number }).status, 200);
  });
});
