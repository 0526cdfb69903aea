import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { replayServerPerSuite, runApp } from '../support/child-process.js';
import { loadFixture } from '../support/fixtures.js';
import { samples } from '../support/metrics-endpoint.js';
import { otlpReceiver } from '../support/otlp-receiver.js';
import { freePort } from '../support/prometheus.js';

const register = new URL('../../src/register.ts', import.meta.url).pathname;
const app = new URL('../apps/zero-code-app.mjs', import.meta.url).pathname;

describe('zero-code metrics export', function () {
  this.timeout(60_000);
  const replay = replayServerPerSuite();

  it('serves Prometheus metrics on OTEL_EXPORTER_PROMETHEUS_PORT, with service.name promoted to a label on request', async function () {
    const fixture = loadFixture('openai', 'chat-cached');
    replay().serve(fixture);
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', '--import', register, app], {
      env: {
        ...process.env,
        OPENAI_BASE_URL: `${replay().origin}/v1`,
        REQUEST_BODY: JSON.stringify(fixture.request.body),
        PRICETAG_ENDPOINTS: `openai=${replay().origin}/v1`,
        OTEL_SERVICE_NAME: 'checkout-api',
        OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
        OTEL_EXPORTER_PROMETHEUS_PORT: String(port),
        PRICETAG_RESOURCE_LABELS: 'service.name',
        STAY_ALIVE: '1',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      for await (const line of createInterface({ input: child.stdout! })) if (line.startsWith('app-result')) break;
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      const [labels, value] = [...samples(text, 'ai_cost_total')][0]!;
      assert.equal(value, 0.0003369);
      assert.match(labels, /service_name="checkout-api"/);
      assert.match(labels, /ai_pricing_plan="openai\/gpt-4o-mini"/);
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });

  it(
    'pushes OTLP metrics (http/json) to a receiver when OTEL_METRICS_EXPORTER=otlp, ' +
      'flushing at exit, conversations in progress included',
    async function () {
      const fixture = loadFixture('openai', 'chat-cached');
      replay().serve(fixture);
      const receiver = await otlpReceiver();
      const { bodies } = receiver;
      const endpoint = `${receiver.url}/v1/metrics`;
      try {
        const stdout = await runApp(
          'zero-code-app.mjs',
          {
            OPENAI_BASE_URL: `${replay().origin}/v1`,
            REQUEST_BODY: JSON.stringify(fixture.request.body),
            PRICETAG_ENDPOINTS: `openai=${replay().origin}/v1`,
            OTEL_SERVICE_NAME: 'batch-job',
            OTEL_METRICS_EXPORTER: 'otlp',
            OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'http/json',
            OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: endpoint,
            PRICETAG_CONVERSATION_HEADER: 'x-conversation-id',
            CONVERSATION_ID: 'conv-zero-code-4411',
          },
          [register],
        );
        assert.match(stdout, /app-result 2006/);
        const text = JSON.stringify(bodies);
        assert.ok(bodies.length >= 1, 'the short-lived process pushed before exiting');
        assert.match(text, /"name":"ai\.cost"/);
        assert.match(text, /"asDouble":0\.0003369/);
        assert.match(text, /"stringValue":"batch-job"/);
        // The conversation was still in progress (5-minute idle timeout) when the process ended: flushed, recorded, pushed.
        assert.match(text, /"name":"ai\.conversation\.cost".*?"sum":0\.0003369/);
        assert.doesNotMatch(text, /conv-zero-code-4411/, 'the conversation id is in no metric');
      } finally {
        receiver.close();
      }
    },
  );
});
