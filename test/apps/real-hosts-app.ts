// Runs in the namespace of runWithRealHosts (test/support/real-hosts.ts): serves FIXTURE
// (`provider/name` under test/mock-responses/) on https://<any named host>:443, instruments the
// process with ai-pricetag and no endpoints configured (the real host names must be recognised),
// runs the default export of SCENARIO (a module under test/apps/real-hosts/, the client calls of one
// SDK) and prints one JSON line: the attributes of our spans in end order, what the server got
// (with each request's protocol), and the ai.cost and ai.requests counters as a reader collects them.
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { PricetagInstrumentation } from '../../src/instrumentation.js';
import { METRIC_AI_COST, METRIC_AI_REQUESTS } from '../../src/semconv.js';
import { EVENT_STREAM, encodeMessages, type FixtureMessage } from '../support/aws-eventstream.js';
import { loadFixture } from '../support/fixtures.js';
import { realHostsTls } from '../support/real-hosts.js';
import { ReplayServer } from '../support/replay-server.js';
import { readFileSync } from 'node:fs';

const tls = realHostsTls();
// REAL_HOSTS_HTTP2=1 serves HTTP/2 (and HTTP/1.1, by ALPN), for clients whose default is node:http2.
const server = await new ReplayServer(
  { key: readFileSync(tls.key, 'utf8'), cert: readFileSync(tls.cert, 'utf8') },
  { http2: process.env.REAL_HOSTS_HTTP2 === '1' },
).start(443);
const [provider, name] = process.env.FIXTURE!.split('/') as [string, string];
const fixture = loadFixture(provider, name);
// An AWS event-stream fixture lists its messages; they are served in the binary framing, in
// 7-byte writes so that frames are cut across reads.
if (fixture.response.headers['content-type'] === EVENT_STREAM && Array.isArray(fixture.response.body)) {
  const wire = encodeMessages(fixture.response.body as FixtureMessage[]);
  server.serveBytes(fixture.response.status, { ...fixture.response.headers }, wire, { chunkSize: 7 });
} else server.serve(fixture);

context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const exporter = new InMemorySpanExporter();
const tracerProvider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
trace.setGlobalTracerProvider(tracerProvider);
const instrumentation = new PricetagInstrumentation();
instrumentation.setTracerProvider(tracerProvider);
/** Collects on demand (`collect()`), as a pull exporter's scrape would. */
class OnDemandReader extends MetricReader {
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}
const reader = new OnDemandReader();
instrumentation.setMeterProvider(new MeterProvider({ readers: [reader] }));

const scenario = (await import(`./real-hosts/${process.env.SCENARIO!}`)) as { default: () => Promise<unknown> };
const result = await scenario.default();
while (instrumentation.inFlight > 0) await new Promise((r) => setTimeout(r, 5));
const spans = exporter.getFinishedSpans().filter((s) => s.instrumentationScope.name === 'ai-pricetag');
const collected = (await reader.collect()).resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
/** The series of one counter: labels and value (the double the exact sum was reported as). */
const series = (name: string) =>
  collected
    .filter((m) => m.descriptor.name === name)
    .flatMap((m) => m.dataPoints.map((p) => ({ attributes: p.attributes, value: p.value as number })));
process.stdout.write(
  `${JSON.stringify({
    result,
    spans: spans.map((s) => s.attributes),
    received: server.received.map((r) => ({
      method: r.method,
      path: r.path,
      host: r.headers.host ?? r.headers[':authority'],
      httpVersion: r.httpVersion,
    })),
    metrics: { cost: series(METRIC_AI_COST), requests: series(METRIC_AI_REQUESTS) },
  })}\n`,
);
await server.stop();
