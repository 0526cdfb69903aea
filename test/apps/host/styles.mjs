// An ESM service calling the provider through every way of importing http and https.
import http from 'node:http';
import * as httpNamespace from 'http';
import { request as namedRequest } from 'node:http';
import https from 'node:https';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { call, done } = require('./styles-work.cjs');
const url = `${process.env.PROVIDER_URL}/chat/completions`;
const tlsUrl = `${process.env.TLS_PROVIDER_URL}/chat/completions`;
const body = process.env.REQUEST_BODY;
await call(http.request, url, body);
await call(httpNamespace.request, url, body);
await call(namedRequest, url, body);
await call(require('http').request, url, body);
await call(https.request, tlsUrl, body, { ca: process.env.TLS_CA });
await done();
