// A fresh instrumentation whose attribution and conversation ids come from client-controlled
// values: one OpenAI chat call to PROVIDER_ORIGIN/v1 (REQUEST_BODY) under baggage TEAM and
// CONVERSATION_ID, one with the conversation id in an x-conversation-id header (HEADER_ID). Prints
// the AI spans' conversation ids (`span <json>`), then, after the units are flushed, the
// exposition between `exposition` and `end`. MAX_VALUE_LENGTH, when set, is attribution.maxValueLength.
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { PricetagInstrumentation } from '../../src/instrumentation.js';
import { metricsEndpoint } from '../support/metrics-endpoint.js';

context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const exporter = new InMemorySpanExporter();
const tracerProvider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
trace.setGlobalTracerProvider(tracerProvider);
const origin = process.env.PROVIDER_ORIGIN!;
const max = process.env.MAX_VALUE_LENGTH;
const instrumentation = new PricetagInstrumentation({
  endpoints: [{ provider: 'openai', baseUrl: `${origin}/v1` }],
  attribution: { baggageKeys: ['team'], ...(max === undefined ? {} : { maxValueLength: Number(max) }) },
  workUnits: { conversationHeader: 'x-conversation-id', idleTimeoutMs: 3_600_000 },
});
instrumentation.setTracerProvider(tracerProvider);
const metrics = await metricsEndpoint();
instrumentation.setMeterProvider(metrics.meterProvider);

const call = async (headers: Record<string, string> = {}) => {
  const res = await fetch(`${origin}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: process.env.REQUEST_BODY,
  });
  await res.arrayBuffer();
};
const baggage = propagation.createBaggage({
  team: { value: process.env.TEAM! },
  'gen_ai.conversation.id': { value: process.env.CONVERSATION_ID! },
});
await context.with(propagation.setBaggage(context.active(), baggage), () => call());
await call({ 'x-conversation-id': process.env.HEADER_ID! });
while (instrumentation.inFlight > 0) await new Promise((r) => setTimeout(r, 5));

for (const span of exporter.getFinishedSpans().filter((s) => s.instrumentationScope.name === 'ai-pricetag')) {
  process.stdout.write(`span ${JSON.stringify({ conversation: span.attributes['gen_ai.conversation.id'] })}\n`);
}
instrumentation.flushWorkUnits();
process.stdout.write(`exposition\n${await metrics.scrape()}\nend\n`);
await metrics.close();
instrumentation.disable();
