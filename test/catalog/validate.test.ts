import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCatalogs, validateCatalogFile, validateCatalogValue } from '../../src/catalog/load.js';
import { formatProblem } from '../../src/catalog/problems.js';
import { validateCatalogText } from '../../src/catalog/validate.js';
import { MAX_ALIAS_COUNT } from '../../src/catalog/source.js';
import { fixture, planFromText } from '../support/catalog.js';

const GEMINI_NOTICE = 'provider "google" is deprecated: use "gcp.gemini" (its operation "chat" is "generate_content")';
const MISTRAL_NOTICE = 'provider "mistral" is deprecated: use "mistral_ai" (its operation "chat" is "chat" and "text_completion")';

function problems(text: string, file = 'c.yaml'): string[] {
  const result = validateCatalogText(text, file);
  return result.ok ? [] : result.problems.map(formatProblem);
}

describe('catalog validation', function () {
  it('reports every problem of a file at once, each located as FILE:LINE:COL: path: message', function () {
    const file = fixture('invalid-catalog.yaml');
    const result = validateCatalogFile(file);
    assert.ok(!result.ok);
    assert.deepEqual(result.problems.map(formatProblem), [
      `${file}:9:37: plans[0].charges[0].rate: must be a non-negative decimal`,
      `${file}:10:38: plans[0].charges[1].rate: must be a non-negative decimal`,
      `${file}:11:9: plans[1].id: duplicate plan id "a/one" with effective_from 2024-07-18 (first at plans[0])`,
      `${file}:15:5: plans[1].colour: unknown key`,
      `${file}:22:9: plans[2].tiers[1]: tier "hd" can never match: it follows the default tier "any" (a tier without when)`,
      `${file}:27:36: plans[3].tiers[0].when.size: upto/above need a numeric usage quantity; "size" is a categorical dimension`,
      `${file}:32:21: plans[4].effective_from: must be a date YYYY-MM-DD`,
      `${file}:33:47: plans[4].charges[0].per: must be a positive number`,
      `${file}:34:5: plans[5].id: is required`,
      `${file}:35:17: plans[5].operations: must list at least one operation`,
    ]);
  });

  it('accepts the DESIGN.md example catalog', function () {
    const result = validateCatalogFile(fixture('design-example.yaml'));
    assert.ok(result.ok, result.ok ? '' : result.problems.map(formatProblem).join('\n'));
    assert.equal(result.document.plans.length, 4);
  });

  it('locates problems in JSON catalogs too', function () {
    const json = JSON.stringify(
      {
        catalog: 'j',
        currency: 'usd',
        plans: [{ id: 'x', provider: 'p', operations: ['chat'], charges: [{ unit: 'requests', rate: 'abc' }] }],
      },
      null,
      2,
    );
    assert.deepEqual(problems(json, 'c.json'), [
      'c.json:3:15: currency: must be an ISO 4217 code such as USD',
      'c.json:14:19: plans[0].charges[0].rate: must be a non-negative decimal',
    ]);
  });

  it('names an unreadable file', function () {
    const result = validateCatalogFile('/nonexistent/catalog.yaml');
    assert.ok(!result.ok);
    assert.deepEqual(result.problems.map(formatProblem), ['/nonexistent/catalog.yaml:1:1: $: cannot read file (ENOENT)']);
  });

  it('reports YAML syntax errors and duplicate keys with their position', function () {
    assert.deepEqual(problems('catalog: a\ncurrency: USD\ncurrency: EUR\nplans: []\n'), ['c.yaml:3:1: $: Map keys must be unique']);
    const broken = problems('catalog: a\nplans: [\n');
    assert.equal(broken.length > 0, true);
    assert.match(broken[0]!, /^c\.yaml:\d+:\d+: \$: /);
  });

  it('refuses documents that expand too many aliases', function () {
    const refs = Array.from({ length: MAX_ALIAS_COUNT + 1 }, () => '*x').join(', ');
    const text = `catalog: a\ncurrency: USD\nanchor: &x [1, 2]\nbomb: [${refs}]\nplans: []\n`;
    const [first] = problems(text);
    assert.match(first ?? '', /^c\.yaml:1:1: \$: .*[Aa]lias/);
  });

  it('demands charges or tiers, not both, and rejects a unit charged twice', function () {
    const base = 'catalog: a\ncurrency: USD\nplans:\n  - id: x\n    provider: p\n    operations: [chat]\n';
    assert.deepEqual(problems(base), ['c.yaml:4:5: plans[0]: a plan needs charges or tiers']);
    assert.deepEqual(problems(`${base}    charges: [{ unit: requests, rate: 1 }, { unit: requests, rate: 2 }]\n`), [
      'c.yaml:7:52: plans[0].charges[1].unit: unit "requests" is charged twice in one tier',
    ]);
  });

  it('keeps rates exactly as written, beyond what a double can hold', function () {
    const plan = planFromText(
      'catalog: a\ncurrency: USD\nplans:\n' +
        '  - { id: x, provider: p, operations: [chat], charges: [{ unit: requests, rate: 0.100000000000000000001 }] }\n',
    );
    assert.equal(plan.tiers[0]!.charges[0]!.rate.toFixed(), '0.100000000000000000001');
  });

  describe('deprecated provider ids', function () {
    it('are warnings naming the old and the new id, located; the catalog stays valid', function () {
      const file = fixture('deprecated-provider-ids.yaml');
      const result = validateCatalogFile(file);
      assert.ok(result.ok, result.ok ? '' : result.problems.map(formatProblem).join('\n'));
      assert.deepEqual(result.warnings.map(formatProblem), [
        `${file}:6:15: plans[0].provider: warning: ${GEMINI_NOTICE}`,
        `${file}:14:15: plans[1].provider: warning: ${MISTRAL_NOTICE}`,
        `${file}:21:15: plans[2].provider: warning: provider "google-cloud-vision" is deprecated: use "gcp.vision"`,
      ]);
      assert.ok(result.warnings.every((w) => w.severity === 'warning'));
    });

    it('come with the errors of an invalid catalog without being errors', function () {
      const plan = '{ id: x, provider: azure-openai, operations: [chat], charges: [{ unit: requests, rate: bad }] }';
      const result = validateCatalogText(`catalog: a\ncurrency: USD\nplans:\n  - ${plan}\n`, 'c.yaml');
      assert.ok(!result.ok);
      assert.deepEqual(result.problems.map(formatProblem), ['c.yaml:4:92: plans[0].charges[0].rate: must be a non-negative decimal']);
      assert.deepEqual(result.warnings?.map(formatProblem), [
        'c.yaml:4:24: plans[0].provider: warning: provider "azure-openai" is deprecated: use "azure.ai.openai"',
      ]);
    });

    it('are warned of in catalog documents given as objects too', function () {
      const document = {
        catalog: 'o',
        currency: 'USD',
        plans: [{ id: 'x', provider: 'aws-comprehend', operations: ['sentiment'], charges: [{ unit: 'characters', rate: '1' }] }],
      };
      const result = validateCatalogValue(document, 'inline');
      assert.ok(result.ok);
      assert.deepEqual(result.warnings.map(formatProblem), [
        'inline: plans[0].provider: warning: provider "aws-comprehend" is deprecated: use "aws.comprehend"',
      ]);
    });

    it('price what they priced, under the new ids: Gemini chat is generate_content, Mistral chat covers FIM', function () {
      const loaded = loadCatalogs([fixture('deprecated-provider-ids.yaml')], { includeDefault: false });
      assert.ok(loaded.ok);
      assert.equal(loaded.warnings.length, 3);
      const plan = (id: string) => loaded.pricer.index.plans().find((p) => p.id === id)!;
      assert.deepEqual([plan('acme/gemini-flash').provider, plan('acme/gemini-flash').operations], ['gcp.gemini', ['generate_content']]);
      assert.deepEqual([plan('acme/codestral').provider, plan('acme/codestral').operations], ['mistral_ai', ['chat', 'text_completion']]);
      assert.equal(plan('acme/vision').provider, 'gcp.vision');
      const price = (provider: string, operation: string, model?: string) =>
        loaded.pricer.price({ provider, operation, model, usage: { input_tokens: 1000, images: 1 } });
      assert.equal(price('gcp.gemini', 'generate_content', 'gemini-2.5-flash').priced, true);
      assert.equal(price('mistral_ai', 'text_completion', 'codestral-latest').priced, true);
      assert.equal(price('gcp.vision', 'image_analysis').priced, true);
      // The old ids are catalog input only: calls always carry the new ones.
      assert.equal(price('google', 'chat', 'gemini-2.5-flash').priced, false);
    });

    it('are not in the built-in catalog', function () {
      const result = validateCatalogFile('catalogs/default.yaml');
      assert.ok(result.ok);
      assert.deepEqual(result.warnings, []);
    });
  });

  it('accepts a real file written to disk and reports the file name it was given', function () {
    const dir = mkdtempSync(join(tmpdir(), 'pricetag-'));
    const file = join(dir, 'user.yaml');
    writeFileSync(file, readFileSync(fixture('design-example.yaml'), 'utf8').replace('rate: 0.075', 'rate: "-1"'));
    const result = validateCatalogFile(file);
    assert.ok(!result.ok);
    assert.deepEqual(result.problems.map(formatProblem), [`${file}:13:44: plans[0].charges[1].rate: must be a non-negative decimal`]);
  });
});
