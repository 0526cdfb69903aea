import { strict as assert } from 'node:assert';
import { context, propagation } from '@opentelemetry/api';
import OpenAI from 'openai';
import { loadFixture } from '../support/fixtures.js';
import { ATTRIBUTION, harness, type Harness } from '../support/harness.js';

describe('the scraped Prometheus exposition of an instrumented service', function () {
  let h: Harness;
  let client: OpenAI;

  before(async function () {
    h = await harness();
    client = new OpenAI({ apiKey: 'sk-test', baseURL: h.baseUrl('openai'), maxRetries: 0 });
  });
  beforeEach(function () {
    h.reset();
  });

  it('names every instrument as DESIGN.md does, with HELP and TYPE lines', async function () {
    const fixture = loadFixture('openai', 'chat-cached');
    h.server.serve(fixture);
    await client.chat.completions.create(fixture.request.body as OpenAI.ChatCompletionCreateParamsNonStreaming);
    await h.aiSpans();
    const text = await h.scrape();
    const declared = text.split('\n').filter((l) => l.startsWith('# TYPE ai_') || l.startsWith('# TYPE gen_ai_'));
    const always = [
      '# TYPE ai_cost_shadow_total counter',
      '# TYPE ai_cost_total counter',
      '# TYPE ai_pricing_catalog_info gauge',
      '# TYPE ai_pricing_rate gauge',
      '# TYPE ai_request_cost histogram',
      '# TYPE ai_requests_total counter',
      '# TYPE ai_usage_total counter',
      '# TYPE gen_ai_client_operation_duration histogram',
      '# TYPE gen_ai_client_token_usage histogram',
    ];
    // Counters of rarer events appear once one happened (other tests in this process may have caused them).
    const onEvent = [
      '# TYPE ai_unpriced_requests_total counter',
      '# TYPE ai_instrumentation_errors_total counter',
      // Conversation series appear once a call carried a conversation id (docs/metrics.md).
      '# TYPE ai_conversation_cost histogram',
      '# TYPE ai_conversation_requests histogram',
      '# TYPE ai_conversation_duration_seconds histogram',
      '# TYPE ai_conversations_active gauge',
      '# TYPE ai_conversation_evictions_total counter',
    ];
    for (const line of always) assert.ok(declared.includes(line), line);
    for (const line of declared) assert.ok(always.includes(line) || onEvent.includes(line), `undocumented series: ${line}`);
    assert.match(text, /^# HELP ai_cost_total Charges of AI calls, as priced \(or reported by the provider\), in the currency label$/m);
  });

  it('pins the cost and request series of one call, line by line', async function () {
    const fixture = loadFixture('openai', 'chat-cached');
    h.server.serve(fixture);
    const ctx = propagation.setBaggage(
      context.active(),
      propagation.createBaggage({ [ATTRIBUTION.baggageKey]: { value: 'exposition-pin' } }),
    );
    await context.with(ctx, () => client.chat.completions.create(fixture.request.body as OpenAI.ChatCompletionCreateParamsNonStreaming));
    await h.aiSpans();
    const lines = (await h.scrape()).split('\n').filter((l) => l.includes('team="exposition-pin"'));
    const scope = 'otel_scope_name="ai-pricetag",otel_scope_version="0.1.0"';
    const labels =
      'gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o-mini",gen_ai_operation_name="chat",' +
      'ai_pricing_plan="openai/gpt-4o-mini",ai_pricing_tier="standard",ai_pricing_model="per_token",ai_cost_currency="USD"';
    assert.deepEqual(lines, [
      `ai_cost_total{${labels},team="exposition-pin",${scope}} 0.0003369`,
      `ai_requests_total{${labels},team="exposition-pin",ai_outcome="success",${scope}} 1`,
    ]);
  });

  it("labels calls with the GenAI conventions' provider ids and operations (Gemini, Azure OpenAI)", async function () {
    const ctx = propagation.setBaggage(context.active(), propagation.createBaggage({ [ATTRIBUTION.baggageKey]: { value: 'semconv-ids' } }));
    for (const [provider, name] of [
      ['gcp.gemini', 'generate-content'],
      ['azure.ai.openai', 'chat-deployment-cached'],
    ] as const) {
      const fixture = loadFixture(provider === 'gcp.gemini' ? 'gemini' : 'azure-openai', name);
      h.server.serve(fixture);
      await context.with(ctx, async () => {
        const res = await fetch(`${h.baseUrl(provider)}${fixture.request.path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(fixture.request.body),
        });
        await res.arrayBuffer();
      });
      await h.aiSpans();
    }
    const requests = (await h.scrape()).split('\n').filter((l) => l.startsWith('ai_requests_total{') && l.includes('team="semconv-ids"'));
    const pairs = requests.map((l) => [/gen_ai_provider_name="([^"]*)"/.exec(l)?.[1], /gen_ai_operation_name="([^"]*)"/.exec(l)?.[1]]);
    assert.deepEqual(pairs.sort(), [
      ['azure.ai.openai', 'chat'],
      ['gcp.gemini', 'generate_content'],
    ]);
  });
});
