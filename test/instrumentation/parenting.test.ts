import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { loadFixture } from '../support/fixtures.js';
import { ReplayServer } from '../support/replay-server.js';

const run = promisify(execFile);

describe("with OpenTelemetry's own http and undici instrumentations (a fresh process, NodeSDK order)", function () {
  this.timeout(60_000);
  let server: ReplayServer;

  before(async function () {
    server = await new ReplayServer().start();
  });
  after(async function () {
    await server.stop();
  });

  it('makes the fetch (undici) and http spans children of the AI call spans', async function () {
    const fixture = loadFixture('openai', 'chat-cached');
    server.serve(fixture);
    const app = new URL('../apps/parenting-app.ts', import.meta.url).pathname;
    const { stdout } = await run(process.execPath, ['--import', 'tsx', app], {
      env: { ...process.env, PROVIDER_URL: `${server.origin}/v1`, REQUEST_BODY: JSON.stringify(fixture.request.body) },
    });
    const spans = JSON.parse(stdout.trim().split('\n').pop()!) as { name: string; cost: number; children: string[] }[];
    assert.equal(spans.length, 2);
    for (const span of spans) {
      assert.equal(span.name, 'chat gpt-4o-mini');
      assert.equal(span.cost, 0.0003369);
      assert.equal(span.children.length, 1, JSON.stringify(span));
    }
    assert.deepEqual(spans.map((s) => s.children[0]).sort(), ['@opentelemetry/instrumentation-http', '@opentelemetry/instrumentation-undici']);
  });
});
