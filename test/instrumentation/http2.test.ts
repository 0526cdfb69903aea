import { strict as assert } from 'node:assert';
import { createRequire } from 'node:module';
import got from 'got';
import { Agent, request as undiciRequest } from 'undici7';
import { loadFixture } from '../support/fixtures.js';
import { harness, type Harness } from '../support/harness.js';
import { tlsHttp2Server } from '../support/loopback-tls.js';
import { ReplayServer } from '../support/replay-server.js';
import { costOf, single } from '../support/spans.js';

describe('HTTP/2 clients (got with http2, undici with allowH2, CommonJS http2)', function () {
  let h: Harness;
  let tls: ReplayServer;
  let ca: string;
  let previous: ReturnType<Harness['instrumentation']['getConfig']>;

  before(async function () {
    h = await harness();
    ({ server: tls, ca } = await tlsHttp2Server());
    previous = h.instrumentation.getConfig();
    h.instrumentation.setConfig({
      ...previous,
      endpoints: [...(previous.endpoints ?? []), { provider: 'openai', baseUrl: `${tls.origin}/openai/v1` }],
    });
  });
  after(async function () {
    h.instrumentation.setConfig(previous);
    await tls.stop();
  });
  beforeEach(function () {
    h.reset();
    tls.received.length = 0;
  });

  it('prices a got 14 call with http2: true once, over HTTPS with ALPN h2', async function () {
    const fixture = loadFixture('openai', 'chat-stream-usage');
    const sent = tls.serve(fixture, { chunkSize: 11 });
    const res = await got.post(`${tls.origin}/openai/v1/chat/completions`, {
      http2: true,
      https: { certificateAuthority: ca },
      json: fixture.request.body,
      responseType: 'buffer',
    });
    assert.equal(res.httpVersion, '2.0');
    assert.deepEqual(res.body, sent);
    assert.equal(costOf(single(await h.aiSpans())), '0.00000885');
  });

  it('prices a got 14 call that fell back to HTTP/1.1 once (through the http capture)', async function () {
    const fixture = loadFixture('openai', 'chat-cached');
    tls.serve(fixture);
    const res = await got.post(`${tls.origin}/openai/v1/chat/completions`, {
      https: { certificateAuthority: ca },
      json: fixture.request.body,
    });
    assert.equal(res.httpVersion, '1.1');
    assert.equal(costOf(single(await h.aiSpans())), '0.0003369');
  });

  it('prices an undici request over HTTP/2 (allowH2) once: the fetch capture’s, not a second one', async function () {
    const fixture = loadFixture('openai', 'chat-cached');
    tls.serve(fixture);
    const dispatcher = new Agent({ allowH2: true, connect: { ca } });
    try {
      const res = await undiciRequest(`${tls.origin}/openai/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(fixture.request.body),
        dispatcher,
      });
      await res.body.arrayBuffer();
    } finally {
      await dispatcher.close();
    }
    assert.equal(tls.received[0]?.headers[':method'], 'POST', 'the request went over HTTP/2');
    const spans = await h.aiSpans();
    assert.equal(spans.length, 1);
    assert.equal(costOf(spans[0]!), '0.0003369');
  });

  it('prices a CommonJS http2 client (a connect reference taken with require) once', async function () {
    const require = createRequire(import.meta.url);
    const { connect } = require('node:http2') as typeof import('node:http2');
    const fixture = loadFixture('openai', 'chat-cached');
    tls.serve(fixture);
    const session = connect(tls.origin, { ca });
    try {
      await new Promise<void>((resolve, reject) => {
        const stream = session.request({ ':method': 'POST', ':path': '/openai/v1/chat/completions', 'content-type': 'application/json' });
        stream.on('error', reject);
        stream.resume();
        stream.on('end', resolve);
        stream.end(JSON.stringify(fixture.request.body));
      });
    } finally {
      session.close();
    }
    assert.equal(costOf(single(await h.aiSpans())), '0.0003369');
  });
});
