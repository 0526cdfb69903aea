// A process set up as NodeSDK users do: OpenTelemetry's http and undici instrumentations, then ours.
// Makes one fetch and one http.request AI call to PROVIDER_URL and prints each AI span's children.
import { createRequire } from 'node:module';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { PricetagInstrumentation } from '../../src/instrumentation.js';

const base = process.env.PROVIDER_URL!;
const body = process.env.REQUEST_BODY!;
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
trace.setGlobalTracerProvider(provider);
registerInstrumentations({
  instrumentations: [
    new HttpInstrumentation(),
    new UndiciInstrumentation(),
    new PricetagInstrumentation({ endpoints: [{ provider: 'openai', baseUrl: base }] }),
  ],
});
// The application loads http after the SDK started, as usual.
const http = createRequire(import.meta.url)('node:http') as typeof import('node:http');

await (await fetch(`${base}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).text();
await new Promise<void>((resolve, reject) => {
  const req = http.request(`${base}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
    res.resume();
    res.on('end', resolve);
  });
  req.on('error', reject);
  req.end(body);
});
// Spans end as the calls wind down: wait for the four (two AI calls, each with its transport span), not for a fixed time.
for (const until = performance.now() + 10_000; exporter.getFinishedSpans().length < 4 && performance.now() < until;)
  await new Promise((r) => setTimeout(r, 5));
const spans = exporter.getFinishedSpans();
const ai = spans.filter((s) => s.instrumentationScope.name === 'ai-pricetag');
const out = ai.map((span) => ({
  name: span.name,
  cost: span.attributes['ai.cost.amount'],
  children: spans.filter((s) => s.parentSpanContext?.spanId === span.spanContext().spanId).map((s) => s.instrumentationScope.name),
}));
process.stdout.write(`${JSON.stringify(out)}\n`);
