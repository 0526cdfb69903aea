import { strict as assert } from 'node:assert';
import { fixture } from '../support/catalog.js';
import { pricetag } from '../support/cli.js';

const design = fixture('design-example.yaml');
const json = async (...argv: string[]) => {
  const run = await pricetag('price', '--catalog', design, '--no-default', '--json', ...argv);
  return { code: run.code, body: JSON.parse(run.stdout) as Record<string, unknown>, stderr: run.stderr };
};

describe('pricetag price', function () {
  it('prices the DESIGN.md token example with the JSON contract', async function () {
    const { code, body } = await json(
      '--provider',
      'openai',
      '--model',
      'gpt-4o-mini',
      '--operation',
      'chat',
      '--usage',
      'input_tokens=1200',
    );
    assert.equal(code, 0);
    assert.deepEqual(body, {
      plan: 'openai/gpt-4o-mini',
      provider: 'openai',
      pricing_model: 'per_token',
      tier: 'standard',
      currency: 'USD',
      cost: '0.00018',
      breakdown: [
        { unit: 'input_tokens', quantity: 1200, billed: 1200, rate: '0.15', per: 1000000, amount: '0.00018' },
        { unit: 'cached_input_tokens', quantity: 0, billed: 0, rate: '0.075', per: 1000000, amount: '0' },
        { unit: 'output_tokens', quantity: 0, billed: 0, rate: '0.6', per: 1000000, amount: '0' },
      ],
    });
  });

  it('prices by plan id with a dimension (Tavily advanced search)', async function () {
    const { code, body } = await json('--plan', 'tavily/search', '--dim', 'search_depth=advanced');
    assert.equal(code, 0);
    assert.equal(body.tier, 'advanced');
    assert.equal(body.pricing_model, 'per_request');
    assert.equal(body.cost, '0.016');
  });

  it('bills AWS Comprehend in 100-character units with a 3-unit minimum', async function () {
    const { body } = await json('--provider', 'aws.comprehend', '--operation', 'sentiment', '--usage', 'characters=250');
    assert.equal(body.cost, '0.0003');
    assert.deepEqual(body.breakdown, [{ unit: 'characters', quantity: 250, billed: 300, rate: '0.0001', per: 100, amount: '0.0003' }]);
    const big = await json('--provider', 'aws.comprehend', '--operation', 'sentiment', '--usage', 'characters=1234');
    assert.equal(big.body.cost, '0.0013');
  });

  it('selects the Gemini long-context tier above 200k input tokens', async function () {
    const { body } = await json(
      '--provider',
      'gcp.gemini',
      '--model',
      'gemini-2.5-pro',
      '--operation',
      'generate_content',
      '--usage',
      'input_tokens=250000',
      '--usage',
      'output_tokens=2000',
    );
    assert.equal(body.tier, 'long-context');
    assert.equal(body.cost, '0.655');
  });

  it('takes a deprecated --provider for its replacement (Gemini chat is generate_content), with a warning', async function () {
    const argv = ['--model', 'gemini-2.5-pro', '--operation', 'chat', '--usage', 'input_tokens=250000', '--usage', 'output_tokens=2000'];
    const { code, body, stderr } = await json('--provider', 'google', ...argv);
    assert.equal(code, 0);
    assert.deepEqual([body.provider, body.tier, body.cost], ['gcp.gemini', 'long-context', '0.655']);
    assert.equal(
      stderr,
      'pricetag: warning: --provider: provider "google" is deprecated: use "gcp.gemini" (its operation "chat" is "generate_content")\n',
    );
  });

  it('exits 3 with the reason when the call cannot be priced', async function () {
    const unknown = await json('--provider', 'openai', '--model', 'gpt-99', '--operation', 'chat', '--usage', 'input_tokens=1');
    assert.equal(unknown.code, 3);
    assert.deepEqual(unknown.body, { unpriced: true, reason: 'unknown_model' });
    const noPlan = await json('--provider', 'nobody', '--operation', 'chat', '--model', 'x');
    assert.deepEqual([noPlan.code, noPlan.body], [3, { unpriced: true, reason: 'no_plan' }]);
    const noTier = await json('--plan', 'tavily/search', '--dim', 'search_depth=ultra');
    assert.deepEqual([noTier.code, noTier.body], [3, { unpriced: true, reason: 'no_tier' }]);
  });

  it('prices with the plan in force at --at', async function () {
    const before = await json('--provider', 'openai', '--model', 'gpt-4o-mini', '--operation', 'chat', '--at', '2024-07-17');
    assert.deepEqual([before.code, before.body], [3, { unpriced: true, reason: 'no_plan' }]);
    const after = await json(
      '--provider',
      'openai',
      '--model',
      'gpt-4o-mini',
      '--operation',
      'chat',
      '--at',
      '2024-07-18',
      '--usage',
      'output_tokens=1000000',
    );
    assert.equal(after.body.cost, '0.6');
  });

  it('prints a readable breakdown without --json', async function () {
    const run = await pricetag('price', '-c', design, '--no-default', '--plan', 'aws/comprehend-sentiment', '-u', 'characters=250');
    assert.equal(run.code, 0);
    assert.match(run.stdout, /^plan {5}aws\/comprehend-sentiment \(aws\.comprehend, catalog acme-2026-11\)$/m);
    assert.match(run.stdout, /^cost {5}0\.0003 USD$/m);
    assert.match(run.stdout, /characters +300 \(used 250\) × 0\.0001 \/ 100 = 0\.0003/);
  });

  it('rejects bad usage with exit 2 and a one-line reason', async function () {
    const run = await pricetag('price', '--no-default', '-c', design, '--plan', 'tavily/search', '--usage', 'requests=-1');
    assert.equal(run.code, 2);
    assert.equal(run.stderr, 'pricetag: --usage requests: "-1" is not a non-negative number\n');
    const both = await pricetag('price', '--plan', 'x', '--provider', 'y');
    assert.equal(both.code, 2);
    assert.match(both.stderr, /either --plan ID or --provider/);
    const date = await pricetag('price', '--plan', 'x', '--at', '2024-13-01');
    assert.equal(date.code, 2);
  });

  it('exits 1 and lists the located problems when a catalog is invalid', async function () {
    const run = await pricetag('price', '-c', fixture('invalid-catalog.yaml'), '--plan', 'a/one');
    assert.equal(run.code, 1);
    assert.match(run.stderr, /invalid-catalog\.yaml:9:37: plans\[0\]\.charges\[0\]\.rate: must be a non-negative decimal/);
  });

  it('layers a user catalog over the built-in default', async function () {
    const withDefault = await pricetag('price', '--json', '--provider', 'tavily', '--operation', 'search', '--dim', 'search_depth=basic');
    assert.equal(withDefault.code, 0, withDefault.stderr);
    assert.equal(JSON.parse(withDefault.stdout).plan, 'tavily/search');
  });
});
