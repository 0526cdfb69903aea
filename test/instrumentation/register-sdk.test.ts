// The zero-code entry's own SDK, built from OTEL_* variables: traces pushed over OTLP, the
// variables that switch it off, and configuration mistakes said on stderr, never thrown.
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { replayServerPerSuite, zeroCodeAppEnv } from '../support/child-process.js';
import { loadFixture } from '../support/fixtures.js';
import { otlpReceiver } from '../support/otlp-receiver.js';

const exec = promisify(execFile);
const register = new URL('../../src/register.ts', import.meta.url).pathname;
const app = new URL('../apps/zero-code-app.mjs', import.meta.url).pathname;

async function runZeroCode(env: Record<string, string>): Promise<{ stdout: string; stderr: string }> {
  return exec(process.execPath, ['--import', 'tsx', '--import', register, app], {
    env: { ...process.env, OTEL_METRICS_EXPORTER: 'none', ...env },
  });
}

describe('zero-code: the SDK it builds from OTEL_* variables', function () {
  this.timeout(60_000);
  const replay = replayServerPerSuite();
  const fixture = loadFixture('openai', 'chat-cached');
  const appEnv = () => zeroCodeAppEnv(replay(), fixture.request);

  it('pushes the priced AI span over OTLP (http/json) when traces are asked for, with the service name', async function () {
    replay().serve(fixture);
    const receiver = await otlpReceiver();
    try {
      const { stdout, stderr } = await runZeroCode({
        ...appEnv(),
        OTEL_SERVICE_NAME: 'traced-job',
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.url}/v1/traces`,
      });
      assert.match(stdout, /app-result 2006/);
      assert.equal(stderr, '');
      const text = JSON.stringify(receiver.bodies);
      assert.ok(
        receiver.bodies.some((b) => b.path === '/v1/traces'),
        'spans were pushed before exit',
      );
      assert.match(text, /"name":"chat gpt-4o-mini"/);
      assert.match(text, /"key":"ai\.cost\.amount","value":\{"doubleValue":0\.0003369\}/);
      assert.match(text, /"stringValue":"traced-job"/);
      assert.doesNotMatch(text, /sk-zero-code-marker/, 'no API key in the spans');
    } finally {
      receiver.close();
    }
  });

  it('starts nothing with OTEL_SDK_DISABLED=true: no span pushed, the application unchanged', async function () {
    replay().serve(fixture);
    const receiver = await otlpReceiver();
    try {
      const { stdout, stderr } = await runZeroCode({
        ...appEnv(),
        OTEL_SDK_DISABLED: 'true',
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.url}/v1/traces`,
      });
      assert.match(stdout, /app-result 2006/);
      assert.equal(stderr, '');
      assert.deepEqual(receiver.bodies, []);
    } finally {
      receiver.close();
    }
  });

  it('names unknown exporters, propagators and detectors on stderr and keeps the application running', async function () {
    replay().serve(fixture);
    const { stdout, stderr } = await runZeroCode({
      ...appEnv(),
      OTEL_METRICS_EXPORTER: 'prometheos',
      OTEL_TRACES_EXPORTER: 'jaegr',
      OTEL_PROPAGATORS: 'tracecontext,xray',
      OTEL_NODE_RESOURCE_DETECTORS: 'env,gcp',
    });
    assert.match(stdout, /app-result 2006/);
    assert.match(stderr, /OTEL_METRICS_EXPORTER: unknown exporter "prometheos" \(known: prometheus, otlp, console, none\)/);
    assert.match(stderr, /OTEL_TRACES_EXPORTER: unknown exporter "jaegr"/);
    assert.match(stderr, /OTEL_PROPAGATORS: unknown propagator "xray"/);
    assert.match(stderr, /OTEL_NODE_RESOURCE_DETECTORS: unknown detector "gcp"/);
    assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
  });
});
