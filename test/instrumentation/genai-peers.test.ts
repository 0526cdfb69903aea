import { strict as assert } from 'node:assert';
import Anthropic from '@anthropic-ai/sdk';
import { context, SpanKind, trace, type Attributes, type Span } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import OpenAI from 'openai';
import { withEnvironment } from '../../src/config/env.js';
import { replayServerPerSuite, runApp } from '../support/child-process.js';
import { loadFixture, type Fixture } from '../support/fixtures.js';
import { harness, type Harness } from '../support/harness.js';
import { samples } from '../support/metrics-endpoint.js';
import { bodyBytes, type ReplayServer } from '../support/replay-server.js';

// The two calls every app makes: 86 uncached + 1,920 cached input and 300 output tokens of
// gpt-4o-mini, then a streamed one of 19 input and 10 output tokens (per million: 0.15, 0.075, 0.60).
const PLAIN_COST = 0.0003369;
const STREAMED_COST = 0.00000885;
const TOTAL_COST = 0.00034575;

interface AppSpan {
  readonly name: string;
  readonly scope: string;
  readonly kind: number;
  readonly id: string;
  readonly parent: string | undefined;
  readonly attributes: Attributes;
}

interface AppOutput {
  readonly spans: readonly AppSpan[];
  readonly metrics: {
    readonly tokenUsageInput: number;
    readonly tokenUsageOutput: number;
    readonly tokenUsageScopes: readonly string[];
    readonly durationCount: number;
    readonly durationScopes: readonly string[];
    readonly cost: number;
  };
}

/** Spans that group model calls (an agent run, its steps) rather than make one: never priced. */
const GROUPING = new Set(['invoke_agent', 'invoke_workflow', 'execute_task', 'execute_tool', 'agent_step', 'step']);
const isGenAi = (s: AppSpan) =>
  (s.attributes['gen_ai.operation.name'] !== undefined && !GROUPING.has(String(s.attributes['gen_ai.operation.name']))) ||
  /^ai\.\w+\.do[A-Z]/.test(s.name);
const isGrouping = (s: AppSpan) => GROUPING.has(String(s.attributes['gen_ai.operation.name']));
const costs = (spans: readonly AppSpan[]) => spans.map((s) => s.attributes['ai.cost.amount']).sort();
/** The transport spans of the two calls (undici's fetch spans, named after the method). */
const transport = (out: AppOutput) => out.spans.filter((s) => s.name === 'POST' && s.scope === '@opentelemetry/instrumentation-undici');

/** The plain fixture for a plain request, the streamed one when the body asks for a stream. */
function serveBoth(server: ReplayServer): void {
  const plain = loadFixture('openai', 'chat-cached');
  const streamed = loadFixture('openai', 'chat-stream-usage');
  server.handle((_req, body, res) => {
    const fixture: Fixture = (JSON.parse(body.toString('utf8')) as { stream?: boolean }).stream === true ? streamed : plain;
    const headers = { ...fixture.response.headers };
    delete headers['content-length'];
    res.writeHead(fixture.response.status, headers).end(bodyBytes(fixture));
  });
}

