// An application whose diag logger throws on every message (as some test setups make it do),
// with ai-pricetag configured to log: a broken catalog, an unknown endpoint provider, a throwing
// hook. Prints what the application saw, how often the logger was called, and the AI span.
import { createRequire } from 'node:module';
import { context, diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { PricetagInstrumentation } from '../../src/instrumentation.js';

let logged = 0;
// Armed once the API's own registration messages are through (those are the application's business).
let armed = false;
const throwing = (): void => {
  if (!armed) return;
  logged++;
  throw new Error('the logger of this application throws');
};
const logger: DiagLogger = { error: throwing, warn: throwing, info: throwing, debug: throwing, verbose: throwing };
diag.setLogger(logger, DiagLogLevel.ALL);
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
armed = true;
const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
const base = process.env.PROVIDER_URL!;
const instrumentation = new PricetagInstrumentation({
  catalogs: [{ name: 'broken', document: { version: 1, plans: 'not a list' } }],
  endpoints: [
    { provider: 'openai', baseUrl: base },
    { provider: 'no-such-provider', baseUrl: 'http://127.0.0.1:9/v1' },
  ],
  startHook: () => {
    throw new Error('hook fault');
  },
});
instrumentation.setTracerProvider(provider);
// Loading a module the instrumentation hooks logs from inside the application's require.
createRequire(import.meta.url)('node:https');
const before = logged;
const res = await fetch(`${base}/chat/completions`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: process.env.REQUEST_BODY,
});
const text = await res.text();
const span = exporter.getFinishedSpans().find((s) => s.instrumentationScope.name === 'ai-pricetag');
const seen = {
  status: res.status,
  bytes: text.length,
  loggedAtSetup: before,
  loggedInCall: logged - before,
  cost: span?.attributes['ai.cost.amount'],
};
process.stdout.write(`${JSON.stringify(seen)}\n`);
