import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeMatches } from '../../src/cli/commands/simulate.js';
import { fixture } from '../support/catalog.js';
import { pricetag } from '../support/cli.js';

const design = fixture('design-example.yaml');

const CALLS = [
  // 1200 × 0.15/M + 300 × 0.6/M = 0.00036
  '{"provider":"openai","operation":"chat","model":"gpt-4o-mini","usage":{"input_tokens":1200,"output_tokens":300},' +
    '"conversation_id":"c-1","time":"2026-11-27T10:00:00Z"}',
  // 0.15 + 0.6 = 0.75
  '{"provider":"openai","operation":"chat","model":"gpt-4o-mini","usage":{"input_tokens":1000000,"output_tokens":1000000},' +
    '"conversation_id":"c-1","time":"2026-11-27T10:01:00Z"}',
  // advanced search: 0.016
  '{"provider":"tavily","operation":"search","usage":{"requests":1},"dimensions":{"search_depth":"advanced"},' +
    '"conversation_id":"c-2","time":"2026-11-27T10:02:00Z"}',
  '',
  '{"provider":"openai","operation":"chat","model":"gpt-99","usage":{"input_tokens":10}}',
];

describe('pricetag simulate', function () {
  let dir: string;
  const write = (name: string, lines: readonly string[]): string => {
    const path = join(dir, name);
    writeFileSync(path, `${lines.join('\n')}\n`);
    return path;
  };
  const simulate = (...argv: string[]) => pricetag('simulate', '--no-default', '-c', design, ...argv);

  before(function () {
    dir = mkdtempSync(join(tmpdir(), 'pricetag-simulate-'));
  });
  after(function () {
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints the JSON contract: exact totals, distribution, what-if difference', async function () {
    const log = write('calls.jsonl', CALLS);
    const run = await simulate('--usage-log', log, '--plans', 'google/gemini-2.5-pro', '--json');
    assert.equal(run.code, 0);
    assert.equal(run.stderr, '');
    assert.deepEqual(JSON.parse(run.stdout), {
      usage_log: log,
      at: null,
      group_by: null,
      lines: 5,
      calls: 4,
      bad_lines: 0,
      scenarios: [
        {
          scenario: 'actual',
          plan: null,
          calls: 4,
          priced: 3,
          unpriced: { unknown_model: 1 },
          costs: [
            {
              currency: 'USD',
              priced: 3,
              total: '0.76636',
              mean: '0.255453333333',
              p50: '0.016',
              p90: '0.75',
              p99: '0.75',
              max: '0.75',
              top_10_percent_share: 0.9787,
              difference_vs_actual: null,
            },
          ],
        },
        {
          scenario: 'google/gemini-2.5-pro',
          plan: 'google/gemini-2.5-pro',
          calls: 4,
          priced: 4,
          unpriced: {},
          costs: [
            {
              // 1200 × 1.25/M + 300 × 10/M; 1M × 2.5/M + 1M × 15/M (long context); 0; 10 × 1.25/M
              currency: 'USD',
              priced: 4,
              total: '17.5045125',
              mean: '4.376128125',
              p50: '0.0000125',
              p90: '17.5',
              p99: '17.5',
              max: '17.5',
              top_10_percent_share: 0.9997,
              difference_vs_actual: '16.7381525',
            },
          ],
        },
      ],
    });
  });

  it('prints readable tables by default', async function () {
    const run = await simulate(
      '--usage-log',
      write('calls.jsonl', CALLS),
      '--plans',
      'google/gemini-2.5-pro,tavily/search',
      '--at',
      '2026-11-27',
    );
    assert.equal(run.code, 0);
    const lines = run.stdout.split('\n');
    assert.match(lines[0]!, /^usage log {2}.*calls\.jsonl: 4 calls$/);
    assert.equal(lines[1], 'prices     in force on 2026-11-27');
    assert.match(run.stdout, /^actual +4 +3 +unknown_model 1$/m);
    assert.match(run.stdout, /^tavily\/search +4 +1 +no_tier 3$/m);
    assert.match(run.stdout, /^cost per call$/m);
    assert.match(run.stdout, /^actual +USD +0\.76636 +0\.255453333333 +0\.016 +0\.75 +0\.75 +0\.75 +97\.9%$/m);
    assert.match(run.stdout, /^google\/gemini-2\.5-pro +USD +17\.5045125 +\+16\.7381525 \(\+2184\.1%\) +4\.376128125 /m);
    assert.match(run.stdout, /^tavily\/search +USD +0\.016 +-0\.75036 \(-97\.9%\) /m);
    assert.doesNotMatch(run.stdout, /per conversation/);
  });

  it('reports the cost distribution per conversation with --group-by conversation', async function () {
    const log = write('calls.jsonl', CALLS);
    const run = await simulate('--usage-log', log, '--group-by', 'conversation', '--json');
    assert.equal(run.code, 0);
    const body = JSON.parse(run.stdout) as {
      conversations: number;
      calls_without_conversation: number;
      scenarios: { conversations_with_unpriced_calls: number; costs: { conversations: unknown }[] }[];
    };
    assert.deepEqual([body.conversations, body.calls_without_conversation], [2, 1]);
    assert.equal(body.scenarios[0]!.conversations_with_unpriced_calls, 0);
    // c-1 = 0.00036 + 0.75, c-2 = 0.016
    assert.deepEqual(body.scenarios[0]!.costs[0]!.conversations, {
      count: 2,
      p50: '0.016',
      p90: '0.75036',
      p99: '0.75036',
      max: '0.75036',
      top_10_percent_share: 0.9791,
    });

    const text = await simulate('--usage-log', log, '--group-by', 'conversation');
    assert.match(text.stdout, /^grouped {4}2 conversations; 1 call without a conversation_id$/m);
    assert.match(text.stdout, /^cost per conversation$/m);
    assert.match(text.stdout, /^actual +USD +2 +0\.016 +0\.75036 +0\.75036 +0\.75036 +97\.9%$/m);
  });

  it('reports bad lines as FILE:LINE: reason, skips them, still prints the results and exits 1', async function () {
    const log = write('bad.jsonl', [
      ...CALLS,
      '{"provider":"openai","operation":"chat","usage":{"input_tokens":-1}}',
      'not json',
      '{"provider":"openai","operation":"chat"}',
    ]);
    const run = await simulate('--usage-log', log, '--json');
    assert.equal(run.code, 1);
    const stderr = run.stderr.split('\n');
    assert.equal(stderr[0], `${log}:6: usage.input_tokens: must be a non-negative number, got -1`);
    assert.match(stderr[1]!, new RegExp(`^${log.replace(/[.\\]/g, '\\$&')}:7: not valid JSON \\(`));
    assert.equal(stderr[2], `${log}:8: missing "usage" (an object of quantities, e.g. {"input_tokens":1200})`);
    const body = JSON.parse(run.stdout) as { calls: number; bad_lines: number; scenarios: { costs: { total: string }[] }[] };
    assert.deepEqual([body.calls, body.bad_lines, body.scenarios[0]!.costs[0]!.total], [4, 3, '0.76636']);

    const text = await simulate('--usage-log', log);
    assert.equal(text.code, 1);
    assert.match(text.stdout, /: 4 calls, 3 bad lines skipped$/m);
  });

  it('rejects an unknown plan with exit 2, naming close matches', async function () {
    const run = await simulate('--usage-log', write('calls.jsonl', CALLS), '--plans', 'openai/gpt-4o-mini,tavily/serch');
    assert.equal(run.code, 2);
    assert.equal(run.stdout, '');
    assert.equal(
      run.stderr,
      'pricetag: unknown plan "tavily/serch" in --plans; did you mean tavily/search?\n(pricetag catalog list shows every plan id)\n',
    );
    assert.deepEqual(closeMatches('anthropic/haiku', ['anthropic/claude-haiku-4-5', 'anthropic/claude-opus-5', 'openai/gpt-4o']), [
      'anthropic/claude-haiku-4-5',
    ]);
    assert.deepEqual(closeMatches('zzz', ['openai/gpt-4o']), []);
  });

  it('rejects bad options with exit 2', async function () {
    const log = write('calls.jsonl', CALLS);
    assert.equal(
      (await simulate('--usage-log', log, '--at', '2026-13-01')).stderr,
      'pricetag: --at must be a date YYYY-MM-DD, got "2026-13-01"\n',
    );
    assert.equal((await simulate('--usage-log', log, '--group-by', 'team')).code, 2);
    assert.equal((await simulate('--usage-log', log, '--plans', 'a,,b')).code, 2);
    assert.equal((await simulate()).code, 2);
  });

  it('says clearly when the usage log cannot be read', async function () {
    const missing = join(dir, 'missing.jsonl');
    const run = await simulate('--usage-log', missing);
    assert.equal(run.code, 1);
    assert.equal(run.stderr, `pricetag: ${missing}: cannot read usage log (ENOENT)\n`);
  });

  it('locates catalog problems as the other commands do', async function () {
    const run = await pricetag(
      'simulate',
      '--no-default',
      '-c',
      fixture('invalid-catalog.yaml'),
      '--usage-log',
      write('calls.jsonl', CALLS),
    );
    assert.equal(run.code, 1);
    assert.match(run.stderr, /invalid-catalog\.yaml:9:37: plans\[0\]\.charges\[0\]\.rate: must be a non-negative decimal/);
  });

  it('prices with the built-in catalog by default', async function () {
    const run = await pricetag('simulate', '--usage-log', write('calls.jsonl', CALLS), '--json');
    assert.equal(run.code, 0);
    const body = JSON.parse(run.stdout) as { scenarios: { priced: number; costs: { total: string }[] }[] };
    assert.deepEqual([body.scenarios[0]!.priced, body.scenarios[0]!.costs[0]!.total], [3, '0.76636']);
  });
});
