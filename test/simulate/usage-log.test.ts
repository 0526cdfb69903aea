import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { dayOfTime, newParsedCall, parseUsageLine } from '../../src/simulate/usage-log.js';
import { Simulator, BAD_LINES_KEPT, simulateBuffer } from '../../src/simulate/simulator.js';
import { pricerFromTexts, designExample } from '../support/catalog.js';

const reason = (text: string): string | undefined => parseUsageLine(text, newParsedCall());
const good = '{"provider":"openai","operation":"chat","model":"gpt-4o-mini","usage":{"input_tokens":1200,"output_tokens":300}}';

describe('simulate: usage log lines', function () {
  it('reads a call with every field', function () {
    const into = newParsedCall();
    const line =
      '{"provider":"tavily","operation":"search","usage":{"requests":1},"dimensions":{"search_depth":"advanced","results":10,"raw":true},' +
      '"conversation_id":42,"time":"2026-11-27T10:00:00Z","latency_ms":812}';
    assert.equal(parseUsageLine(line, into), undefined);
    assert.equal(into.record.provider, 'tavily');
    assert.equal(into.record.model, undefined);
    assert.deepEqual(into.record.dimensions, { search_depth: 'advanced', results: '10', raw: 'true' });
    assert.equal(into.record.conversation_id, '42');
    assert.equal(into.day, Date.UTC(2026, 10, 27) / 86_400_000);
    assert.equal(parseUsageLine(good, into), undefined);
    assert.ok(Number.isNaN(into.day), 'no time: NaN day');
  });

  it('says why a line is not a call', function () {
    assert.match(reason('{"provider":"openai",')!, /^not valid JSON \(/);
    assert.equal(reason('[1,2]'), 'expected a JSON object');
    assert.equal(reason('"text"'), 'expected a JSON object');
    assert.equal(reason('{"operation":"chat","usage":{}}'), 'missing "provider"');
    assert.equal(reason('{"provider":"","operation":"chat","usage":{}}'), '"provider" must be a non-empty string');
    assert.equal(reason('{"provider":"openai","usage":{}}'), 'missing "operation"');
    assert.equal(reason('{"provider":"openai","operation":"chat","model":7,"usage":{}}'), '"model" must be a string');
    assert.equal(
      reason('{"provider":"openai","operation":"chat"}'),
      'missing "usage" (an object of quantities, e.g. {"input_tokens":1200})',
    );
    assert.equal(reason('{"provider":"openai","operation":"chat","usage":[1]}'), '"usage" must be an object of quantities');
    assert.equal(
      reason('{"provider":"openai","operation":"chat","usage":{"input_tokens":-5}}'),
      'usage.input_tokens: must be a non-negative number, got -5',
    );
    assert.equal(
      reason('{"provider":"openai","operation":"chat","usage":{"input_tokens":"12"}}'),
      'usage.input_tokens: must be a non-negative number, got "12"',
    );
    assert.equal(
      reason('{"provider":"openai","operation":"chat","usage":{"input_tokens":null}}'),
      'usage.input_tokens: must be a non-negative number, got null',
    );
    assert.equal(
      reason('{"provider":"openai","operation":"chat","usage":{"input_tokens":1e999}}'),
      'usage.input_tokens: must be a non-negative number, got null',
    );
    assert.equal(
      reason('{"provider":"x","operation":"y","usage":{},"dimensions":{"size":{"w":1}}}'),
      'dimensions.size: must be a string, number or boolean, got {"w":1}',
    );
    assert.equal(
      reason('{"provider":"x","operation":"y","usage":{},"dimensions":"hd"}'),
      '"dimensions" must be an object of names to values',
    );
    assert.equal(
      reason('{"provider":"x","operation":"y","usage":{},"conversation_id":""}'),
      '"conversation_id" must be a non-empty string or a number',
    );
    assert.equal(
      reason('{"provider":"x","operation":"y","usage":{},"time":"yesterday"}'),
      '"time" must be an ISO 8601 date-time, got "yesterday"',
    );
    assert.equal(
      reason('{"provider":"x","operation":"y","usage":{},"time":"2026-02-30T10:00:00Z"}'),
      '"time" must be an ISO 8601 date-time, got "2026-02-30T10:00:00Z"',
    );
    assert.equal(
      reason('{"provider":"x","operation":"y","usage":{},"time":1764237600}'),
      '"time" must be an ISO 8601 date-time, got 1764237600',
    );
  });

  it('takes the UTC day of a time, with or without an offset', function () {
    const day = Date.UTC(2026, 10, 27) / 86_400_000;
    assert.equal(dayOfTime('2026-11-27T00:00:00Z'), day);
    assert.equal(dayOfTime('2026-11-27T23:59:59.999Z'), day);
    assert.equal(dayOfTime('2026-11-28T01:00:00+02:00'), day);
    assert.equal(dayOfTime('2026-11-27T10:00Z'), day);
    assert.equal(dayOfTime('2026-11-26T20:00:00-05:00'), day);
    assert.equal(dayOfTime('2026-11-27T20:00:00-05:00'), day + 1);
    assert.ok(Number.isNaN(dayOfTime('2026-11-27T25:00:00Z')));
    assert.ok(Number.isNaN(dayOfTime('Nov 27 2026')));
  });
});

describe('simulate: reading a log', function () {
  const index = pricerFromTexts(designExample()).index;
  const run = (text: string) => simulateBuffer(Buffer.from(text), { index });

  it('reports each bad line with its line number, counts and skips it, and prices the rest', function () {
    const log = [
      good,
      '',
      '{"provider":"openai"',
      '   ',
      good,
      '{"provider":"openai","operation":"chat","usage":{"output_tokens":-1}}',
      good,
    ].join('\n');
    const report = run(`${log}\n`);
    assert.equal(report.lines, 7);
    assert.equal(report.calls, 3);
    assert.equal(report.badLines, 2);
    assert.deepEqual(
      report.badLineSamples.map((b) => b.line),
      [3, 6],
    );
    assert.match(report.badLineSamples[0]!.reason, /^not valid JSON/);
    assert.equal(report.badLineSamples[1]!.reason, 'usage.output_tokens: must be a non-negative number, got -1');
    assert.equal(report.scenarios[0]!.priced, 3);
  });

  it('keeps the first bad lines and counts all of them', function () {
    const report = run('nope\n'.repeat(BAD_LINES_KEPT + 5));
    assert.equal(report.badLines, BAD_LINES_KEPT + 5);
    assert.equal(report.badLineSamples.length, BAD_LINES_KEPT);
    assert.equal(report.calls, 0);
  });

  it('accepts CRLF line ends, a byte order mark and a last line without a newline', function () {
    const report = run(`\ufeff${good}\r\n${good}\r\n\r\n${good}`);
    assert.deepEqual([report.lines, report.calls, report.badLines], [4, 3, 0]);
  });

  it('gives the same report however the bytes are cut into chunks (multi-byte characters included)', function () {
    const text = [
      good,
      '{"provider":"openai","operation":"chat","model":"gpt-4o-mini","usage":{"input_tokens":7},"conversation_id":"gespräch-ü-€-😀"}',
      'bad',
      '',
      good,
    ].join('\n');
    const bytes = Buffer.from(text);
    const whole = simulateBuffer(bytes, { index, groupByConversation: true });
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 12 }), (cuts) => {
        const simulator = new Simulator({ index, groupByConversation: true });
        let from = 0;
        for (const cut of [...cuts].sort((a, b) => a - b)) {
          simulator.push(bytes.subarray(from, cut));
          from = cut;
        }
        simulator.push(bytes.subarray(from));
        simulator.end();
        assert.deepEqual(simulator.report(), whole);
      }),
    );
    assert.equal(whole.conversations, 1);
    assert.equal(whole.badLines, 1);
  });
});
