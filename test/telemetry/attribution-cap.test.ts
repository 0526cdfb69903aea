// Attribution values and work-unit ids come from clients (baggage, span attributes, headers):
// each is cut to a bounded length, never inside a surrogate pair, and the same cut value goes
// to every place it is used (call metrics, conversation metrics, spans).
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ROOT_CONTEXT, propagation, trace } from '@opentelemetry/api';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import type { CallRecord } from '../../src/record/call-record.js';
import { resolveConfig } from '../../src/config/resolve.js';
import { Attributor } from '../../src/record/attribution.js';
import { CallMetrics } from '../../src/telemetry/call-metrics.js';
import { capLength, DEFAULT_MAX_LABEL_VALUE_LENGTH } from '../../src/record/cardinality.js';
import { readWorkUnitIds } from '../../src/record/work-unit-ids.js';
import { replayServerPerSuite } from '../support/child-process.js';
import { loadFixture } from '../support/fixtures.js';
import { metricsEndpoint, samples, type MetricsEndpoint } from '../support/metrics-endpoint.js';

const exec = promisify(execFile);
const EMOJI = '\u{1F600}';
/** Whether a string holds half a surrogate pair (what a code-unit cut leaves behind). */
const loneSurrogate = (s: string) => /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);
const chars = (s: string) => [...s].length;

const withBaggage = (entries: Record<string, string>) =>
  propagation.setBaggage(
    ROOT_CONTEXT,
    propagation.createBaggage(Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, { value: v }]))),
  );

