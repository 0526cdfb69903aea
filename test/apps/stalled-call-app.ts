// A call whose response stops moving: headers and the first bytes of the body, then nothing.
// With callTimeoutMs set, prints how long after the stall the call was closed and how.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { PricetagInstrumentation } from '../../src/instrumentation.js';

const timeoutMs = Number(process.env.CALL_TIMEOUT_MS);
const server = http.createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write('{"id":"chatcmpl-stall","object":"chat.completion",');
  // …and never another byte.
});
server.listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
const exporter = new InMemorySpanExporter();
const instrumentation = new PricetagInstrumentation({ endpoints: [{ provider: 'openai', baseUrl: base }], callTimeoutMs: timeoutMs });
instrumentation.setTracerProvider(new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] }));

const res = await fetch(`${base}/chat/completions`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
});
// The application reads the first chunk and then leaves the body alone.
const reader = res.body!.getReader();
await reader.read();
const stalled = performance.now();
while (instrumentation.inFlight > 0 && performance.now() - stalled < 30_000) await new Promise((r) => setTimeout(r, 10));
const closedAfterMs = performance.now() - stalled;
const span = exporter.getFinishedSpans().find((s) => s.instrumentationScope.name === 'ai-pricetag');
process.stdout.write(
  `${JSON.stringify({ closedAfterMs, aborted: span?.attributes['ai.call.aborted'], inFlight: instrumentation.inFlight })}\n`,
);
process.exit(0);
