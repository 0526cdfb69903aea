/**
 * The package as users install and start it: `npm pack` of this checkout installed into
 * fresh apps (scripts/packed-install.mjs), then
 * - footprint: node_modules on disk for the core beside @opentelemetry/api (an app with its
 *   own SDK), and with the zero-code entry's optional peers; baseline: @opentelemetry/api alone;
 * - start-up: `node --import ai-pricetag/register -e 0` and a bare `import('ai-pricetag')`,
 *   each process timed whole, alternated round by round with `node -e 0` (the baseline).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { summarize } from './harness.js';
import type { Row } from './row.js';
import { REPO_ROOT } from './support/paths.js';

type PackedInstall = typeof import('../scripts/packed-install.mjs');

const CORE_FOOTPRINT_GOAL = 15e6;
const STARTUP_GOAL_NS = 250e6;

function timeProcess(cwd: string, args: string[], env: NodeJS.ProcessEnv): number {
  const t0 = process.hrtime.bigint();
  const run = spawnSync(process.execPath, args, { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
  const ns = Number(process.hrtime.bigint() - t0);
  if (run.status !== 0) throw new Error(`${args.join(' ')} failed: ${run.stderr.toString()}`);
  return ns;
}

export async function packageBenchmarks(quick: boolean): Promise<Row[]> {
  // Not compiled into the bench's tree: loaded from the checkout.
  const { installInto, packTarball, peerSpec, ZERO_CODE_PEERS } = (await import(
    pathToFileURL(join(REPO_ROOT, 'scripts', 'packed-install.mjs')).href
  )) as PackedInstall;
  const scratch = mkdtempSync(join(tmpdir(), 'pricetag-bench-package-'));
  try {
    const tarball = packTarball(scratch);
    const api = installInto([peerSpec('@opentelemetry/api')], mkdtempSync(join(scratch, 'api-')));
    const core = installInto([tarball, peerSpec('@opentelemetry/api')], mkdtempSync(join(scratch, 'core-')));
    const zero = installInto(
      [tarball, peerSpec('@opentelemetry/api'), ...ZERO_CODE_PEERS.map(peerSpec)],
      mkdtempSync(join(scratch, 'zero-')),
    );
    const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
    const scripts = (a: typeof core) =>
      a.installScripts.length === 0 ? 'no install scripts' : `install scripts: ${a.installScripts.join(', ')}`;
    const rows: Row[] = [
      {
        name: 'footprint: ai-pricetag + @opentelemetry/api (own SDK)',
        baseline: summarize('@opentelemetry/api alone', [api.diskBytes], 'bytes'),
        ours: summarize('ai-pricetag + api', [core.diskBytes], 'bytes'),
        note: `${mb(core.diskBytes)} on disk, ${core.packages.length} packages, ${scripts(core)}`,
        goal: { text: '≤ 15 MB, no install scripts', met: core.diskBytes <= CORE_FOOTPRINT_GOAL && core.installScripts.length === 0 },
      },
      {
        name: 'footprint: zero-code (with its optional peers)',
        baseline: summarize('@opentelemetry/api alone', [api.diskBytes], 'bytes'),
        ours: summarize('ai-pricetag + api + peers', [zero.diskBytes], 'bytes'),
        note: `${mb(zero.diskBytes)} on disk, ${zero.packages.length} packages, ${scripts(zero)}`,
      },
    ];

    // The metrics endpoint on an ephemeral port, so that rounds never collide on 9464.
    // PRICETAG_SDK=own: the SDK is built before `-e 0` runs (by default it would be built after
    // start-up, which `-e 0` never reaches), so the figure includes all of it.
    const env = {
      ...process.env,
      OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
      OTEL_EXPORTER_PROMETHEUS_PORT: '0',
      PRICETAG_SDK: 'own',
      NODE_OPTIONS: '',
    };
    const rounds = quick ? 2 : 21;
    const bare: number[] = [];
    const register: number[] = [];
    const imported: number[] = [];
    for (let i = 0; i < rounds + 1; i++) {
      const b = timeProcess(zero.dir, ['-e', '0'], env);
      const r = timeProcess(zero.dir, ['--import', 'ai-pricetag/register', '-e', '0'], env);
      const m = timeProcess(core.dir, ['--input-type=module', '-e', "await import('ai-pricetag')"], env);
      // The first round warms the file system cache.
      if (i === 0) continue;
      bare.push(b);
      register.push(r);
      imported.push(m);
    }
    const baseline = summarize('node -e 0', bare);
    const registerRow = summarize('node --import ai-pricetag/register -e 0', register);
    const added = registerRow.median - baseline.median;
    rows.push({
      name: 'start-up: --import ai-pricetag/register',
      baseline,
      ours: registerRow,
      note: `adds ${(added / 1e6).toFixed(0)} ms (Prometheus pull, the default)`,
      goal: { text: 'adds ≤ 250 ms', met: added <= STARTUP_GOAL_NS },
    });
    const importRow = summarize("import('ai-pricetag')", imported);
    rows.push({
      name: "start-up: import('ai-pricetag') (core)",
      baseline,
      ours: importRow,
      note: `adds ${((importRow.median - baseline.median) / 1e6).toFixed(0)} ms`,
    });
    return rows;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
