// A redirected AI call (307/308, as gateways and regional moves send) is one call: priced once, from
// the response that carries its usage, whichever client follows the redirect.
import { strict as assert } from 'node:assert';
import http from 'node:http';
import axios from 'axios';
import OpenAI from 'openai';
import { loadFixture } from '../support/fixtures.js';
import { harness, type Harness } from '../support/harness.js';
import { bodyBytes } from '../support/replay-server.js';
import { costOf } from '../support/spans.js';

describe('redirected AI calls', function () {
  let h: Harness;
  const fixture = loadFixture('openai', 'chat-cached');

  before(async function () {
    h = await harness();
  });
  beforeEach(function () {
    h.reset();
    const body = bodyBytes(fixture);
    h.server.handle((req, _body, res) => {
      const moved = /[?&]moved=(30[78])/.exec(req.url ?? '');
      if (moved !== null) {
        // To the same API, as a gateway moving a route does: both requests are recognised AI calls.
        res.writeHead(Number(moved[1]), { location: (req.url ?? '').replace(/\?.*$/, '') }).end();
      } else {
        res.writeHead(200, { 'content-type': 'application/json' }).end(body);
      }
    });
  });

  for (const status of [307, 308]) {
    it(`fetch follows a ${status}: one span, priced once`, async function () {
      const url = `${h.baseUrl('openai')}/chat/completions?moved=${status}`;
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(fixture.request.body),
      });
      assert.equal(res.status, 200);
      await res.arrayBuffer();
      const spans = await h.aiSpans();
      assert.deepEqual(
        h.server.received.map((r) => r.path),
        [`/openai/v1/chat/completions?moved=${status}`, '/openai/v1/chat/completions'],
      );
      assert.equal(spans.length, 1, spans.map((s) => `${s.name} ${s.attributes['http.response.status_code']}`).join(', '));
      assert.equal(costOf(spans[0]!), '0.0003369');
      assert.equal(h.records.length, 1, 'one call recorded');
    });
  }

  it("fetch with redirect: 'manual' gets the 307 itself: a hop span, nothing counted", async function () {
    const res = await fetch(`${h.baseUrl('openai')}/chat/completions?moved=307`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(fixture.request.body),
      redirect: 'manual',
    });
    assert.equal(res.status, 307);
    await res.arrayBuffer();
    const spans = await h.aiSpans();
    assert.equal(spans.length, 1);
    assert.equal(spans[0]!.attributes['http.response.status_code'], 307);
    assert.equal(spans[0]!.attributes['ai.cost.amount'], undefined);
    assert.equal(spans[0]!.attributes['ai.pricing.unpriced_reason'], undefined, 'not unpriced: not a call');
    assert.equal(h.records.length, 0);
  });

  for (const [name, post] of [
    ['axios (follow-redirects)', (url: string, body: unknown) => axios.post(url, body).then((r) => r.status)],
    [
      'the openai client (fetch)',
      (url: string, body: unknown) =>
        new OpenAI({
          apiKey: 'sk-test',
          baseURL: url.replace(/\/chat\/completions.*$/, ''),
          maxRetries: 0,
          defaultQuery: { moved: '308' },
        }).chat.completions
          .create(body as never)
          .then(() => 200),
    ],
    [
      'http.request, following by hand',
      async (url: string, body: unknown) => {
        const once = (target: string) =>
          new Promise<{ status: number; location?: string }>((resolve, reject) => {
            const req = http.request(target, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
              res.resume();
              res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location }));
            });
            req.on('error', reject);
            req.end(JSON.stringify(body));
          });
        const first = await once(url);
        assert.equal(first.status, 307);
        return (await once(new URL(first.location!, url).href)).status;
      },
    ],
  ] as const) {
    it(`${name}: the call is counted once, its redirect hop not at all`, async function () {
      const status = await post(`${h.baseUrl('openai')}/chat/completions?moved=307`, fixture.request.body);
      assert.equal(status, 200);
      const spans = await h.aiSpans();
      const priced = spans.filter((s) => s.attributes['ai.cost.amount'] !== undefined);
      assert.equal(priced.length, 1);
      assert.equal(costOf(priced[0]!), '0.0003369');
      for (const hop of spans.filter((s) => s !== priced[0]))
        assert.ok([307, 308].includes(hop.attributes['http.response.status_code'] as number));
      assert.equal(h.records.length, 1, 'one call recorded');
      assert.equal(h.records[0]!.unpricedReason, undefined);
    });
  }
});
