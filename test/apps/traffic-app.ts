// An instrumented service with steady AI traffic, for end-to-end alerting tests: Tavily searches at
// RATE per second against PROVIDER_ORIGIN, basic depth until the process gets SIGUSR2, then advanced
// depth (tier drift and a spend jump). Metrics on 127.0.0.1:0; prints `ready <port>`; runs until killed.
import { PricetagInstrumentation } from '../../src/instrumentation.js';
import { metricsEndpoint } from '../support/metrics-endpoint.js';

const origin = process.env.PROVIDER_ORIGIN!;
const rate = Number(process.env.RATE ?? '10');
let depth = 'basic';
process.on('SIGUSR2', () => (depth = 'advanced'));
const instrumentation = new PricetagInstrumentation({ endpoints: [{ provider: 'tavily', baseUrl: `${origin}/tavily` }] });
const metrics = await metricsEndpoint();
instrumentation.setMeterProvider(metrics.meterProvider);
process.stdout.write(`ready ${new URL(metrics.url).port}\n`);

setInterval(() => {
  void fetch(`${origin}/tavily/search`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: 'tides', search_depth: depth }),
  })
    .then((r) => r.arrayBuffer())
    .catch(() => undefined);
}, 1000 / rate);
