import { strict as assert } from 'node:assert';
import { replayServerPerSuite, runApp } from '../support/child-process.js';
import { loadFixture } from '../support/fixtures.js';

describe('zero-code: node --import ai-pricetag/register', function () {
  this.timeout(60_000);
  const replay = replayServerPerSuite();

  it('prices the calls of an unmodified ESM application, configured from the environment', async function () {
    const server = replay();
    const fixture = loadFixture('openai', 'chat-cached');
    server.serve(fixture);
    const register = new URL('../../src/register.ts', import.meta.url).pathname;
    const stdout = await runApp(
      'zero-code-app.mjs',
      {
        OPENAI_BASE_URL: `${server.origin}/v1`,
        REQUEST_BODY: JSON.stringify(fixture.request.body),
        PRICETAG_ENDPOINTS: `openai=${server.origin}/v1`,
        OTEL_TRACES_EXPORTER: 'console',
        OTEL_METRICS_EXPORTER: 'none',
        OTEL_SERVICE_NAME: 'zero-code-test',
      },
      [register],
    );
    assert.match(stdout, /^app-result 2006$/m, 'the application ran normally');
    assert.match(stdout, /name: 'chat gpt-4o-mini'/);
    assert.match(stdout, /'ai\.cost\.amount': 0\.0003369/);
    assert.match(stdout, /'ai\.pricing\.plan': 'openai\/gpt-4o-mini'/);
    assert.doesNotMatch(stdout, /sk-zero-code-marker/);
  });
});
