import { strict as assert } from 'node:assert';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BURN_RATE_WINDOWS, DEFAULT_ALERTS } from '../../src/pack/config.js';
import { DASHBOARDS, generateDashboards, renderDashboard } from '../../src/pack/dashboards/index.js';
import { pricetag } from '../support/cli.js';
import { allPanels, committedDashboards, type DashboardJson, type PanelJson } from './support.js';

const steps = (panel: PanelJson | undefined) =>
  (panel?.fieldConfig?.defaults?.thresholds?.steps ?? []).flatMap((s) => (s.value === null ? [] : [s.value]));
const panel = (d: DashboardJson, title: RegExp) => allPanels(d).find((p) => title.test(p.title ?? ''));
const read = (dir: string) =>
  new Map(
    readdirSync(dir)
      .sort()
      .map((f) => [f, readFileSync(join(dir, f), 'utf8')]),
  );

describe('dashboards: generated from code, committed as JSON', function () {
  let dir: string;
  beforeEach(function () {
    dir = mkdtempSync(join(tmpdir(), 'pricetag-dashboards-'));
  });
  afterEach(function () {
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every committed dashboards/*.json equal to what the generator writes', function () {
    const fresh = new Map(generateDashboards().map((d) => [d.file, renderDashboard(d.dashboard)]));
    const committed = committedDashboards();
    assert.deepEqual(
      [...committed.keys()],
      [...fresh.keys()].sort(),
      'dashboards/ holds other files than the generator writes: run npm run build:dashboards',
    );
    for (const [file, text] of fresh) {
      assert.ok(committed.get(file)?.text === text, `dashboards/${file} is stale: run npm run build:dashboards`);
    }
  });

  it('writes the same files with pricetag dashboards --out DIR', async function () {
    const run = await pricetag('dashboards', '--out', dir);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /^wrote 5 dashboards to /);
    const committed = committedDashboards();
    const written = read(dir);
    assert.deepEqual([...written.keys()], [...committed.keys()]);
    for (const [file, text] of written) assert.equal(text, committed.get(file)?.text, file);
  });

  it('prints the dashboards as one JSON array without --out', async function () {
    const run = await pricetag('dashboards');
    assert.equal(run.code, 0, run.stderr);
    const printed = JSON.parse(run.stdout) as DashboardJson[];
    assert.deepEqual(
      printed.map((d) => d.uid),
      Object.values(DASHBOARDS).map((d) => d.uid),
    );
  });

  it('draws the burn-rate thresholds of the pack configuration on the budget panels', function () {
    const budgets = generateDashboards().find((d) => d.uid === DASHBOARDS.budgets.uid)!.dashboard as unknown as DashboardJson;
    const factors = (severity: string) =>
      BURN_RATE_WINDOWS.filter((w) => w.severity === severity)
        .map((w) => w.factor)
        .sort((a, b) => a - b);
    assert.deepEqual(steps(panel(budgets, /^Fast burn/)), factors('critical'));
    assert.deepEqual(steps(panel(budgets, /^Slow burn/)), factors('warning'));
    assert.deepEqual(
      steps(panel(budgets, /^Burn rate over/)),
      [...new Set(BURN_RATE_WINDOWS.map((w) => w.factor))].sort((a, b) => a - b),
    );
  });

  it('draws the drift thresholds of the defaults, or of the budgets file given with --budgets', async function () {
    const tierDrift = (d: readonly DashboardJson[]) => d.find((x) => x.uid === DASHBOARDS.tierDrift.uid)!;
    const defaults = tierDrift(generateDashboards().map((d) => d.dashboard as unknown as DashboardJson));
    assert.deepEqual(steps(panel(defaults, /^Tier drift distance/)), [DEFAULT_ALERTS.tier_drift.threshold]);
    assert.deepEqual(steps(panel(defaults, /recent over baseline/)), [DEFAULT_ALERTS.cost_per_request_drift.ratio]);
    assert.deepEqual(steps(panel(defaults, /^Calls per hour/)), [DEFAULT_ALERTS.tier_drift.min_requests_per_hour]);

    const file = join(dir, 'budgets.yaml');
    writeFileSync(
      file,
      'budgets:\n  - { name: b, amount: 10, currency: USD, window: 7d }\n' +
        'alerts:\n  tier_drift: { threshold: 0.35, min_requests_per_hour: 10 }\n  cost_per_request_drift: { ratio: 2 }\n',
    );
    const run = await pricetag('dashboards', '--budgets', file);
    assert.equal(run.code, 0, run.stderr);
    const custom = tierDrift(JSON.parse(run.stdout) as DashboardJson[]);
    assert.deepEqual(steps(panel(custom, /^Tier drift distance/)), [0.35]);
    assert.deepEqual(steps(panel(custom, /recent over baseline/)), [2]);
    assert.deepEqual(steps(panel(custom, /^Calls per hour/)), [10]);
  });

  it('reports an invalid budgets file as FILE:LINE:COL problems, exit 1', async function () {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'budgets:\n  - { name: b, amount: -1, currency: USD, window: 7d }\n');
    const run = await pricetag('dashboards', '--budgets', file);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /bad\.yaml:2:\d+: budgets\[0\]\.amount: must be a positive number/);
  });
});
