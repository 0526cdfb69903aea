import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FinalSummary } from '../../examples/demo/summary.js';
import { freePort, hasBinary } from '../support/prometheus.js';

const root = new URL('../../', import.meta.url).pathname;

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `npm run demo -- ARGS` as a newcomer runs it (through scripts/demo.mjs), output not a terminal. */
function demo(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  const child = spawn(process.execPath, [join(root, 'scripts/demo.mjs'), ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

const leftovers = () => readdirSync(tmpdir()).filter((f) => /^pricetag-(demo|prometheus|alertmanager)-/.test(f));

/** Every provider family the demo service calls: LLMs and the pay-per-request APIs. */
const FAMILIES = ['openai', 'anthropic', 'gcp.gemini', 'gcp.vision', 'gcp.translate', 'deepl', 'aws.comprehend', 'tavily'];

describe('npm run demo', function () {
  this.timeout(180_000);

  it(
    'runs the scenario end to end in 60 s: spend for every provider family, ' +
      'a visible tier drift, an alert at the webhook, nothing left behind',
    async function () {
      assert.ok(
        hasBinary('prometheus') && hasBinary('prometheus-alertmanager'),
        'prometheus and prometheus-alertmanager must be on PATH (apt-get install prometheus prometheus-alertmanager)',
      );
      const before = leftovers();
      const out = join(mkdtempSync(join(tmpdir(), 'demo-test-')), 'summary.json');
      const run = await demo(['--duration', '60', '--summary-json', out, '--metrics-port', String(await freePort())]);
      assert.equal(run.code, 0, run.stdout.slice(-3000) + run.stderr);
      const summary = JSON.parse(readFileSync(out, 'utf8')) as FinalSummary & { prometheus: boolean; failed: string | null };
      assert.equal(summary.prometheus, true);
      assert.deepEqual(summary.phasesSeen.slice(0, 4), ['steady', 'tier-drift', 'spend-spike', 'unknown-model']);
      for (const family of FAMILIES) {
        const spend = Object.values(summary.spend[family] ?? {});
        assert.ok(spend.length > 0 && spend.every((v) => v > 0), `${family} has non-zero spend: ${JSON.stringify(summary.spend)}`);
      }
      const search = summary.tierMix['tavily/search'];
      assert.ok(search !== undefined, 'tavily/search ran in more than one tier');
      assert.ok(
        (search.recent.advanced ?? 0) - (search.baseline.advanced ?? 0) > 0.4,
        `advanced searches drifted up: ${JSON.stringify(search)}`,
      );
      assert.ok(
        Object.keys(summary.unpriced).some((k) => k.includes('gpt-6-preview') && k.includes('unknown_model')),
        'the unknown model is counted as unpriced',
      );
      assert.ok(summary.alertsReceived.length > 0, `an alert reached the webhook: ${run.stdout.slice(-2000)}`);
      assert.match(run.stdout, /-- alert received by the webhook: Ai[A-Za-z]+/);
      assert.match(run.stdout, /Tier mix: baseline \(steady phase\)/);
      assert.match(run.stdout, /Budgets \(rules time-compressed ×120\):\n\s+demo-monthly\s+burn rate 5m/);
      assert.match(run.stdout, /Open: metrics http:\/\/127\.0\.0\.1:\d+\/metrics\s+Prometheus http:\/\/127\.0\.0\.1:\d+\/alerts/);
      assert.deepEqual(leftovers(), before, 'temporary directories are removed');
    },
  );

  it('without Prometheus on PATH still runs the service and the emulator, and says what to install', async function () {
    // A PATH with node and sh only: no prometheus, no alertmanager.
    const bin = mkdtempSync(join(tmpdir(), 'demo-path-'));
    symlinkSync(process.execPath, join(bin, 'node'));
    symlinkSync('/bin/sh', join(bin, 'sh'));
    const out = join(bin, 'summary.json');
    const run = await demo(['--duration', '8', '--summary-json', out, '--metrics-port', String(await freePort())], {
      ...process.env,
      PATH: bin,
    });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /Prometheus and Alertmanager are not on PATH[^]*sudo apt-get install prometheus prometheus-alertmanager/);
    assert.match(run.stdout, /alerts: not run \(no Prometheus\)/);
    const summary = JSON.parse(readFileSync(out, 'utf8')) as FinalSummary & { prometheus: boolean };
    assert.equal(summary.prometheus, false);
    assert.ok((summary.spend.openai?.USD ?? 0) > 0, 'spend is shown from the service’s own metrics');
  });

  it('stops with a clear message and exit 1 when the metrics port is taken', async function () {
    const http = await import('node:http');
    const server = http.createServer().listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const port = (server.address() as { port: number }).port;
    try {
      const run = await demo(['--duration', '5', '--no-prometheus', '--metrics-port', String(port)]);
      assert.equal(run.code, 1);
      assert.match(run.stderr, new RegExp(`The demo could not start: port ${port} \\(the demo service's metrics\\) is in use`));
    } finally {
      server.close();
    }
  });
});
