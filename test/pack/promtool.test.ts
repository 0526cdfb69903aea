// The committed rules under promtool (Debian's package, found on PATH): `check rules`, and the
// rule tests of alerts/tests/ (one file per alert or family), which must cover every alert.
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ALERT_NAMES } from '../../src/pack/config.js';
import { hasBinary } from '../support/prometheus.js';

const exec = promisify(execFile);
const root = new URL('../../', import.meta.url).pathname;
const RULES = 'alerts/ai-pricetag.rules.yml';
const TESTS = 'alerts/tests';
const testFiles = readdirSync(join(root, TESTS))
  .filter((f) => /\.ya?ml$/.test(f))
  .sort();

interface PromtoolRun {
  readonly code: number;
  readonly output: string;
}

function requirePromtool(): void {
  assert.ok(hasBinary('promtool'), 'promtool is not on PATH: apt-get install prometheus');
}

async function promtool(...args: string[]): Promise<PromtoolRun> {
  try {
    const { stdout, stderr } = await exec('promtool', args, { cwd: root, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number | string; stdout?: string; stderr?: string; message: string };
    return { code: typeof e.code === 'number' ? e.code : -1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` || e.message };
  }
}

// The files run in parallel (each takes seconds); each test awaits its own file's run.
let runs: Map<string, Promise<PromtoolRun>> | undefined;
function testRun(file: string): Promise<PromtoolRun> {
  runs ??= new Map(testFiles.map((f) => [f, promtool('test', 'rules', join(TESTS, f))]));
  return runs.get(file)!;
}

describe('the Prometheus rules under promtool', function () {
  this.timeout(120_000);

  it(`passes promtool check rules ${RULES}`, async function () {
    requirePromtool();
    const run = await promtool('check', 'rules', RULES);
    assert.equal(run.code, 0, run.output);
    assert.match(run.output, /SUCCESS/);
  });

  it('has rule test files in alerts/tests/', function () {
    assert.ok(testFiles.length > 0, `no *.yml in ${TESTS}`);
  });

  for (const file of testFiles) {
    it(`passes promtool test rules ${TESTS}/${file}`, async function () {
      requirePromtool();
      const run = await testRun(file);
      assert.equal(run.code, 0, `promtool test rules ${TESTS}/${file} failed:\n${run.output}`);
    });
  }

  it('tests every alert of ALERT_NAMES in at least one file', function () {
    const tested = new Set(
      testFiles.flatMap((f) => [...readFileSync(join(root, TESTS, f), 'utf8').matchAll(/^\s*alertname:\s*(\S+)\s*$/gm)].map((m) => m[1])),
    );
    const missing = Object.values(ALERT_NAMES).filter((name) => !tested.has(name));
    assert.deepEqual(missing, [], `alerts without an alert_rule_test in ${TESTS}: ${missing.join(', ')}`);
  });
});
