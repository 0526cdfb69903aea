import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { loadFixture } from '../support/fixtures.js';
import { ReplayServer } from '../support/replay-server.js';

const run = promisify(execFile);

describe('zero-code: node --import ai-pricetag/register', function () {
  this.timeout(60_000);
  let server: ReplayServer;

  before(async function () {
    server = await new ReplayServer().start();
  });
  after(async function () {
    await server.stop();
  });

  it('prices the calls of an unmodified ESM application, configured from the environment', async function () {
    const fixture = loadFixture('openai', 'chat-cached');
    server.serve(fixture);
    const register = new URL('../../src/register.ts', import.meta.url).pathname;
    const app = new URL('../apps/zero-code-app.mjs', import.meta.url).pathname;
    const { stdout } = await run(process.execPath, ['--import', 'tsx', '--import', register, app], {
      env: {
        ...process.env,
        OPENAI_BASE_URL: `${server.origin}/v1`,
        REQUEST_BODY: JSON.stringify(fixture.request.body),
        PRICETAG_ENDPOINTS: `openai=${server.origin}/v1`,
        OTEL_TRACES_EXPORTER: 'console',
        OTEL_METRICS_EXPORTER: 'none',
        OTEL_SERVICE_NAME: 'zero-code-test',
      },
    });
    assert.match(stdout, /^app-result 2006$/m, 'the application ran normally');
    assert.match(stdout, /name: 'chat gpt-4o-mini'/);
    assert.match(stdout, /'ai\.cost\.amount': 0\.0003369/);
    assert.match(stdout, /'ai\.pricing\.plan': 'openai\/gpt-4o-mini'/);
    assert.doesNotMatch(stdout, /sk-zero-code-marker/);
  });
});
