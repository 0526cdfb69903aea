// HTTP/2 under the zero-code entry: an unmodified application run with
// `node --import ai-pricetag/register` (dist/, as installed) calls a loopback TLS HTTP/2 server
// speaking OpenAI chat completions with got (`http2: true`) and a raw `http2.connect` session,
// JSON and SSE each; every call gets exactly one priced span, and the scrape the cost of all.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { loadFixture, type Fixture } from '../support/fixtures.js';
import { tlsHttp2Server } from '../support/loopback-tls.js';
import { samples } from '../support/metrics-endpoint.js';
import { otlpReceiver, type OtlpReceiver } from '../support/otlp-receiver.js';
import { freePort } from '../support/prometheus.js';
import { bodyBytes, type ReplayServer } from '../support/replay-server.js';

const APPS = fileURLToPath(new URL('../apps/', import.meta.url));

type Attribute = { key: string; value: { stringValue?: string; doubleValue?: number; intValue?: string | number } };
interface OtlpSpan {
  readonly name: string;
  readonly attributes?: readonly Attribute[];
}

/** ai-pricetag's spans as pushed over OTLP/JSON. */
function aiSpans(receiver: OtlpReceiver): OtlpSpan[] {
  type Body = { resourceSpans?: { scopeSpans?: { scope?: { name?: string }; spans?: OtlpSpan[] }[] }[] };
  return receiver.bodies
    .filter((b) => b.path === '/v1/traces')
    .flatMap((b) => (b.body as Body).resourceSpans ?? [])
    .flatMap((r) => r.scopeSpans ?? [])
    .filter((s) => s.scope?.name === 'ai-pricetag')
    .flatMap((s) => s.spans ?? []);
}

function attribute(span: OtlpSpan, key: string): string | number | undefined {
  const value = span.attributes?.find((a) => a.key === key)?.value;
  return value?.stringValue ?? value?.doubleValue ?? (value?.intValue === undefined ? undefined : Number(value.intValue));
}

/** The exposition, once the exporter listens: its server starts asynchronously, maybe after the application's work. */
async function scrape(url: string): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await (await fetch(url)).text();
    } catch (error) {
      if (attempt === 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

describe('zero-code HTTP/2: node --import ai-pricetag/register, got with http2 and raw http2.connect', function () {
  this.timeout(60_000);
  const json = loadFixture('openai', 'chat-cached');
  const sse = loadFixture('openai', 'chat-stream-usage');
  let server: ReplayServer;
  let ca: string;

  before(async function () {
    assert.ok(existsSync(fileURLToPath(new URL('../../dist/register.js', import.meta.url))), 'dist/register.js is missing: npm run build');
    ({ server, ca } = await tlsHttp2Server());
    // The stream asked for gets the SSE recording, the others the JSON one.
    server.handle((_req, body, res) => {
      const fixture: Fixture = (JSON.parse(body.toString('utf8')) as { stream?: boolean }).stream === true ? sse : json;
      res.writeHead(fixture.response.status, fixture.response.headers).end(bodyBytes(fixture));
    });
  });
  after(async function () {
    await server.stop();
  });

  it('prices each call once, over HTTP/2, and the scrape has their cost', async function () {
    const receiver = await otlpReceiver();
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'ai-pricetag/register', 'http2-app.mjs'], {
      cwd: APPS,
      env: {
        ...process.env,
        PROVIDER_URL: `${server.origin}/v1`,
        TLS_CA: ca,
        JSON_BODY: JSON.stringify(json.request.body),
        STREAM_BODY: JSON.stringify(sse.request.body),
        PRICETAG_ENDPOINTS: `openai=${server.origin}/v1`,
        OTEL_SERVICE_NAME: 'h2-zero-code',
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.url}/v1/traces`,
        OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
        OTEL_EXPORTER_PROMETHEUS_PORT: String(port),
        OTEL_LOGS_EXPORTER: 'none',
        STAY_ALIVE: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    try {
      let result: string | undefined;
      for await (const line of createInterface({ input: child.stdout! })) {
        if (!line.startsWith('app-result')) continue;
        result = line;
        break;
      }
      // Prompt tokens of the recordings, each received over HTTP/2.
      assert.equal(result, 'app-result 2.0:2006 2.0:19 2.0:2006 2.0:19', `the application ran; stderr:\n${stderr}`);
      assert.equal(server.received.length, 4);
      for (const r of server.received) assert.equal(r.headers[':scheme'], 'https', 'an HTTP/2 request');

      const text = await scrape(`http://127.0.0.1:${port}/metrics`);
      const cost = [...samples(text, 'ai_cost_total')];
      assert.equal(cost.length, 1, text);
      assert.match(cost[0]![0], /ai_pricing_plan="openai\/gpt-4o-mini"/);
      // 2 × 0.0003369 (JSON) + 2 × 0.00000885 (SSE), as the exporter prints the float sum.
      assert.equal(cost[0]![1], 0.0006915);
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
      receiver.close();
    }
    // SIGTERM flushed the spans.
    const spans = aiSpans(receiver);
    assert.equal(spans.length, 4, 'one AI span per call');
    assert.deepEqual(spans.map((s) => attribute(s, 'ai.cost.amount')).sort(), [0.0003369, 0.0003369, 0.00000885, 0.00000885].sort());
    for (const span of spans) {
      assert.equal(span.name, 'chat gpt-4o-mini');
      assert.equal(attribute(span, 'ai.pricing.unpriced_reason'), undefined);
    }
    assert.doesNotMatch(JSON.stringify(receiver.bodies), /sk-http2-zero-code-marker/, 'no API key in the spans');
    assert.equal(stderr, '');
  });
});
