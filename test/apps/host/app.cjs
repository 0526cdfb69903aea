// A CommonJS service. SETUP=sdk-after or in-sdk: it starts its own SDK in its first line.
if (process.env.SETUP === 'sdk-after' || process.env.SETUP === 'in-sdk') require('./sdk.cjs').startAppSdk(process.env.SETUP === 'in-sdk');
if (process.env.SETUP === 'late-sdk') {
  // An SDK started only after something asynchronous (a config fetch), well past start-up; the
  // service loads http after it, as OpenTelemetry's http instrumentation needs.
  setTimeout(() => {
    require('./sdk.cjs').startAppSdk(false);
    require('./work.cjs').work(require('http'));
  }, 800);
} else require('./work.cjs').work(require('http'));
