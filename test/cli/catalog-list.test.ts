import { strict as assert } from 'node:assert';
import { fixture } from '../support/catalog.js';
import { pricetag } from '../support/cli.js';

describe('pricetag catalog list', function () {
  it('shows every plan, tier and rate as an aligned table', async function () {
    const run = await pricetag('catalog', 'list', '--no-default', '-c', fixture('design-example.yaml'));
    assert.equal(run.code, 0);
    const lines = run.stdout.trim().split('\n');
    assert.match(lines[0]!, /^PLAN +PROVIDER +OPERATIONS +MODELS +TIER +WHEN +UNIT +RATE +PER +CURRENCY +FROM$/);
    assert.ok(
      lines.some((l) =>
        /^aws\/comprehend-sentiment +aws\.comprehend +sentiment +\* +standard +\(default\) +characters +0\.0001 +100 step 100 min 300 +USD/.test(
          l,
        ),
      ),
    );
    assert.ok(lines.some((l) => /^google\/gemini-2\.5-pro .* standard +input_tokens<=200000 +input_tokens +1\.25 +1000000 +USD/.test(l)));
    assert.ok(lines.some((l) => /^tavily\/search .* advanced +search_depth=advanced +requests +0\.016 +1 +USD/.test(l)));
    assert.equal(lines.at(-1), '4 plans, 10 rates');
  });

  it('filters by provider and prints JSON rows', async function () {
    const run = await pricetag('catalog', 'list', '--no-default', '-c', fixture('design-example.yaml'), '--provider', 'openai', '--json');
    const rows = JSON.parse(run.stdout) as { plan: string; unit: string; rate: string }[];
    assert.deepEqual(
      rows.map((r) => [r.plan, r.unit, r.rate]),
      [
        ['openai/gpt-4o-mini', 'input_tokens', '0.15'],
        ['openai/gpt-4o-mini', 'cached_input_tokens', '0.075'],
        ['openai/gpt-4o-mini', 'output_tokens', '0.6'],
      ],
    );
  });

  it('takes a deprecated --provider for its replacement, with a warning', async function () {
    const run = await pricetag('catalog', 'list', '--no-default', '-c', fixture('design-example.yaml'), '--provider', 'google', '--json');
    assert.equal(run.code, 0);
    assert.equal(
      run.stderr,
      'pricetag: warning: --provider: provider "google" is deprecated: use "gcp.gemini" (its operation "chat" is "generate_content")\n',
    );
    const rows = JSON.parse(run.stdout) as { plan: string; provider: string; operations: string }[];
    assert.deepEqual(
      [...new Set(rows.map((r) => [r.plan, r.provider, r.operations].join(' ')))],
      ['google/gemini-2.5-pro gcp.gemini generate_content'],
    );
  });

  it('rejects an unknown --provider or --operation with exit 2, listing the known ones', async function () {
    const list = (...argv: string[]) => pricetag('catalog', 'list', '--no-default', '-c', fixture('design-example.yaml'), ...argv);
    assert.deepEqual(await list('--provider', 'nope'), {
      code: 2,
      stdout: '',
      stderr: 'pricetag: unknown provider "nope" in --provider; known providers: aws.comprehend, gcp.gemini, openai, tavily\n',
    });
    assert.deepEqual(await list('--operation', 'nope', '--json'), {
      code: 2,
      stdout: '',
      stderr: 'pricetag: unknown operation "nope" in --operation; known operations: chat, generate_content, search, sentiment\n',
    });
    const layered = await pricetag('catalog', 'list', '-c', fixture('design-example.yaml'), '--provider', 'nope');
    const known = /^pricetag: unknown provider "nope" in --provider; known providers: (.+)\n$/.exec(layered.stderr)?.[1]?.split(', ') ?? [];
    assert.equal(layered.code, 2);
    assert.deepEqual(known, [...new Set(known)].sort(), 'sorted, each once');
    assert.ok(known.includes('anthropic') && known.includes('tavily'), layered.stderr);
  });

  it('still lists 0 plans when known filters match nothing together', async function () {
    const run = await pricetag(
      'catalog',
      'list',
      '--no-default',
      '-c',
      fixture('design-example.yaml'),
      '--provider',
      'openai',
      '--operation',
      'search',
    );
    assert.deepEqual([run.code, run.stdout.trim().split('\n').at(-1), run.stderr], [0, '0 plans, 0 rates', '']);
  });
});