describe('attribution value length', function () {
  describe('capLength', function () {
    it('keeps the first max characters, a surrogate pair counting as one and never split', function () {
      assert.equal(capLength('short', 256), 'short');
      assert.equal(capLength('x'.repeat(300), 256), 'x'.repeat(256));
      // The 256th character is a pair: kept whole (257 code units), the next one dropped.
      const straddling = `${'a'.repeat(255)}${EMOJI}b`;
      assert.equal(capLength(straddling, 256), `${'a'.repeat(255)}${EMOJI}`);
      assert.equal(capLength(EMOJI.repeat(300), 256), EMOJI.repeat(256));
      assert.equal(capLength(`ab${EMOJI}`, 2), 'ab');
      // A lone surrogate is one (broken) character of its own, and does not swallow its neighbour.
      assert.equal(capLength('\uD800xyz', 2), '\uD800x');
      assert.equal(DEFAULT_MAX_LABEL_VALUE_LENGTH, 256);
    });
  });

  describe('attribution (read once per call, used by the metrics and work units)', function () {
    let endpoint: MetricsEndpoint;
    beforeEach(async () => (endpoint = await metricsEndpoint()));
    afterEach(async () => endpoint.close());

    const metrics = () =>
      new CallMetrics(endpoint.meterProvider.getMeter('ai-pricetag'), {
        maxModels: 10,
        genAiUsageCost: false,
        catalogLabels: () => [],
      });
    // Through resolveConfig, as the instrumentation builds it.
    const attributorWith = (maxValueLength?: number) =>
      new Attributor(
        resolveConfig({ attribution: { baggageKeys: ['team'], spanAttributes: ['app.feature'], maxValuesPerLabel: 2, maxValueLength } }, {})
          .attribution,
      );
    const record: CallRecord = {
      provider: 'openai',
      operation: 'chat',
      serverAddress: 'api.openai.com',
      serverPort: 443,
      requestModel: 'gpt-4o-mini',
      outcome: 'success',
      aborted: false,
      durationSeconds: 0.1,
      items: [],
    };

    it('cuts a baggage value to 256 characters by default, before it counts towards maxValuesPerLabel', async function () {
      const calls = metrics();
      const attributor = attributorWith();
      const long = `${'t'.repeat(255)}${EMOJI}${'-tail'.repeat(800)}`;
      // Two values alike in their first 256 characters are one label value: the third distinct one still fits.
      for (const team of [long, `${long}-other`, 'short']) calls.record(record, attributor.of(withBaggage({ team })));
      const teams = [...samples(await endpoint.scrape(), 'ai_requests_total').entries()].map(([labels, n]) => [
        /team="([^"]*)"/.exec(labels)?.[1],
        n,
      ]);
      assert.deepEqual(teams.sort(), [
        ['short', 1],
        [`${'t'.repeat(255)}${EMOJI}`, 2],
      ]);
    });

    it('cuts to the configured maxValueLength, span attributes too; the same values for work units', function () {
      const span = new TracerProvider()
        .getTracer('t')
        .startSpan('parent', { attributes: { 'app.feature': `summarise-${EMOJI.repeat(20)}` } });
      const parent = trace.setSpan(withBaggage({ team: `${'abcdefg'}${EMOJI}${EMOJI}` }), span);
      const { labels } = attributorWith(8).of(parent);
      assert.deepEqual(labels, { team: `abcdefg${EMOJI}`, 'app.feature': 'summaris' });
      assert.ok(!Object.values(labels).some((v) => loneSurrogate(String(v))));
    });

    it('falls back to the default for a cap that is not a positive number', function () {
      for (const bad of [0, -1, Number.NaN]) {
        const { labels } = attributorWith(bad).of(withBaggage({ team: 'x'.repeat(300) }));
        assert.equal(chars(String(labels.team)), 256, `maxValueLength ${bad}`);
      }
    });
  });

  describe('work-unit ids', function () {
    it('cuts a conversation id from baggage or a header, and other unit ids, at 256 characters without splitting a pair', function () {
      const id = `${'c'.repeat(255)}${EMOJI}${'x'.repeat(5000)}`;
      const sources = {
        conversationBaggageKey: 'gen_ai.conversation.id',
        conversationHeader: 'x-conversation-id',
        units: { run: 'run.id' },
      };
      const fromBaggage = readWorkUnitIds(withBaggage({ 'gen_ai.conversation.id': id, 'run.id': id }), () => undefined, sources);
      assert.equal(fromBaggage.get('conversation'), `${'c'.repeat(255)}${EMOJI}`);
      assert.equal(fromBaggage.get('run'), `${'c'.repeat(255)}${EMOJI}`);
      const fromHeader = readWorkUnitIds(ROOT_CONTEXT, (name) => (name === 'x-conversation-id' ? EMOJI.repeat(400) : undefined), sources);
      assert.equal(fromHeader.get('conversation'), EMOJI.repeat(256));
    });
  });

  describe('through a real instrumented call', function () {
    this.timeout(60_000);
    const replay = replayServerPerSuite();
    const APP = new URL('../apps/attribution-app.ts', import.meta.url).pathname;

    async function runApp(env: Record<string, string>): Promise<{ spans: { conversation?: string }[]; exposition: string }> {
      const fixture = loadFixture('openai', 'chat-cached');
      replay().serve(fixture);
      const { stdout } = await exec(process.execPath, ['--import', 'tsx', APP], {
        env: { ...process.env, PROVIDER_ORIGIN: replay().origin, REQUEST_BODY: JSON.stringify(fixture.request.body), ...env },
        timeout: 50_000,
      });
      const spans = stdout
        .split('\n')
        .filter((l) => l.startsWith('span '))
        .map((l) => JSON.parse(l.slice(5)) as { conversation?: string });
      const exposition = stdout.slice(stdout.indexOf('exposition\n'), stdout.lastIndexOf('\nend'));
      return { spans, exposition };
    }

    const labelValues = (exposition: string, metric: string, label: string) =>
      new Set([...samples(exposition, metric).keys()].map((labels) => new RegExp(`${label}="([^"]*)"`).exec(labels)?.[1]));

    it('puts the same capped team value on call and conversation metrics, and capped ids on the spans', async function () {
      const team = `${'t'.repeat(255)}${EMOJI}${'overflow'.repeat(500)}`;
      const { spans, exposition } = await runApp({
        TEAM: team,
        CONVERSATION_ID: `${'b'.repeat(300)}`,
        HEADER_ID: 'h'.repeat(3000),
      });
      const capped = `${'t'.repeat(255)}${EMOJI}`;
      assert.deepEqual(labelValues(exposition, 'ai_requests_total', 'team'), new Set([capped, undefined]));
      assert.deepEqual(labelValues(exposition, 'ai_cost_total', 'team'), new Set([capped, undefined]));
      assert.deepEqual(labelValues(exposition, 'ai_conversation_requests_count', 'team'), new Set([capped, undefined]));
      assert.deepEqual(
        spans.map((s) => s.conversation),
        ['b'.repeat(256), 'h'.repeat(256)],
      );
    });

    it('cuts at attribution.maxValueLength, or PRICETAG_MAX_LABEL_LENGTH, when set', async function () {
      const settings: Record<string, string>[] = [{ MAX_VALUE_LENGTH: '12' }, { PRICETAG_MAX_LABEL_LENGTH: '12' }];
      for (const env of settings) {
        const { exposition } = await runApp({ TEAM: `team-${'9'.repeat(100)}`, CONVERSATION_ID: 'c-1', HEADER_ID: 'c-2', ...env });
        assert.deepEqual(labelValues(exposition, 'ai_requests_total', 'team'), new Set(['team-9999999', undefined]), JSON.stringify(env));
        assert.deepEqual(labelValues(exposition, 'ai_conversation_requests_count', 'team'), new Set(['team-9999999', undefined]));
      }
    });
  });
});
