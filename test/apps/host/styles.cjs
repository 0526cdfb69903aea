// A CommonJS service calling the provider through every way of requiring http and https.
const { call, done } = require('./styles-work.cjs');
const http = require('http');
const nodeHttp = require('node:http');
const https = require('https');

const url = `${process.env.PROVIDER_URL}/chat/completions`;
const tlsUrl = `${process.env.TLS_PROVIDER_URL}/chat/completions`;
const body = process.env.REQUEST_BODY;
(async () => {
  // A reference kept from once the service has started (see docs/instrumentation.md on one
  // taken during start-up, in the same turn as another instrumentation wraps http).
  await new Promise((resolve) => setImmediate(resolve));
  const { request: destructured } = require('http');
  await call(http.request, url, body);
  await call(nodeHttp.request, url, body);
  await call(destructured, url, body);
  await call(https.request, tlsUrl, body, { ca: process.env.TLS_CA });
  await call(require('node:https').request, tlsUrl, body, { ca: process.env.TLS_CA });
  await done();
})();
