import { strict as assert } from 'node:assert';
import http from 'node:http';
import { loadFixture } from '../support/fixtures.js';
import { harness, type Harness } from '../support/harness.js';
import { costOf } from '../support/spans.js';

function post(request: typeof http.request, url: string, body: unknown): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve(text));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

// The wrapped http.request turns other traffic away before its `created` event; requests that did
// not pass the wrapper are still recognised on that event.
describe('http capture: the created channel', function () {
  let h: Harness;

  before(async function () {
    h = await harness();
  });
  beforeEach(function () {
    h.reset();
  });

  it(
    'prices a call after unrelated ones were turned away, ' + 'and one made through a reference taken before the instrumentation started',
    async function () {
      const fixture = loadFixture('openai', 'chat-cached');
      h.server.serve(fixture);
      await post(http.request, `${h.server.origin}/health`, {});
      await post(http.request, `${h.baseUrl('openai')}/chat/completions`, fixture.request.body);
      h.instrumentation.disable();
      const early = http.request;
      h.instrumentation.enable();
      assert.notEqual(http.request, early);
      await post(early, `${h.server.origin}/health`, {});
      await post(early, `${h.baseUrl('openai')}/chat/completions`, fixture.request.body);
      const spans = await h.aiSpans();
      assert.equal(spans.length, 2);
      for (const span of spans) assert.equal(costOf(span), '0.0003369');
    },
  );

  it('leaves the application an unrelated request as it was', async function () {
    h.server.handle((_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    assert.equal(await post(http.request, `${h.server.origin}/health`, {}), '{"ok":true}');
    assert.deepEqual(await h.aiSpans(), []);
  });
});
