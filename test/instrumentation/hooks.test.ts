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
});
