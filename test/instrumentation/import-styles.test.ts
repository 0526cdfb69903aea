// Parenting for every way an application gets at http and https (`import http from`,
// `import * as`, named imports, `require`, `node:` and bare names, TLS): each AI call's span is
// the parent of the one HTTP span of OpenTelemetry's http instrumentation, whichever of the
// application's SDK and ai-pricetag's entry is preloaded first.
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadFixture } from '../support/fixtures.js';
import { loopbackCertificate } from '../support/loopback-tls.js';
import { otlpReceiver, receivedSpans } from '../support/otlp-receiver.js';
import { ReplayServer } from '../support/replay-server.js';

const exec = promisify(execFile);
const HOST_APPS = fileURLToPath(new URL('../apps/host/', import.meta.url));

describe('parenting for every import style of http and https (a child process per setup)', function () {
  this.timeout(90_000);
  const fixture = loadFixture('openai', 'chat-cached');
  let plain: ReplayServer;
  let tls: ReplayServer;
  let cert: string;
  before(async function () {
    const pair = loopbackCertificate();
    cert = pair.cert;
    plain = await new ReplayServer().start();
    tls = await new ReplayServer(pair).start();
  });
  after(async function () {
    await plain?.stop();
    await tls?.stop();
  });

  const cases = [
    {
      name: 'ESM (default, namespace, named, createRequire, https), entry first',
      args: ['--import', 'ai-pricetag/register', '--import', './sdk-preload.mjs', 'styles.mjs'],
      calls: 5,
    },
    {
      name: 'ESM, the application’s SDK first',
      args: ['--import', './sdk-preload.mjs', '--import', 'ai-pricetag/register', 'styles.mjs'],
      calls: 5,
    },
    {
      name: 'CommonJS (bare, node:, destructured, https, node:https), entry first',
      args: ['--require', 'ai-pricetag/register', '--require', './sdk-preload.cjs', 'styles.cjs'],
      calls: 5,
    },
    {
      name: 'CommonJS, the application’s SDK first',
      args: ['--require', './sdk-preload.cjs', '--require', 'ai-pricetag/register', 'styles.cjs'],
      calls: 5,
    },
  ];
  for (const { name, args, calls } of cases) {
    it(`${name}: every AI span parents exactly one HTTP span`, async function () {
      for (let i = 0; i < calls; i++) {
        plain.serve(fixture);
        tls.serve(fixture);
      }
      const receiver = await otlpReceiver();
      try {
        const { stdout, stderr } = await exec(process.execPath, args, {
          cwd: HOST_APPS,
          env: {
            ...process.env,
            PROVIDER_URL: `${plain.origin}/v1`,
            TLS_PROVIDER_URL: `${tls.origin}/v1`,
            TLS_CA: cert,
            REQUEST_BODY: JSON.stringify(fixture.request.body),
            PRICETAG_ENDPOINTS: `openai=${plain.origin}/v1,openai=${tls.origin}/v1`,
            APP_METRICS_PORT: '0',
            APP_OTLP_TRACES_URL: `${receiver.url}/v1/traces`,
            OTEL_LOGS_EXPORTER: 'none',
          },
        });
        assert.match(stdout, /^done$/m);
        assert.doesNotMatch(stderr, /duplicate|ai-pricetag|Error/i);
        const spans = receivedSpans(receiver);
        const ai = spans.filter((s) => s.scope === 'ai-pricetag');
        const httpClient = spans.filter((s) => s.scope === '@opentelemetry/instrumentation-http' && s.kind === 3);
        assert.equal(ai.length, calls, 'one AI span per call');
        assert.equal(httpClient.length, calls, 'one HTTP client span per call');
        const aiIds = new Set(ai.map((s) => s.spanId));
        const byId = new Map(spans.map((s) => [s.spanId, s]));
        for (const span of httpClient) {
          assert.ok(
            aiIds.has(span.parentSpanId ?? ''),
            `each HTTP span is an AI span’s child: ${JSON.stringify([span, byId.get(span.parentSpanId ?? '')])}`,
          );
        }
        assert.equal(new Set(httpClient.map((s) => s.parentSpanId)).size, calls, 'each AI span has its own');
      } finally {
        receiver.close();
      }
    });
  }
});
