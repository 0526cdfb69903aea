// An instrumented process whose environment is the test's (OTEL_SEMCONV_STABILITY_OPT_IN): makes the
// AI calls of CALLS (JSON: [{ provider, base, path, body }]) against PROVIDER_ORIGIN and prints the
// attributes of each AI span, in call order, as one JSON line.
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { PricetagInstrumentation } from '../../src/instrumentation.js';

interface Call {
  readonly provider: string;
  readonly base: string;
  readonly path: string;
  readonly body: unknown;
}

const origin = process.env.PROVIDER_ORIGIN!;
const calls = JSON.parse(process.env.CALLS!) as Call[];
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
trace.setGlobalTracerProvider(provider);
const instrumentation = new PricetagInstrumentation({
  endpoints: calls.map((c) => ({ provider: c.provider, baseUrl: `${origin}${c.base}` })),
});
instrumentation.setTracerProvider(provider);

for (const call of calls) {
  const res = await fetch(`${origin}${call.base}${call.path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(call.body),
  });
  await res.arrayBuffer();
  while (instrumentation.inFlight > 0) await new Promise((r) => setTimeout(r, 5));
}
const spans = exporter.getFinishedSpans().filter((s) => s.instrumentationScope.name === 'ai-pricetag');
process.stdout.write(`${JSON.stringify(spans.map((s) => s.attributes))}\n`);
