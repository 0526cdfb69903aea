import { strict as assert } from 'node:assert';
import { loadFixture } from '../support/fixtures.js';
import { suiteHarness } from '../support/harness.js';
import { single } from '../support/spans.js';

/**
 * A call whose operation only its request body tells (Azure AI Language's `kind`): the span,
 * started under the route's generic operation, carries the body's once it is read.
 */
describe('a span whose operation the request body decides', function () {
  const harnessed = suiteHarness({ endpoints: (origin) => [{ provider: 'azure.ai.language', baseUrl: `${origin}/azure-language` }] });

  it('is renamed and carries the operation of the body, set once', async function () {
    const h = harnessed();
    const fixture = loadFixture('azure-ai-language', 'analyze-text-sentiment');
    h.server.serve(fixture);
    const res = await fetch(`${h.server.origin}/azure-language${fixture.request.path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(fixture.request.body),
    });
    assert.equal(res.status, 200);
    await res.arrayBuffer();
    const span = single(await h.aiSpans());
    assert.equal(span.attributes['gen_ai.operation.name'], 'sentiment');
    assert.equal(span.name, 'sentiment');
    assert.equal(span.attributes['ai.usage.text_records'], 4);
  });
});
