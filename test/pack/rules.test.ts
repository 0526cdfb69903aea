import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { formatProblem } from '../../src/catalog/problems.js';
import { loadBudgetsFile, validateBudgetsText } from '../../src/pack/budgets.js';
import { ALERT_NAMES } from '../../src/pack/config.js';
import { formatDuration, parseDuration } from '../../src/pack/duration.js';
import { generateRules, renderRules, type AlertingRule, type RulesFile } from '../../src/pack/rules.js';
import { pricetag } from '../support/cli.js';

const root = new URL('../../', import.meta.url).pathname;
const example = `${root}alerts/budgets.example.yaml`;
const committed = `${root}alerts/ai-pricetag.rules.yml`;

function exampleRules(timeScale = 1): RulesFile {
  const loaded = loadBudgetsFile(example);
  assert.ok(loaded.ok, loaded.ok ? '' : loaded.problems.map(formatProblem).join('\n'));
  return generateRules(loaded.config, { timeScale });
}

const alerts = (rules: RulesFile) => rules.groups.flatMap((g) => g.rules).filter((r): r is AlertingRule => 'alert' in r);

describe('pricetag rules', function () {
  it('keeps the committed pack equal to what the generator writes for the example budgets', async function () {
    const run = await pricetag('rules', '--budgets', 'alerts/budgets.example.yaml');
    assert.equal(run.code, 0, run.stderr);
    assert.equal(readFileSync(committed, 'utf8'), run.stdout, 'alerts/ai-pricetag.rules.yml is stale: run npm run build:rules');
  });

  it('ships every alert of DESIGN.md with severity, summary, description and a runbook anchor', function () {
    const all = alerts(exampleRules());
    assert.deepEqual(new Set(all.map((a) => a.alert)), new Set(Object.values(ALERT_NAMES)));
    for (const a of all) {
      assert.match(a.labels.severity ?? '', /^(critical|warning)$/, a.alert);
      assert.ok(a.annotations.summary && a.annotations.description, a.alert);
      assert.equal(a.annotations.runbook_url?.split('#')[1], a.alert.toLowerCase());
      assert.match(a.alert, /^Ai[A-Z][A-Za-z]+$/);
    }
    const runbook = readFileSync(`${root}docs/runbook.md`, 'utf8');
    for (const name of Object.values(ALERT_NAMES)) assert.match(runbook, new RegExp(`^## ${name}$`, 'm'), `docs/runbook.md has a section for ${name}`);
  });

  it('names recording rules level:metric:operations', function () {
    const records = exampleRules().groups.flatMap((g) => g.rules).filter((r) => 'record' in r);
    for (const r of records) assert.match((r as { record: string }).record, /^[a-z_]+:[a-z_]+:[a-z0-9_]+$/);
  });

  it('scales budget windows to each budget: a 7-day budget watches ranges 7/30 as long', function () {
    const text = renderRules(exampleRules(), 'x');
    assert.match(text, /record: budget:ai_cost:rate1h\n\s+expr: sum\(rate\(ai_cost_total\{job="search-api",gen_ai_provider_name="tavily",ai_cost_currency="USD"\}\[14m\]\)\)/);
    assert.match(text, /record: budget:ai_cost:rate1h\n\s+expr: sum\(rate\(ai_cost_total\{ai_cost_currency="USD"\}\[1h\]\)\)/);
  });

  it('divides every range and for: by --time-scale, and passes promtool check rules', async function () {
    const dir = mkdtempSync(join(tmpdir(), 'pricetag-rules-'));
    const out = join(dir, 'scaled.yml');
    const run = await pricetag('rules', '--budgets', example, '--out', out, '--time-scale', '60');
    assert.equal(run.code, 0, run.stderr);
    const scaled = parse(readFileSync(out, 'utf8')) as RulesFile;
    const plain = exampleRules();
    const forOf = (f: RulesFile, name: string) => alerts(f).find((a) => a.alert === name && a.labels.budget === 'total-monthly')!.for;
    assert.equal(parseDuration(forOf(plain, ALERT_NAMES.burnRateWarning)) / 60, parseDuration(forOf(scaled, ALERT_NAMES.burnRateWarning)));
    assert.match(readFileSync(out, 'utf8'), /\[1m\]\)\)\n/, 'the 1h window becomes 1m');
    const check = spawnSync('promtool', ['check', 'rules', out, committed], { encoding: 'utf8' });
    assert.equal(check.status, 0, check.stdout + check.stderr);
  });

  it('reports every problem of a budgets file with its location', async function () {
    const dir = mkdtempSync(join(tmpdir(), 'pricetag-budgets-'));
    const bad = join(dir, 'budgets.yaml');
    writeFileSync(
      bad,
      'budgets:\n  - name: a\n    amount: -5\n    currency: usd\n    window: 30days\n    colour: red\n  - name: a\n    amount: 1\n    currency: EUR\n    window: 7d\nalerts:\n  tier_drift: { threshold: 2 }\n',
    );
    const run = await pricetag('rules', '--budgets', bad);
    assert.equal(run.code, 1);
    assert.deepEqual(run.stderr.trim().split('\n'), [
      `pricetag: ${bad}:3:13: budgets[0].amount: must be a positive number`,
      `${bad}:4:15: budgets[0].currency: must be an ISO 4217 code such as USD`,
      `${bad}:5:13: budgets[0].window: must be a duration such as 30d, 6h or 15m`,
      `${bad}:6:5: budgets[0].colour: unknown key`,
      `${bad}:7:11: budgets[1].name: duplicate budget name "a" (first at budgets[0])`,
      `${bad}:12:28: alerts.tier_drift.threshold: must be between 0 and 1`,
    ]);
    const dup = validateBudgetsText('budgets:\n  - { name: a, amount: 1, currency: USD, window: 1d }\n  - { name: a, amount: 2, currency: USD, window: 1d }\n', 'b.yaml');
    assert.ok(!dup.ok);
    assert.deepEqual(dup.problems.map(formatProblem), ['b.yaml:3:13: budgets[1].name: duplicate budget name "a" (first at budgets[0])']);
  });

  it('formats and parses Prometheus durations', function () {
    assert.equal(formatDuration(5400), '1h30m');
    assert.equal(formatDuration(parseDuration('7d') / 720), '14m');
    assert.equal(formatDuration(0.2), '1s');
    assert.ok(Number.isNaN(parseDuration('3 days')));
  });
});
