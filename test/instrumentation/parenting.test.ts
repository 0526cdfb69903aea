import { strict as assert } from 'node:assert';
import { replayServerPerSuite, runApp } from '../support/child-process.js';
import { loadFixture } from '../support/fixtures.js';

describe("with OpenTelemetry's own http and undici instrumentations (a fresh process, NodeSDK order)", function () {
  this.timeout(60_000);
  const replay = replayServerPerSuite();

  it('makes the fetch (undici) and http spans children of the AI call spans', async function () {
    const server = replay();
    const fixture = loadFixture('openai', 'chat-cached');
    server.serve(fixture);
    const stdout = await runApp('parenting-app.ts', {
      PROVIDER_URL: `${server.origin}/v1`,
      REQUEST_BODY: JSON.stringify(fixture.request.body),
    });
    const spans = JSON.parse(stdout.trim().split('\n').pop()!) as { name: string; cost: number; children: string[] }[];
    assert.equal(spans.length, 2);
    for (const span of spans) {
      assert.equal(span.name, 'chat gpt-4o-mini');
      assert.equal(span.cost, 0.0003369);
      assert.equal(span.children.length, 1, JSON.stringify(span));
    }
    assert.deepEqual(spans.map((s) => s.children[0]).sort(), [
      '@opentelemetry/instrumentation-http',
      '@opentelemetry/instrumentation-undici',
    ]);
  });
});
