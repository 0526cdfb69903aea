import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { pricetag } from '../support/cli.js';
import { LITELLM_SAMPLE } from '../support/reference-data.js';

describe('pricetag catalog import', function () {
  const dir = mkdtempSync(join(tmpdir(), 'pricetag-import-'));
  const sample = LITELLM_SAMPLE;

  it('converts the LiteLLM excerpt to a valid catalog file and lists what it left out', async function () {
    const out = join(dir, 'litellm.yaml');
    const run = await pricetag('catalog', 'import', '--from', 'litellm', sample, '--out', out, '--as-of', '2026-11-27');
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, '');
    const doc = parse(readFileSync(out, 'utf8')) as { plans: { id: string; as_of: string }[] };
    assert.ok(doc.plans.length > 50);
    assert.ok(doc.plans.every((p) => p.as_of === '2026-11-27'));
    assert.match(run.stderr, new RegExp(`^converted ${doc.plans.length} plans from .* into ${out}$`, 'm'));
    assert.match(run.stderr, /^ {2}sample_spec: /m);
    assert.match(run.stderr, /^ {2}fallback_generalizations: /m);
    assert.match(run.stderr, /^prices left out of converted plans \(\d+\):$/m);

    const valid = await pricetag('validate', out);
    assert.equal(valid.code, 0, valid.stdout);
    // A converted plan prices through the CLI: gpt-4o-mini at LiteLLM's 1.5e-07 / 6e-07 per token.
    const price = await pricetag(
      'price',
      '--json',
      '--no-default',
      '-c',
      out,
      '--plan',
      'litellm/gpt-4o-mini',
      '-u',
      'input_tokens=1000',
      '-u',
      'output_tokens=1000',
    );
    const excerpt = JSON.parse(readFileSync(sample, 'utf8')) as Record<
      string,
      { input_cost_per_token: number; output_cost_per_token: number }
    >;
    assert.ok(excerpt['gpt-4o-mini'], 'the excerpt holds gpt-4o-mini');
    assert.equal(price.code, 0, price.stdout + price.stderr);
    const expected =
      (BigInt(Math.round(excerpt['gpt-4o-mini'].input_cost_per_token * 1e12)) +
        BigInt(Math.round(excerpt['gpt-4o-mini'].output_cost_per_token * 1e12))) *
      1000n;
    assert.equal(JSON.parse(price.stdout).cost, (Number(expected) / 1e12).toString());
  });

  it('writes YAML to stdout when no --out is given', async function () {
    const run = await pricetag('catalog', 'import', '--from', 'litellm', sample);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /^catalog: litellm-import$/m);
  });

  it('refuses bad input with a one-line reason', async function () {
    const notJson = join(dir, 'x.json');
    writeFileSync(notJson, '[1, 2]');
    const array = await pricetag('catalog', 'import', '--from', 'litellm', notJson);
    assert.equal(array.code, 1);
    assert.match(array.stderr, /not a LiteLLM price list/);
    const date = await pricetag('catalog', 'import', '--from', 'litellm', sample, '--as-of', 'yesterday');
    assert.equal(date.code, 2);
    assert.match(date.stderr, /--as-of must be a date/);
    const format = await pricetag('catalog', 'import', '--from', 'openlit', sample);
    assert.equal(format.code, 2);
    assert.match(format.stderr, /Allowed choices are litellm/);
    const missing = await pricetag('catalog', 'import', '--from', 'litellm', join(dir, 'none.json'));
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /cannot read file \(ENOENT\)/);
  });
});
