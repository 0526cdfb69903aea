import { strict as assert } from 'node:assert';
import { CONFIG_WARNING_CODE, parseEndpoints, parseShadowPlans, reportConfigProblem, withEnvironment } from '../../src/config/env.js';

/** Process warnings raised while `fn` runs (and the microtasks after it, where Node emits them). */
async function warningsDuring(fn: () => void): Promise<Error[]> {
  const seen: Error[] = [];
  const listener = (warning: Error) => void seen.push(warning);
  process.on('warning', listener);
  try {
    fn();
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('warning', listener);
  }
  return seen;
}

describe('configuration from the environment', function () {
  it('reads endpoints as provider=baseUrl pairs, leaving out only a malformed entry, named without its credentials', function () {
    const said: string[] = [];
    const report = (message: string) => void said.push(message);
    assert.deepEqual(
      parseEndpoints(
        'openai=http://127.0.0.1:8080/v1, openai:http://proxy-user:s3cret@gw.example/v1, anthropic=http://127.0.0.1:8080',
        report,
      ),
      [
        { provider: 'openai', baseUrl: 'http://127.0.0.1:8080/v1' },
        { provider: 'anthropic', baseUrl: 'http://127.0.0.1:8080' },
      ],
    );
    assert.deepEqual(said, ['PRICETAG_ENDPOINTS: "openai:http://gw.example/v1" is not provider=baseUrl; the entry is left out']);
  });

  it('keeps the good PRICETAG_ENDPOINTS entries when one is malformed, and warns on stderr once per mistake', async function () {
    let filled: ReturnType<typeof withEnvironment> | undefined;
    const env = { PRICETAG_ENDPOINTS: 'openai=http://127.0.0.1:1/v1,no-equals-sign-env-test' };
    const warnings = await warningsDuring(() => {
      filled = withEnvironment({}, env);
      // setConfig() resolves the environment again: the same mistake is not warned of twice.
      withEnvironment({}, env);
    });
    assert.deepEqual(filled?.endpoints, [{ provider: 'openai', baseUrl: 'http://127.0.0.1:1/v1' }]);
    assert.deepEqual(
      warnings.map((w) => [(w as NodeJS.ErrnoException).code, w.message]),
      [[CONFIG_WARNING_CODE, 'ai-pricetag: PRICETAG_ENDPOINTS: "no-equals-sign-env-test" is not provider=baseUrl; the entry is left out']],
    );
  });

  it('says a configuration problem through the given log even when a warning cannot be raised, and never throws', async function () {
    const lines: string[] = [];
    const warnings = await warningsDuring(() =>
      assert.doesNotThrow(() => {
        reportConfigProblem('a problem said once', (m) => void lines.push(m));
        reportConfigProblem('a problem said once', (m) => void lines.push(m));
        reportConfigProblem('a problem with a broken logger', () => {
          throw new Error('logger broke');
        });
      }),
    );
    assert.deepEqual(lines, ['a problem said once', 'a problem said once'], 'the log hears every time');
    assert.deepEqual(
      warnings.map((w) => w.message),
      ['ai-pricetag: a problem said once', 'ai-pricetag: a problem with a broken logger'],
    );
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

describe('the attribution value cap from the environment', function () {
  it('reads PRICETAG_MAX_LABEL_LENGTH into attribution.maxValueLength, also under explicit attribution that leaves it unset', function () {
    assert.deepEqual(withEnvironment({}, { PRICETAG_MAX_LABEL_LENGTH: '64', PRICETAG_BAGGAGE_LABELS: 'team' }).attribution, {
      baggageKeys: ['team'],
      maxValueLength: 64,
    });
    assert.deepEqual(
      withEnvironment({ attribution: { spanAttributes: ['app.feature'] } }, { PRICETAG_MAX_LABEL_LENGTH: ' 32 ' }).attribution,
      {
        spanAttributes: ['app.feature'],
        maxValueLength: 32,
      },
    );
    assert.deepEqual(withEnvironment({ attribution: { maxValueLength: 500 } }, { PRICETAG_MAX_LABEL_LENGTH: '32' }).attribution, {
      maxValueLength: 500,
    });
  });

  it('ignores a PRICETAG_MAX_LABEL_LENGTH that is not a positive whole number, saying so', async function () {
    for (const value of ['0', '-3', '2.5', 'lots']) {
      const warnings = await warningsDuring(() =>
        assert.equal(withEnvironment({}, { PRICETAG_MAX_LABEL_LENGTH: value }).attribution, undefined),
      );
      assert.deepEqual(
        warnings.map((w) => w.message),
        [`ai-pricetag: PRICETAG_MAX_LABEL_LENGTH: "${value}" is not a positive whole number; the variable is ignored`],
      );
    }
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
