import { strict as assert } from 'node:assert';
import { fixture } from '../support/catalog.js';
import { pricetag } from '../support/cli.js';

describe('pricetag validate', function () {
  it('exits 0 for a valid catalog and says how many plans it holds', async function () {
    const run = await pricetag('validate', fixture('design-example.yaml'));
    assert.equal(run.code, 0);
    assert.equal(run.stdout, `${fixture('design-example.yaml')}: valid, 4 plans (catalog acme-2026-11)\n`);
  });

  it('lists sources with --verbose', async function () {
    const run = await pricetag('validate', '--verbose', fixture('design-example.yaml'));
    assert.match(run.stdout, /^ {2}openai\/gpt-4o-mini from 2024-07-18: https:\/\/example\.com\/pricing$/m);
    assert.match(run.stdout, /^ {2}tavily\/search: \(no source\)$/m);
  });

  it('exits 1 with one located line per problem, across several files', async function () {
    const bad = fixture('invalid-catalog.yaml');
    const run = await pricetag('validate', fixture('design-example.yaml'), bad, '/nonexistent.yaml');
    assert.equal(run.code, 1);
    const lines = run.stdout.trim().split('\n');
    assert.equal(lines[0], `${fixture('design-example.yaml')}: valid, 4 plans (catalog acme-2026-11)`);
    assert.equal(lines.filter((l) => l.startsWith(`${bad}:`)).length, 10);
    assert.equal(lines.at(-1), '/nonexistent.yaml:1:1: $: cannot read file (ENOENT)');
    for (const line of lines.slice(1)) assert.match(line, /^[^:]+:\d+:\d+: [^:]+: .+$/);
  });

  it('validates the built-in default catalog', async function () {
    const run = await pricetag('validate', 'catalogs/default.yaml');
    assert.equal(run.code, 0, run.stdout);
  });

  it('has --help on every command', async function () {
    for (const argv of [
      ['--help'],
      ['validate', '--help'],
      ['price', '--help'],
      ['catalog', '--help'],
      ['catalog', 'list', '--help'],
      ['catalog', 'import', '--help'],
    ]) {
      const run = await pricetag(...argv);
      assert.equal(run.code, 0, argv.join(' '));
      assert.match(run.stdout, /^Usage: pricetag/m, argv.join(' '));
    }
  });
});
