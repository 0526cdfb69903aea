import { strict as assert } from 'node:assert';
import { parseEndpoints, parseShadowPlans, withEnvironment } from '../../src/config/env.js';

describe('configuration from the environment', function () {
  it('reads endpoints as provider=baseUrl pairs and names a malformed entry', function () {
    assert.deepEqual(parseEndpoints('openai=http://127.0.0.1:8080/v1, anthropic=http://127.0.0.1:8080'), [
      { provider: 'openai', baseUrl: 'http://127.0.0.1:8080/v1' },
      { provider: 'anthropic', baseUrl: 'http://127.0.0.1:8080' },
    ]);
    assert.throws(() => parseEndpoints('openai'), /PRICETAG_ENDPOINTS: "openai" is not provider=baseUrl/);
  });

  it('reads shadow plans whose ids contain slashes, merging repeated plans', function () {
    assert.deepEqual(parseShadowPlans('openai/gpt-4o-mini=demo/chat-flat|exa/x ; tavily/search=exa/search;openai/gpt-4o-mini=other/y'), {
      'openai/gpt-4o-mini': ['demo/chat-flat', 'exa/x', 'other/y'],
      'tavily/search': ['exa/search'],
    });
    assert.throws(() => parseShadowPlans('tavily/search='), /PRICETAG_SHADOW_PLANS: "tavily\/search=" is not plan=alternative/);
  });

  it('fills only what the explicit config leaves unset', function () {
    const env = { PRICETAG_SHADOW_PLANS: 'a/b=c/d', PRICETAG_BAGGAGE_LABELS: 'feature, team', PRICETAG_CALL_TIMEOUT_MS: '-5' };
    const filled = withEnvironment({}, env);
    assert.deepEqual(filled.shadowPlans, { 'a/b': ['c/d'] });
    assert.deepEqual(filled.attribution, { baggageKeys: ['feature', 'team'] });
    assert.equal(filled.callTimeoutMs, undefined, 'a negative timeout is ignored');
    const explicit = withEnvironment({ shadowPlans: { 'x/y': ['z/w'] }, attribution: { spanAttributes: ['team'] } }, env);
    assert.deepEqual(explicit.shadowPlans, { 'x/y': ['z/w'] });
    assert.deepEqual(explicit.attribution, { spanAttributes: ['team'] });
  });
});

describe('work-unit configuration from the environment', function () {
  it('reads the conversation header, baggage key, other units and the table bounds', function () {
    const filled = withEnvironment(
      {},
      {
        PRICETAG_CONVERSATION_HEADER: 'x-conversation-id',
        PRICETAG_CONVERSATION_BAGGAGE_KEY: 'chat.id',
        PRICETAG_WORK_UNITS: 'workflow_run=workflow.run_id, ticket=ticket.id',
        PRICETAG_WORK_UNIT_IDLE_MS: '5000',
        PRICETAG_WORK_UNIT_MAX: 'lots',
      },
    );
    assert.deepEqual(filled.workUnits, {
      conversationHeader: 'x-conversation-id',
      conversationBaggageKey: 'chat.id',
      units: { workflow_run: 'workflow.run_id', ticket: 'ticket.id' },
      idleTimeoutMs: 5000,
    });
    assert.equal(withEnvironment({}, {}).workUnits, undefined);
    // Read at start-up by the zero-code entry: a malformed value is logged and ignored, never thrown into the host.
    assert.equal(withEnvironment({}, { PRICETAG_WORK_UNITS: 'workflow_run' }).workUnits, undefined);
  });
});
