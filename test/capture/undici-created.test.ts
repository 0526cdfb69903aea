import { strict as assert } from 'node:assert';
import diagnostics from 'node:diagnostics_channel';
import { harness, type Harness } from '../support/harness.js';

/** An undici request as its `create` event carries it (what the capture reads of it). */
function fakeRequest(origin: string, path: string) {
  return { origin, path, method: 'POST', headers: ['content-type', 'application/json'] };
}

// The create event turns other hosts away from the origin alone; a path that names its own host
// (as a proxied request's does) is still resolved against the origin first.
describe('undici capture: the create event', function () {
  let h: Harness;

  before(async function () {
    h = await harness();
  });
  after(function () {
    h.reset();
  });

  it(
    'starts a call for a request to a known endpoint, ' + 'also through an unknown origin with an absolute path, and none for other hosts',
    function () {
      const create = diagnostics.channel('undici:request:create');
      const error = diagnostics.channel('undici:request:error');
      const endpoint = `${h.baseUrl('openai')}/chat/completions`;
      const cases: [ReturnType<typeof fakeRequest>, number][] = [
        [fakeRequest(h.server.origin, new URL(endpoint).pathname), 1],
        [fakeRequest('http://proxy.invalid:3128', endpoint), 1],
        [fakeRequest('http://elsewhere.invalid', '/v1/chat/completions'), 0],
        [fakeRequest('http://elsewhere.invalid', `//${new URL(endpoint).host}${new URL(endpoint).pathname}`), 1],
      ];
      for (const [request, started] of cases) {
        const before = h.instrumentation.inFlight;
        create.publish({ request });
        assert.equal(h.instrumentation.inFlight - before, started, `${request.origin} ${request.path}`);
        error.publish({ request, error: Object.assign(new Error('test'), { code: 'ECONNRESET' }) });
        assert.equal(h.instrumentation.inFlight, before);
      }
    },
  );
});
