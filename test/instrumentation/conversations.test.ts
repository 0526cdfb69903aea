import { strict as assert } from 'node:assert';
import Anthropic from '@anthropic-ai/sdk';
import { context, propagation, trace } from '@opentelemetry/api';
import axios from 'axios';
import OpenAI from 'openai';
import { formatDecimal, sumDecimals } from '../../src/pricing/decimal.js';
import type { CallRecord } from '../../src/record/call-record.js';
import { instrumentedEmulator, type InstrumentedEmulator } from '../emulator/support.js';
import { samples } from '../support/metrics-endpoint.js';

const withBaggage = <T>(entries: Record<string, string>, fn: () => Promise<T>) =>
  context.with(
    propagation.setBaggage(
      context.active(),
      propagation.createBaggage(Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, { value: v }]))),
    ),
    fn,
  );

/** Polls the exposition until `ok` holds (conversations finish on a timer), for at most 15 s. */
async function scrapeUntil(env: InstrumentedEmulator, ok: (text: string) => boolean, what: string): Promise<string> {
  let text = '';
  for (const until = performance.now() + 15_000; performance.now() < until;) {
    text = await env.h.scrape();
    if (ok(text)) return text;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(
    `timed out waiting for ${what}:\n${text
      .split('\n')
      .filter((l) => l.includes('conversation'))
      .join('\n')}`,
  );
}

const sample = (text: string, name: string, ...fragments: string[]) =>
  [...samples(text, name)].filter(([labels]) => fragments.every((f) => labels.includes(f))).map(([, v]) => v);

const exactCost = (records: readonly CallRecord[]) => Number(formatDecimal(sumDecimals(records.map((r) => r.cost!.amount))));

describe('cost per conversation and per unit of work', function () {
  this.timeout(30_000);
  let env: InstrumentedEmulator;
  let previous: ReturnType<InstrumentedEmulator['h']['instrumentation']['getConfig']>;

  const configure = (workUnits: NonNullable<typeof previous.workUnits>) => {
    const config = env.h.instrumentation.getConfig();
    env.h.instrumentation.setConfig({ ...config, workUnits });
  };

  before(async function () {
    env = await instrumentedEmulator();
    previous = env.h.instrumentation.getConfig();
  });
  after(async function () {
    env.h.instrumentation.setConfig(previous);
    await env.stop();
  });
  beforeEach(function () {
    env.h.reset();
  });

  it(
    'sums each conversation exactly from baggage, the active span and a request header, ' + 'and puts the id on every span but no metric',
    async function () {
      // Finished by a flush, not by idling: on a busy machine the turns of one conversation may be
      // further apart than any short idle timeout.
      configure({ idleTimeoutMs: 3_600_000, conversationHeader: 'X-Conversation-Id' });
      const openai = new OpenAI({ apiKey: 'sk-test', baseURL: env.emulator.baseUrls.openai, maxRetries: 0 });
      const anthropic = new Anthropic({ apiKey: 'sk-ant-test', baseURL: env.emulator.baseUrls.anthropic, maxRetries: 0 });
      const ask = (content: string) =>
        openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }], max_completion_tokens: 200 });
      // Conversation A: three turns of the official OpenAI client, the id in baggage.
      await withBaggage({ 'gen_ai.conversation.id': 'conv-a-7f3e' }, async () => {
        await ask('first question about invoices');
        await ask('a longer follow-up question about invoices and refunds and dates');
        await ask('thanks');
      });
      // Conversation B: the id is an attribute of the application's own span (the GenAI convention), fetch to Gemini.
      const tracer = trace.getTracer('app');
      await tracer.startActiveSpan('chat turn', { attributes: { 'gen_ai.conversation.id': 'conv-b-91c2' } }, async (span) => {
        for (const text of ['hello there', 'and again']) {
          const res = await fetch(`${env.emulator.baseUrls['gcp.gemini']}/v1beta/models/gemini-2.5-flash:generateContent`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-goog-api-key': 'k' },
            body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text }] }] }),
          });
          await res.json();
        }
        span.end();
      });
      // Conversation D: the Anthropic client opens spans of its own, so the id travels in baggage.
      await withBaggage({ 'gen_ai.conversation.id': 'conv-d-0a1b' }, async () => {
        await anthropic.messages.create({
          model: 'claude-sonnet-4-6',
          max_tokens: 300,
          messages: [{ role: 'user', content: 'hello there' }],
        });
        await anthropic.messages.create({
          model: 'claude-sonnet-4-6',
          max_tokens: 300,
          messages: [{ role: 'user', content: 'and again' }],
        });
      });
      // Conversation C: a gateway-style request header, through axios.
      for (const depth of ['basic', 'advanced', 'advanced']) {
        await axios.post(
          `${env.emulator.baseUrls.tavily}/search`,
          { query: 'tides', search_depth: depth },
          { headers: { 'x-conversation-id': 'conv-c-55d0' } },
        );
      }

      const spans = await env.h.aiSpans();
      const byConversation = new Map<string, number>();
      for (const s of spans) {
        const id = s.attributes['gen_ai.conversation.id'];
        assert.equal(typeof id, 'string', `${s.name} carries its conversation id`);
        byConversation.set(id as string, (byConversation.get(id as string) ?? 0) + 1);
      }
      assert.deepEqual(Object.fromEntries(byConversation), { 'conv-a-7f3e': 3, 'conv-b-91c2': 2, 'conv-c-55d0': 3, 'conv-d-0a1b': 2 });

      const providers = [
        ['openai', 3],
        ['gcp.gemini', 2],
        ['tavily', 3],
        ['anthropic', 2],
      ] as const;
      env.h.instrumentation.flushWorkUnits();
      const text = await env.h.scrape();
      assert.doesNotMatch(text, /conv-[abcd]-/, 'no conversation id in any metric');
      for (const [provider, n] of providers) {
        const records = env.h.records.filter((r) => r.provider === provider);
        assert.equal(records.length, n);
        const sel = [`ai_work_unit="conversation"`, `gen_ai_provider_name="${provider}"`];
        assert.deepEqual(sample(text, 'ai_conversation_requests_sum', ...sel), [n]);
        assert.deepEqual(sample(text, 'ai_conversation_requests_count', ...sel), [1]);
        const withoutShadow = [...samples(text, 'ai_conversation_cost_sum')].filter(
          ([l]) => sel.every((f) => l.includes(f)) && !l.includes('ai_pricing_shadow_plan'),
        );
        assert.deepEqual(
          withoutShadow.map(([, v]) => v),
          [exactCost(records)],
          `${provider}: the conversation's cost is the exact sum of its calls`,
        );
        assert.ok(sample(text, 'ai_conversation_duration_seconds_count', ...sel)[0] === 1);
      }
      // The shared harness prices gpt-4o-mini calls under gpt-4.1-nano too: the conversation has that shadow cost.
      const openaiRecords = env.h.records.filter((r) => r.provider === 'openai');
      const shadow = sumDecimals(
        openaiRecords.flatMap((r) =>
          r.items.flatMap((i) =>
            i.shadows.filter((s) => s.plan === 'openai/gpt-4.1-nano').map((s) => (s.result.priced ? s.result.cost : undefined)!),
          ),
        ),
      );
      assert.deepEqual(
        sample(text, 'ai_conversation_cost_sum', 'gen_ai_provider_name="openai"', 'ai_pricing_shadow_plan="openai/gpt-4.1-nano"'),
        [Number(formatDecimal(shadow))],
      );
    },
  );

  it('reports other units of work under their own name, their id on the span as ai.work_unit.<name>.id', async function () {
    // Finished by idling: a second between two back-to-back calls leaves room for a busy machine.
    configure({ idleTimeoutMs: 1_000, units: { workflow_run: 'workflow.run_id' } });
    await withBaggage({ 'workflow.run_id': 'run-0042', 'gen_ai.conversation.id': 'conv-d' }, async () => {
      await axios.post(`${env.emulator.baseUrls.tavily}/search`, { query: 'x', search_depth: 'basic' });
      await axios.post(`${env.emulator.baseUrls.tavily}/search`, { query: 'y', search_depth: 'basic' });
    });
    const spans = await env.h.aiSpans();
    assert.deepEqual(
      spans.map((s) => [s.attributes['ai.work_unit.workflow_run.id'], s.attributes['gen_ai.conversation.id']]),
      [
        ['run-0042', 'conv-d'],
        ['run-0042', 'conv-d'],
      ],
    );
    const text = await scrapeUntil(
      env,
      (t) => sample(t, 'ai_conversation_requests_sum', 'ai_work_unit="workflow_run"').some((v) => v >= 2),
      'the workflow run to finish',
    );
    assert.doesNotMatch(text, /run-0042|conv-d/);
  });

  it(
    'finishes the least recently used conversation early under a flood of ids, ' + 'keeping the table bounded and counting evictions',
    async function () {
      configure({ maxActive: 20, idleTimeoutMs: 60_000 });
      const before = await env.h.scrape();
      const evictedBefore = sample(before, 'ai_conversation_evictions_total', 'ai_work_unit="conversation"')[0] ?? 0;
      for (let i = 0; i < 120; i++) {
        await withBaggage({ 'gen_ai.conversation.id': `flood-${i}` }, () =>
          axios.post(`${env.emulator.baseUrls.tavily}/search`, { query: 'q', search_depth: 'basic' }),
        );
      }
      await env.h.aiSpans();
      const text = await env.h.scrape();
      assert.deepEqual(sample(text, 'ai_conversations_active', 'ai_work_unit="conversation"'), [20]);
      assert.equal(sample(text, 'ai_conversation_evictions_total', 'ai_work_unit="conversation"')[0]! - evictedBefore, 100);
      // Evicted conversations are recorded, not lost: the 100 oldest, one call each.
      configure({});
      const flushed = await env.h.scrape();
      assert.ok(
        (sample(flushed, 'ai_conversation_requests_count', 'gen_ai_provider_name="tavily"')[0] ?? 0) >= 120,
        'all 120 conversations recorded, evicted or flushed',
      );
      assert.doesNotMatch(flushed, /flood-/);
    },
  );

  it('records conversations still in progress when flushed at shutdown', async function () {
    configure({ idleTimeoutMs: 3_600_000 });
    const count = async () => sample(await env.h.scrape(), 'ai_conversation_requests_count', 'gen_ai_provider_name="tavily"')[0] ?? 0;
    const start = await count();
    await withBaggage({ 'gen_ai.conversation.id': 'long-running' }, () =>
      axios.post(`${env.emulator.baseUrls.tavily}/search`, { query: 'q', search_depth: 'advanced' }),
    );
    await env.h.aiSpans();
    assert.equal(await count(), start, 'an hour-long idle timeout: not finished yet');
    env.h.instrumentation.flushWorkUnits();
    assert.equal(await count(), start + 1);
  });
});
