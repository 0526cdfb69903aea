// An instrumented service exposing Prometheus metrics on 127.0.0.1:0. It makes the AI calls listed in
// CALLS (JSON: [{ provider, path, body, times }]) against PROVIDER_ORIGIN, prints
// `ready <metrics port>`, and stays up until killed.
import { PricetagInstrumentation } from '../../src/instrumentation.js';
import { metricsEndpoint } from '../support/metrics-endpoint.js';

interface Call {
  readonly provider: string;
  readonly base: string;
  readonly path: string;
  readonly body: unknown;
  readonly times: number;
}

const origin = process.env.PROVIDER_ORIGIN!;
const calls = JSON.parse(process.env.CALLS!) as Call[];
const providers = [...new Set(calls.map((c) => `${c.provider}=${origin}${c.base}`))];
const instrumentation = new PricetagInstrumentation({
  endpoints: providers.map((p) => ({ provider: p.split('=')[0]!, baseUrl: p.slice(p.indexOf('=') + 1) })),
});
// The exporter mounted into a server of ours: its own server cannot listen on port 0.
const metrics = await metricsEndpoint();
instrumentation.setMeterProvider(metrics.meterProvider);

for (const call of calls) {
  for (let i = 0; i < call.times; i++) {
    const res = await fetch(`${origin}${call.base}${call.path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(call.body),
    });
    await res.arrayBuffer();
  }
}
while (instrumentation.inFlight > 0) await new Promise((r) => setTimeout(r, 5));
process.stdout.write(`ready ${new URL(metrics.url).port}\n`);
setInterval(() => undefined, 1 << 30);