describe('next to other GenAI instrumentations (a fresh process each)', function () {
  this.timeout(120_000);
  const replay = replayServerPerSuite();

  async function run(peer: string, mode: 'enrich' | 'separate', env: Record<string, string> = {}): Promise<AppOutput> {
    serveBoth(replay());
    const stdout = await runApp('genai-peers-app.ts', {
      PEER: peer,
      PROVIDER_URL: `${replay().origin}/v1`,
      PRICETAG_GENAI_SPAN: mode,
      ...env,
    });
    return JSON.parse(stdout.trim().split('\n').pop()!) as AppOutput;
  }

  /** One GenAI span per call, the peer's, priced; ours nowhere; the HTTP spans its children. */
  function assertEnriched(out: AppOutput, peerScope: (scope: string) => boolean): readonly AppSpan[] {
    const genAi = out.spans.filter(isGenAi);
    assert.equal(genAi.length, 2, JSON.stringify(genAi.map((s) => [s.name, s.scope])));
    assert.ok(
      genAi.every((s) => peerScope(s.scope)),
      JSON.stringify(genAi.map((s) => s.scope)),
    );
    assert.deepEqual(
      out.spans.filter((s) => s.scope === 'ai-pricetag'),
      [],
    );
    assert.deepEqual(costs(genAi), [STREAMED_COST, PLAIN_COST]);
    assert.ok(genAi.every((s) => s.attributes['ai.cost.currency'] === 'USD' && s.attributes['ai.pricing.plan'] === 'openai/gpt-4o-mini'));
    const ids = new Set(genAi.map((s) => s.id));
    assert.equal(transport(out).length, 2);
    assert.ok(
      transport(out).every((s) => ids.has(s.parent!)),
      'the HTTP spans are children of the peer spans',
    );
    assert.equal(out.metrics.cost, TOTAL_COST);
    return genAi;
  }

  /** Today's behaviour: a span of ours under each peer span, the price on ours, the HTTP spans under ours. */
  function assertSeparate(out: AppOutput, peerScope: (scope: string) => boolean): void {
    const theirs = out.spans.filter((s) => isGenAi(s) && peerScope(s.scope));
    const ours = out.spans.filter((s) => s.scope === 'ai-pricetag');
    assert.equal(theirs.length, 2);
    assert.equal(ours.length, 2);
    assert.deepEqual(costs(ours), [STREAMED_COST, PLAIN_COST]);
    assert.ok(theirs.every((s) => s.attributes['ai.cost.amount'] === undefined));
    const theirIds = new Set(theirs.map((s) => s.id));
    assert.ok(ours.every((s) => theirIds.has(s.parent!)));
    const ourIds = new Set(ours.map((s) => s.id));
    assert.ok(transport(out).every((s) => ourIds.has(s.parent!)));
    assert.equal(out.metrics.cost, TOTAL_COST);
  }

  /** No peer span: ours is each call's one GenAI span, and the GenAI histograms count each call once. */
  function assertOursAlone(out: AppOutput): void {
    const genAi = out.spans.filter(isGenAi);
    assert.deepEqual(
      genAi.map((s) => s.scope),
      ['ai-pricetag', 'ai-pricetag'],
    );
    assert.deepEqual(costs(genAi), [STREAMED_COST, PLAIN_COST]);
    assert.deepEqual([out.metrics.tokenUsageInput, out.metrics.durationCount], [2, 2]);
  }

  describe('@opentelemetry/instrumentation-openai 0.22 (NodeSDK 0.301)', function () {
    const contrib = (scope: string) => scope === '@opentelemetry/instrumentation-openai';

    it('prices its span, opens none of ours, and leaves the GenAI histograms to it', async function () {
      const out = await run('contrib', 'enrich');
      const spans = assertEnriched(out, contrib);
      // Its attributes as it set them: nothing of ours added or overwritten in gen_ai.*.
      for (const span of spans) {
        assert.equal(span.attributes['gen_ai.system'], 'openai');
        assert.equal(span.attributes['gen_ai.provider.name'], undefined);
        assert.equal(span.kind, 2);
      }
      assert.deepEqual(spans.map((s) => s.attributes['gen_ai.usage.input_tokens']).sort(), [19, 2006]);
      assert.deepEqual([out.metrics.tokenUsageInput, out.metrics.tokenUsageOutput, out.metrics.durationCount], [2, 2, 2]);
      assert.deepEqual(out.metrics.tokenUsageScopes, ['@opentelemetry/instrumentation-openai']);
      assert.deepEqual(out.metrics.durationScopes, ['@opentelemetry/instrumentation-openai']);
    });

    it("with genAiSpan 'separate', keeps a span of ours under its span and counts each call twice", async function () {
      const out = await run('contrib', 'separate');
      assertSeparate(out, contrib);
      assert.deepEqual([out.metrics.tokenUsageInput, out.metrics.tokenUsageOutput, out.metrics.durationCount], [4, 4, 4]);
      assert.deepEqual(out.metrics.tokenUsageScopes, ['@opentelemetry/instrumentation-openai', 'ai-pricetag']);
    });

    it('as getNodeAutoInstrumentations() ships it, leaves openai 7 alone: our span is the only GenAI span', async function () {
      const out = await run('contrib-shipped', 'enrich');
      assertOursAlone(out);
      assert.deepEqual(out.metrics.tokenUsageScopes, ['ai-pricetag']);
      assert.equal(out.metrics.cost, TOTAL_COST);
    });
  });

  describe('openlit 1.15 (its own TracerProvider, exporting over OTLP)', function () {
    const openlit = (scope: string) => scope.startsWith('@openlit/');

    it('prices its span, opens none of ours, and leaves the GenAI histograms to it', async function () {
      const out = await run('openlit', 'enrich');
      const spans = assertEnriched(out, openlit);
      for (const span of spans) {
        // openlit's own server.address (not the loopback URL the call went to, which ours would say) stays.
        assert.equal(span.attributes['server.address'], 'api.openai.com');
        assert.equal(span.attributes['gen_ai.provider.name'], 'openai');
        // Its own cost attribute (0 without its price list) is its business; ours is ai.cost.amount.
        assert.equal(span.attributes['gen_ai.usage.cost'], 0);
      }
      assert.deepEqual([out.metrics.tokenUsageInput, out.metrics.tokenUsageOutput, out.metrics.durationCount], [2, 2, 2]);
      assert.deepEqual(out.metrics.tokenUsageScopes, ['openlit']);
    });

    it("with genAiSpan 'separate', keeps a span of ours under its span and counts each call twice", async function () {
      const out = await run('openlit', 'separate');
      assertSeparate(out, openlit);
      assert.deepEqual([out.metrics.tokenUsageInput, out.metrics.durationCount], [4, 4]);
      assert.deepEqual(out.metrics.tokenUsageScopes, ['ai-pricetag', 'openlit']);
    });
  });

  describe('the Vercel AI SDK (ai 7, @ai-sdk/openai 4)', function () {
    for (const mode of ['enrich', 'separate'] as const) {
      it(`with experimental_telemetry on and no integration, emits no span: ours is the one GenAI span (${mode})`, async function () {
        const out = await run('ai-sdk', mode);
        assertOursAlone(out);
        assert.equal(out.metrics.cost, TOTAL_COST);
      });
    }

    it("prices @ai-sdk/otel's model-call spans, not its agent and step spans, and records the GenAI histograms itself", async function () {
      const out = await run('ai-sdk-otel', 'enrich', { STYLE: 'modern' });
      const spans = assertEnriched(out, (scope) => scope === 'gen_ai');
      const grouping = out.spans.filter(isGrouping);
      assert.ok(grouping.length >= 2, JSON.stringify(out.spans.map((s) => [s.name, s.attributes['gen_ai.operation.name']])));
      assert.ok(grouping.every((s) => s.attributes['ai.cost.amount'] === undefined));
      assert.deepEqual(
        spans.map((s) => s.name),
        ['chat gpt-4o-mini', 'chat gpt-4o-mini'],
      );
      // The AI SDK's telemetry records no metrics: ours are the only ones.
      assert.deepEqual([out.metrics.tokenUsageInput, out.metrics.tokenUsageOutput, out.metrics.durationCount], [2, 2, 2]);
      assert.deepEqual(out.metrics.tokenUsageScopes, ['ai-pricetag']);
    });

    it('recognises the legacy ai.generateText.doGenerate and ai.streamText.doStream spans by name', async function () {
      const out = await run('ai-sdk-otel', 'enrich', { STYLE: 'legacy' });
      const spans = assertEnriched(out, (scope) => scope === 'ai');
      assert.deepEqual(spans.map((s) => s.name).sort(), ['ai.generateText.doGenerate', 'ai.streamText.doStream']);
      // Their ai.usage.* stays theirs.
      assert.deepEqual(spans.map((s) => s.attributes['ai.usage.inputTokens']).sort(), [19, 2006]);
      assert.deepEqual([out.metrics.tokenUsageInput, out.metrics.durationCount], [2, 2]);
    });

    it("with genAiSpan 'separate', keeps a span of ours under the integration's", async function () {
      const out = await run('ai-sdk-otel', 'separate', { STYLE: 'modern' });
      assertSeparate(out, (scope) => scope === 'gen_ai');
      assert.deepEqual([out.metrics.tokenUsageInput, out.metrics.durationCount], [2, 2]);
    });
  });
});

