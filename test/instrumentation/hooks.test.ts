import { strict as assert } from 'node:assert';
import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import OpenAI from 'openai';
import { loadFixture } from '../support/fixtures.js';
import { harness, type Harness } from '../support/harness.js';
import { single } from '../support/spans.js';

describe('user hooks', function () {
  let h: Harness;
  let client: OpenAI;
  const logged: string[] = [];
  const logger: DiagLogger = {
    // Component loggers pass their namespace first, then the message.
    error: (...args: unknown[]) => void logged.push(`error ${args.join(' ')}`),
    warn: (...args: unknown[]) => void logged.push(`warn ${args.join(' ')}`),
    info: () => undefined,
    debug: () => undefined,
    verbose: () => undefined,
  };

  before(async function () {
    h = await harness();
    client = new OpenAI({ apiKey: 'sk-test', baseURL: h.baseUrl('openai'), maxRetries: 0 });
    diag.setLogger(logger, DiagLogLevel.WARN);
  });
  after(function () {
    diag.disable();
    h.instrumentation.setConfig({ ...h.instrumentation.getConfig(), startHook: undefined, endHook: undefined });
  });
  beforeEach(function () {
    h.reset();
    logged.length = 0;
  });

  it('lets hooks add attributes, with the priced record in the end hook', async function () {
    h.instrumentation.setConfig({
      ...h.instrumentation.getConfig(),
      startHook: (span, call) => span.setAttribute('app.started_for', call.provider),
      endHook: (span, record) => span.setAttribute('app.cost_text', record.cost?.amount.toFixed() ?? 'none'),
    });
    const fixture = loadFixture('openai', 'chat-cached');
    h.server.serve(fixture);
    await client.chat.completions.create(fixture.request.body as OpenAI.ChatCompletionCreateParamsNonStreaming);
    const span = single(await h.aiSpans());
    assert.equal(span.attributes['app.started_for'], 'openai');
    assert.equal(span.attributes['app.cost_text'], '0.0003369');
  });

  it('keeps a throwing hook away from the application and logs it through diag', async function () {
    h.instrumentation.setConfig({
      ...h.instrumentation.getConfig(),
      startHook: () => {
        throw new Error('start hook broke');
      },
      endHook: () => {
        throw new Error('end hook broke');
      },
    });
    const fixture = loadFixture('openai', 'chat-cached');
    h.server.serve(fixture);
    const completion = await client.chat.completions.create(fixture.request.body as OpenAI.ChatCompletionCreateParamsNonStreaming);
    assert.deepEqual(completion, fixture.response.body);
    const span = single(await h.aiSpans());
    assert.equal(span.attributes['ai.cost.amount'], 0.0003369, 'the call is still priced');
    assert.ok(
      logged.some((l) => /startHook threw: start hook broke/.test(l)),
      logged.join('\n'),
    );
    assert.ok(
      logged.some((l) => /endHook threw: end hook broke/.test(l)),
      logged.join('\n'),
    );
  });

  describe('async hooks', function () {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => void unhandled.push(reason);
    // Ours rather than mocha's: an unhandled rejection must be seen here, not fail some later test.
    before(() => process.on('unhandledRejection', onUnhandled));
    after(() => process.off('unhandledRejection', onUnhandled));
    beforeEach(() => (unhandled.length = 0));

    /** Waits until the diag log has a line matching each pattern (at most 5 s): rejections arrive after the call. */
    async function logOf(...patterns: RegExp[]): Promise<void> {
      const until = performance.now() + 5000;
      while (!patterns.every((p) => logged.some((l) => p.test(l))) && performance.now() < until) await new Promise((r) => setTimeout(r, 5));
      for (const p of patterns)
        assert.ok(
          logged.some((l) => p.test(l)),
          `${p} in:\n${logged.join('\n')}`,
        );
    }

    it('catches the rejection of an async start and end hook, logs it as a throw; the host sees no unhandled rejection', async function () {
      h.instrumentation.setConfig({
        ...h.instrumentation.getConfig(),
        // Typed `=> void`, written async anyway, as applications do.
        // eslint-disable-next-line @typescript-eslint/no-misused-promises
        startHook: async (span) => {
          span.setAttribute('app.before_await', true);
          await Promise.resolve();
          throw new Error('async start hook broke');
        },
        // Not awaited: it rejects well after the span has ended.
        // eslint-disable-next-line @typescript-eslint/no-misused-promises
        endHook: () => new Promise((_, reject) => setTimeout(() => reject(new Error('late end hook broke')), 50)),
      });
      const fixture = loadFixture('openai', 'chat-cached');
      h.server.serve(fixture);
      const completion = await client.chat.completions.create(fixture.request.body as OpenAI.ChatCompletionCreateParamsNonStreaming);
      assert.deepEqual(completion, fixture.response.body);
      const span = single(await h.aiSpans());
      assert.equal(span.attributes['app.before_await'], true);
      assert.equal(span.attributes['ai.cost.amount'], 0.0003369, 'the call is still priced');
      assert.ok(!logged.some((l) => /late end hook broke/.test(l)), 'the span ended before the end hook settled');
      await logOf(/startHook threw: async start hook broke/, /endHook threw: late end hook broke/);
      await new Promise((r) => setTimeout(r, 20));
      assert.deepEqual(unhandled, []);
    });

    it('catches a rejection with no Error and a thenable whose then throws', async function () {
      h.instrumentation.setConfig({
        ...h.instrumentation.getConfig(),
        startHook: () => Promise.reject('a bare string') as unknown as void,
        endHook: () =>
          ({
            then() {
              throw new Error('thenable broke');
            },
          }) as unknown as void,
      });
      const fixture = loadFixture('openai', 'chat-cached');
      h.server.serve(fixture);
      await client.chat.completions.create(fixture.request.body as OpenAI.ChatCompletionCreateParamsNonStreaming);
      assert.equal(single(await h.aiSpans()).attributes['ai.cost.amount'], 0.0003369);
      await logOf(/startHook threw: a bare string/, /endHook threw: thenable broke/);
      await new Promise((r) => setTimeout(r, 20));
      assert.deepEqual(unhandled, []);
    });
  });
});
