import { strict as assert } from 'node:assert';
import { fixture } from '../support/catalog.js';
import { pricetag } from '../support/cli.js';

const GEMINI_NOTICE = 'provider "google" is deprecated: use "gcp.gemini" (its operation "chat" is "generate_content")';
const MISTRAL_NOTICE = 'provider "mistral" is deprecated: use "mistral_ai" (its operation "chat" is "chat" and "text_completion")';

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

  it('prints a warning for each deprecated provider id, and still exits 0', async function () {
    const file = fixture('deprecated-provider-ids.yaml');
    const run = await pricetag('validate', file);
    assert.equal(run.code, 0, run.stdout);
    assert.deepEqual(run.stdout.trim().split('\n'), [
      `${file}:6:15: plans[0].provider: warning: ${GEMINI_NOTICE}`,
      `${file}:14:15: plans[1].provider: warning: ${MISTRAL_NOTICE}`,
      `${file}:21:15: plans[2].provider: warning: provider "google-cloud-vision" is deprecated: use "gcp.vision"`,
      `${file}: valid, 4 plans (catalog old-ids-2026-11)`,
    ]);
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