describe('the active span around a call (the shared instrumentation)', function () {
  let h: Harness;
  let client: OpenAI;
  const tracer = trace.getTracer('app');
  const fixture = loadFixture('openai', 'chat-cached');

  before(async function () {
    h = await harness();
    client = new OpenAI({ apiKey: 'sk-test', baseURL: h.baseUrl('openai'), maxRetries: 0 });
  });
  beforeEach(function () {
    h.reset();
    // The shared harness keeps a span of ours ('separate') for the other suites; these test the default.
    h.instrumentation.setConfig({ ...h.instrumentation.getConfig(), genAiSpan: 'enrich' });
  });
  after(function () {
    h.instrumentation.setConfig({ ...h.instrumentation.getConfig(), genAiSpan: 'separate', startHook: undefined, endHook: undefined });
  });

  const tokenCount = async () =>
    [...samples(await h.scrape(), 'gen_ai_client_token_usage_count')]
      .filter(([labels]) => labels.includes('gen_ai_token_type="input"'))
      .reduce((t, [, v]) => t + v, 0);
  const chat = () => client.chat.completions.create(fixture.request.body as OpenAI.ChatCompletionCreateParamsNonStreaming);
  /** Runs `fn` with `span` active, then ends it. */
  async function under<T>(span: Span, fn: () => Promise<T>): Promise<T> {
    try {
      return await context.with(trace.setSpan(context.active(), span), fn);
    } finally {
      span.end();
    }
  }
  async function finished(): Promise<ReadableSpan[]> {
    await h.aiSpans();
    return h.exporter.getFinishedSpans();
  }
  const genAiSpan = (name = 'chat gpt-4o-mini') =>
    tracer.startSpan(name, { attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o' } });

  it('gives a call under a span that is not a GenAI one (an app span) a span of ours, and counts its tokens', async function () {
    h.server.serve(fixture);
    const before = await tokenCount();
    const parent = tracer.startSpan('GET /quote', { attributes: { 'http.route': '/quote' } });
    await under(parent, chat);
    const spans = await finished();
    const ours = spans.filter((s) => s.instrumentationScope.name === 'ai-pricetag');
    assert.equal(ours.length, 1);
    assert.equal(ours[0]!.parentSpanContext?.spanId, parent.spanContext().spanId);
    assert.equal(ours[0]!.attributes['ai.cost.amount'], PLAIN_COST);
    assert.equal(spans.find((s) => s.name === 'GET /quote')?.attributes['ai.cost.amount'], undefined);
    assert.equal((await tokenCount()) - before, 1);
  });

  it('gives a call under a GenAI span that groups calls (an agent run) a span of ours', async function () {
    h.server.serve(fixture);
    const agent = tracer.startSpan('invoke_agent support', { attributes: { 'gen_ai.operation.name': 'invoke_agent' } });
    await under(agent, async () => {
      await chat();
      await chat();
    });
    const spans = await finished();
    const ours = spans.filter((s) => s.instrumentationScope.name === 'ai-pricetag');
    assert.deepEqual(
      ours.map((s) => [s.parentSpanContext?.spanId, s.attributes['ai.cost.amount']]),
      [
        [agent.spanContext().spanId, PLAIN_COST],
        [agent.spanContext().spanId, PLAIN_COST],
      ],
    );
    assert.equal(spans.find((s) => s.name === 'invoke_agent support')?.attributes['ai.cost.amount'], undefined);
  });

  it('prices a GenAI span made by hand, overwriting none of its gen_ai.*, and records the histograms it does not', async function () {
    h.server.serve(fixture);
    const before = await tokenCount();
    await under(genAiSpan(), chat);
    const spans = await finished();
    assert.deepEqual(
      spans.filter((s) => s.instrumentationScope.name === 'ai-pricetag'),
      [],
    );
    const theirs = spans.find((s) => s.name === 'chat gpt-4o-mini')!;
    assert.equal(theirs.attributes['ai.cost.amount'], PLAIN_COST);
    assert.equal(theirs.attributes['ai.pricing.tier'], 'standard');
    // Theirs, though the call asked for gpt-4o-mini; and none of the gen_ai.* we would have set.
    assert.equal(theirs.attributes['gen_ai.request.model'], 'gpt-4o');
    assert.equal(theirs.attributes['gen_ai.usage.input_tokens'], undefined);
    assert.equal(theirs.attributes['gen_ai.provider.name'], undefined);
    assert.equal(h.records[0]?.cost?.amount.toFixed(), '0.0003369');
    // A span made by hand comes with no metrics: the GenAI histograms are ours.
    assert.equal((await tokenCount()) - before, 1);
  });

  it("prices the Anthropic SDK's own call span (1.14, spans only), keeping the GenAI histograms ours", async function () {
    const anthropic = new Anthropic({ apiKey: 'sk-ant-test', baseURL: h.baseUrl('anthropic'), maxRetries: 0 });
    const message = loadFixture('anthropic', 'message-cached');
    h.server.serve(message);
    const before = await tokenCount();
    await anthropic.messages.create(message.request.body as Anthropic.MessageCreateParamsNonStreaming);
    // The SDK ends its span once the client has parsed the body, after our record.
    await new Promise((r) => setTimeout(r, 50));
    const spans = await finished();
    assert.deepEqual(
      spans.filter((s) => s.instrumentationScope.name === 'ai-pricetag'),
      [],
    );
    const theirs = spans.filter((s) => s.instrumentationScope.name === 'com.anthropic.sdk.typescript');
    assert.equal(theirs.length, 1);
    assert.equal(theirs[0]!.name, 'anthropic.messages.create');
    assert.equal(theirs[0]!.kind, SpanKind.CLIENT);
    assert.equal(theirs[0]!.attributes['gen_ai.provider.name'], 'anthropic');
    // 21 × 3 + 3,400 × 0.30 + 1,200 × 3.75 + 95 × 15, per million.
    assert.equal(theirs[0]!.attributes['ai.cost.amount'], 0.007008);
    assert.equal(theirs[0]!.attributes['ai.pricing.plan'], 'anthropic/claude-sonnet-4-and-4-5');
    assert.equal((await tokenCount()) - before, 1);

    // A streamed message: the SDK ends its span when the stream has been read, after our record.
    h.reset();
    const streamed = loadFixture('anthropic', 'message-stream');
    h.server.serve(streamed, { chunkSize: 7 });
    await anthropic.messages.stream(streamed.request.body as Anthropic.MessageCreateParamsStreaming).finalMessage();
    await new Promise((r) => setTimeout(r, 50));
    const after = await finished();
    assert.deepEqual(
      after.map((s) => s.instrumentationScope.name),
      ['com.anthropic.sdk.typescript'],
    );
    // 14 × 1 + 2,048 × 0.10 + 37 × 5, per million.
    assert.equal(after[0]!.attributes['ai.cost.amount'], 0.0004038);
  });

  it('puts the sum on a span that several calls ran under (a retry)', async function () {
    h.server.serve(fixture);
    await under(genAiSpan(), async () => {
      await chat();
      await chat();
    });
    const theirs = (await finished()).find((s) => s.name === 'chat gpt-4o-mini')!;
    assert.equal(theirs.attributes['ai.cost.amount'], 0.0006738);
    assert.equal(h.records.length, 2);
  });

  it('falls back to a span of ours, started with the call, when the peer ended its span before the price', async function () {
    // The body arrives slowly; the peer's span ends as soon as the headers are in.
    h.server.serve(fixture, { chunkSize: 200, delayMs: 20 });
    const peer = genAiSpan();
    const response = await context.with(trace.setSpan(context.active(), peer), () =>
      fetch(`${h.baseUrl('openai')}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(fixture.request.body),
      }),
    );
    peer.end();
    await response.text();
    const spans = await finished();
    const ours = spans.filter((s) => s.instrumentationScope.name === 'ai-pricetag');
    assert.equal(ours.length, 1);
    const theirs = spans.find((s) => s.name === 'chat gpt-4o-mini' && s.instrumentationScope.name === 'app')!;
    assert.equal(theirs.attributes['ai.cost.amount'], undefined);
    assert.equal(ours[0]!.parentSpanContext?.spanId, theirs.spanContext().spanId);
    assert.equal(ours[0]!.attributes['ai.cost.amount'], PLAIN_COST);
    // Started when the call did, before the peer's span ended, not when the price was known.
    const ms = (t: readonly [number, number]) => t[0] * 1000 + t[1] / 1e6;
    assert.ok(ms(ours[0]!.startTime) < ms(theirs.endTime), `${ms(ours[0]!.startTime)} ≥ ${ms(theirs.endTime)}`);
    assert.ok(ms(ours[0]!.endTime) > ms(theirs.endTime));
  });

  it('runs the start and end hooks with the peer span', async function () {
    h.instrumentation.setConfig({
      ...h.instrumentation.getConfig(),
      startHook: (span) => span.setAttribute('app.started', true),
      endHook: (span, record) => span.setAttribute('app.cost_text', record.cost?.amount.toFixed() ?? 'none'),
    });
    h.server.serve(fixture);
    await under(genAiSpan(), chat);
    const theirs = (await finished()).find((s) => s.name === 'chat gpt-4o-mini')!;
    assert.equal(theirs.attributes['app.started'], true);
    assert.equal(theirs.attributes['app.cost_text'], '0.0003369');
  });

  it("with genAiSpan 'separate', gives the call a span of ours under the GenAI span", async function () {
    h.instrumentation.setConfig({ ...h.instrumentation.getConfig(), startHook: undefined, endHook: undefined, genAiSpan: 'separate' });
    h.server.serve(fixture);
    const before = await tokenCount();
    const peer = genAiSpan();
    await under(peer, chat);
    const ours = (await finished()).filter((s) => s.instrumentationScope.name === 'ai-pricetag');
    assert.equal(ours.length, 1);
    assert.equal(ours[0]!.parentSpanContext?.spanId, peer.spanContext().spanId);
    assert.equal(ours[0]!.attributes['ai.cost.amount'], PLAIN_COST);
    assert.equal((await tokenCount()) - before, 1);
  });
});

describe('genAiSpan from PRICETAG_GENAI_SPAN', function () {
  it('reads enrich or separate in any case, and leaves an explicit setting alone', function () {
    assert.equal(withEnvironment({}, { PRICETAG_GENAI_SPAN: 'separate' }).genAiSpan, 'separate');
    assert.equal(withEnvironment({}, { PRICETAG_GENAI_SPAN: ' Enrich ' }).genAiSpan, 'enrich');
    assert.equal(withEnvironment({ genAiSpan: 'enrich' }, { PRICETAG_GENAI_SPAN: 'separate' }).genAiSpan, 'enrich');
    assert.equal(withEnvironment({}, {}).genAiSpan, undefined);
  });

  it('ignores another value, and says so', async function () {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    try {
      assert.equal(withEnvironment({}, { PRICETAG_GENAI_SPAN: 'both' }).genAiSpan, undefined);
      // Process warnings are emitted on the next tick.
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off('warning', onWarning);
    }
    assert.ok(
      warnings.some((w) => w.includes('PRICETAG_GENAI_SPAN: "both" is not enrich or separate')),
      warnings.join('\n'),
    );
  });
});
