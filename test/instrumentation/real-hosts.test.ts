// The providers' real host names over TLS (a network namespace of the test's own, see
// test/support/real-hosts.ts): recognised with no endpoint configured, priced exactly once.
import { strict as assert } from 'node:assert';
import { runScenario } from '../support/real-hosts.js';
import { onlySpan, priced } from '../support/real-hosts-assert.js';

describe('real host names over TLS (a namespace with its own hosts file)', function () {
  this.timeout(60_000);

  it('openai with its default base URL: https://api.openai.com, priced once', async function () {
    const out = await runScenario('openai-sdk.ts', 'openai/chat-cached', ['api.openai.com']);
    const span = onlySpan(out, 'api.openai.com', '/v1/chat/completions');
    // (2006 − 1920) × 0.15/1M + 1920 × 0.075/1M + 300 × 0.60/1M
    assert.deepEqual(priced(span, 'gen_ai.usage.cache_read.input_tokens'), {
      provider: 'openai',
      operation: 'chat',
      model: 'gpt-4o-mini',
      plan: 'openai/gpt-4o-mini',
      source: 'catalog',
      cost: '0.0003369',
      'gen_ai.usage.cache_read.input_tokens': 1920,
    });
  });
});
