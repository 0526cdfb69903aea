// The providers' real host names over TLS (a network namespace of the test's own, see
// test/support/real-hosts.ts): recognised with no endpoint configured, priced exactly once.
import { strict as assert } from 'node:assert';
import { runScenario } from '../support/real-hosts.js';

const run = runScenario;

describe('real host names over TLS (a namespace with its own hosts file)', function () {
  this.timeout(60_000);

  it('openai with its default base URL: https://api.openai.com, priced once', async function () {
    const out = await run('openai-sdk.ts', 'openai/chat-cached', ['api.openai.com']);
    assert.deepEqual(
      out.received.map((r) => [r.method, r.path, r.host]),
      [['POST', '/v1/chat/completions', 'api.openai.com']],
    );
    assert.equal(out.spans.length, 1);
    const span = out.spans[0]!;
    assert.equal(span['server.address'], 'api.openai.com');
    assert.equal(span['gen_ai.provider.name'], 'openai');
    assert.equal(typeof span['ai.cost.amount'], 'number');
    assert.ok((span['ai.cost.amount'] as number) > 0);
    assert.equal(span['ai.pricing.plan'], 'openai/gpt-4o-mini');
  });
});
