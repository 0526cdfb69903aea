// ai-pricetag inside every OpenTelemetry setup a service can have, each an actual child process:
// {no SDK of the application, its SDK started before ai-pricetag's entry, after it,
// PricetagInstrumentation inside its SDK, auto-instrumentations-node} × {ESM, CommonJS}, on the
// Node running the tests (CI runs them on Node 22 and 24). The application's own Prometheus
// exporter is scraped over HTTP and its spans are pushed by OTLP to a loopback receiver.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { replayServerPerSuite } from '../support/child-process.js';
import { loadFixture } from '../support/fixtures.js';
import { samples } from '../support/metrics-endpoint.js';
import { otlpReceiver, receivedSpans } from '../support/otlp-receiver.js';
import { freePort } from '../support/prometheus.js';

const HOST_APPS = fileURLToPath(new URL('../apps/host/', import.meta.url));
const CALL_COST = 0.0003369;

type Setup = 'none' | 'sdk-before' | 'sdk-after' | 'in-sdk' | 'auto' | 'late-sdk';
type ModuleSystem = 'esm' | 'cjs';

/** Node's arguments for a setup, as a user would write them (NODE_OPTIONS or the command line). */
function argsFor(setup: Setup, system: ModuleSystem): string[] {
  const preload = system === 'esm' ? '--import' : '--require';
  const app = system === 'esm' ? 'app.mjs' : 'app.cjs';
  const entry = [preload, 'ai-pricetag/register'];
  const appSdk = [preload, system === 'esm' ? './sdk-preload.mjs' : './sdk-preload.cjs'];
  switch (setup) {
    case 'none':
      return [...entry, app];
    case 'sdk-before':
      return [...appSdk, ...entry, app];
    case 'sdk-after':
      // A CommonJS service starts its SDK in its main module; an ESM one from a preload after ours.
      return system === 'esm' ? [...entry, ...appSdk, app] : [...entry, app];
    case 'in-sdk':
      return system === 'esm' ? [...appSdk, app] : [app];
    case 'late-sdk':
      // PRICETAG_SDK=app: the entry builds nothing and adopts the application's SDK when it comes.
      return [...entry, app];
    case 'auto': {
      const auto = [preload, '@opentelemetry/auto-instrumentations-node/register'];
      // ESM imports reach OpenTelemetry's instrumentations through its loader hook, as its docs say.
      const hook = system === 'esm' ? ['--experimental-loader=@opentelemetry/instrumentation/hook.mjs'] : [];
      return [...hook, ...auto, ...entry, app];
    }
  }
}

const HTTP_SCOPES = ['@opentelemetry/instrumentation-http', '@opentelemetry/instrumentation-undici'];

describe('inside the application’s own OpenTelemetry setup (a child process per setup)', function () {
  this.timeout(90_000);
  const replay = replayServerPerSuite();
  const fixture = loadFixture('openai', 'chat-cached');

  const setups: Setup[] = ['none', 'sdk-before', 'sdk-after', 'in-sdk', 'auto', 'late-sdk'];
  for (const setup of setups) {
    for (const system of setup === 'late-sdk' ? (['cjs'] as const) : (['esm', 'cjs'] as const)) {
      const title = `${setup}, ${system.toUpperCase()}: own metrics intact, cost exactly once, spans AI → HTTP, nothing warned`;
      it(title, async function () {
        replay().serve(fixture);
        replay().serve(fixture);
        const receiver = await otlpReceiver();
        const port = await freePort();
        const base = `${replay().origin}/v1`;
        const traces = `${receiver.url}/v1/traces`;
        const child = spawn(process.execPath, argsFor(setup, system), {
          cwd: HOST_APPS,
          env: {
            ...process.env,
            SETUP: setup,
            WITH_PRICETAG: setup === 'in-sdk' ? '1' : '0',
            ...(setup === 'late-sdk' ? { PRICETAG_SDK: 'app' } : {}),
            PROVIDER_URL: base,
            REQUEST_BODY: JSON.stringify(fixture.request.body),
            PRICETAG_ENDPOINTS: `openai=${base}`,
            APP_METRICS_PORT: String(port),
            APP_OTLP_TRACES_URL: traces,
            // Read by auto-instrumentations' NodeSDK, and by ai-pricetag's SDK where the application has none.
            OTEL_SERVICE_NAME: 'host-app',
            OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
            OTEL_EXPORTER_PROMETHEUS_PORT: String(port),
            OTEL_LOGS_EXPORTER: 'none',
            OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http,undici',
            // No cloud metadata lookups from the test machine.
            OTEL_NODE_RESOURCE_DETECTORS: 'env,host,os,process',
            ...(setup === 'none' || setup === 'auto'
              ? {
                  OTEL_TRACES_EXPORTER: 'otlp',
                  OTEL_METRICS_EXPORTER: 'prometheus',
                  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
                  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: traces,
                }
              : {}),
          },
          stdio: ['pipe', 'pipe', 'pipe'],
        });
        let stderr = '';
        child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        const exited = once(child, 'exit');
        try {
          let ready = false;
          for await (const line of createInterface({ input: child.stdout! })) {
            if (line === 'ready') {
              ready = true;
              break;
            }
          }
          assert.ok(ready, `the application ran to its end of work; stderr:\n${stderr}`);

          const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
          const lines = (name: string) =>
            text
              .split('\n')
              .filter((l) => l.startsWith(name))
              .join('\n');
          assert.deepEqual([...samples(text, 'app_orders_total').values()], [3], `the application's own counter: ${lines('app_orders')}`);
          const cost = [...samples(text, 'ai_cost_total').values()];
          assert.equal(cost.length, 1, `one cost series: ${lines('ai_cost_total')}`);
          assert.equal(cost[0], 2 * CALL_COST);
          assert.deepEqual([...samples(text, 'ai_requests_total').values()], [2]);
          assert.match(text, /target_info\{[^}]*service_name="host-app"/);
          // ai-pricetag's own SDK never publishes the command line (the application's SDK is its business).
          if (setup === 'none') assert.doesNotMatch(text, /process_command_args/);
        } finally {
          child.stdin!.end();
          await exited;
          receiver.close();
        }
        assert.equal(child.exitCode, 0, stderr);
        assert.doesNotMatch(stderr, /duplicate|overwrit|ai-pricetag|EADDRINUSE|Error/i);

        const spans = receivedSpans(receiver);
        const ai = spans.filter((s) => s.scope === 'ai-pricetag');
        // Client spans only: the scrape of the application's /metrics makes a server span too.
        const transport = spans.filter((s) => HTTP_SCOPES.includes(s.scope) && s.kind === 3);
        assert.equal(ai.length, 2, `two AI spans: ${JSON.stringify(spans.map((s) => [s.scope, s.name]))}`);
        const aiIds = new Set(ai.map((s) => s.spanId));
        const transportIds = new Set(transport.map((s) => s.spanId));
        for (const span of ai) assert.ok(!transportIds.has(span.parentSpanId ?? ''), 'no AI span is the child of an HTTP span');
        if (setup === 'none') {
          assert.equal(transport.length, 0);
        } else {
          // One transport span per call (fetch: undici; http.request: http), each the AI span's child.
          assert.equal(transport.length, 2, JSON.stringify(spans.map((s) => [s.scope, s.name, s.kind, s.parentSpanId, s.spanId])));
          for (const span of transport) assert.ok(aiIds.has(span.parentSpanId ?? ''), `${span.scope} span parented by an AI span`);
          assert.deepEqual(transport.map((s) => s.scope).sort(), HTTP_SCOPES);
        }
      });
    }
  }
});
