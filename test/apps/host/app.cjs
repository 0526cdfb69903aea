// A CommonJS service. SETUP=sdk-after or in-sdk: it starts its own SDK in its first line.
if (process.env.SETUP === 'sdk-after' || process.env.SETUP === 'in-sdk') require('./sdk.cjs').startAppSdk(process.env.SETUP === 'in-sdk');
const http = require(process.env.HTTP_SPECIFIER ?? 'http');
require('./work.cjs').work(http);
