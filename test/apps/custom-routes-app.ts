// A process configured from the environment only (PRICETAG_ROUTES, PRICETAG_CATALOGS), as a
// zero-code user's: makes the calls of CALLS (JSON: [{ url, body }]) with fetch, reads each body
// whole, and prints the attributes of each AI span, in call order, as one JSON line.
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { PricetagInstrumentation } from '../../src/instrumentation.js';

const calls = JSON.parse(process.env.CALLS!) as { url: string; body: unknown }[];
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
trace.setGlobalTracerProvider(provider);
const instrumentation = new PricetagInstrumentation();
instrumentation.setTracerProvider(provider);

const bodies: string[] = [];
for (const call of calls) {
  const res = await fetch(call.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(call.body) });
  bodies.push(await res.text());
  while (instrumentation.inFlight > 0) await new Promise((r) => setTimeout(r, 5));
}
const spans = exporter.getFinishedSpans().filter((s) => s.instrumentationScope.name === 'ai-pricetag');
process.stdout.write(`${JSON.stringify({ bodies, spans: spans.map((s) => s.attributes) })}\n`);
