import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliError, EXIT, onUserPath } from '../../src/cli/io.js';
import { ensureBuilt } from '../../scripts/ensure-build.mjs';
import { pricetag } from '../support/cli.js';

const BUDGETS = new URL('../../alerts/budgets.example.yaml', import.meta.url).pathname;
const BUILT_CLI = new URL('../../dist/cli/main.js', import.meta.url).pathname;
/** The uid and gid of `nobody` on Debian. */
const NOBODY = 65534;
const LITELLM = JSON.stringify({
  'gpt-x': { litellm_provider: 'openai', mode: 'chat', input_cost_per_token: 1e-6, output_cost_per_token: 2e-6 },
});

describe('pricetag and the files it is given', function () {
  const dir = mkdtempSync(join(tmpdir(), 'pricetag-files-'));
  const file = join(dir, 'regular-file');
  writeFileSync(file, 'not a directory\n');
  const litellm = join(dir, 'litellm.json');
  writeFileSync(litellm, LITELLM);
  after(function () {
    rmSync(dir, { recursive: true, force: true });
  });

  it('says in one line, exit 1, that dashboards --out below a regular file is not a directory', async function () {
    const run = await pricetag('dashboards', '--out', join(file, 'sub'));
    assert.deepEqual(run, {
      code: EXIT.invalid,
      stdout: '',
      stderr: `pricetag: cannot write dashboards to ${join(file, 'sub')}: not a directory\n`,
    });
  });

  it('says why dashboards --out cannot be a file, or hold a directory in place of a dashboard', async function () {
    const onFile = await pricetag('dashboards', '--out', file);
    assert.deepEqual([onFile.code, onFile.stderr], [EXIT.invalid, `pricetag: cannot write dashboards to ${file}: file already exists\n`]);

    const out = join(dir, 'dashboards');
    mkdirSync(join(out, 'ai-pricetag-spend.json'), { recursive: true });
    const inDir = await pricetag('dashboards', '--out', out);
    assert.deepEqual(
      [inDir.code, inDir.stderr],
      [EXIT.invalid, `pricetag: cannot write dashboards to ${out}: ${join(out, 'ai-pricetag-spend.json')}: is a directory\n`],
    );
  });

  it('says in one line, exit 1, why rules --out cannot be written', async function () {
    const below = await pricetag('rules', '--budgets', BUDGETS, '--out', join(file, 'rules.yml'));
    assert.deepEqual(below, {
      code: EXIT.invalid,
      stdout: '',
      stderr: `pricetag: cannot write rules to ${join(file, 'rules.yml')}: not a directory\n`,
    });
    const onDir = await pricetag('rules', '--budgets', BUDGETS, '--out', dir);
    assert.deepEqual([onDir.code, onDir.stderr], [EXIT.invalid, `pricetag: cannot write rules to ${dir}: is a directory\n`]);
  });

  it('says in one line, exit 1, why catalog import --out cannot be written', async function () {
    const out = join(dir, 'missing-dir', 'catalog.yaml');
    const run = await pricetag('catalog', 'import', '--from', 'litellm', litellm, '--out', out);
    assert.deepEqual(run, {
      code: EXIT.invalid,
      stdout: '',
      stderr: `pricetag: cannot write the catalog to ${out}: no such file or directory\n`,
    });
  });

  it('says permission denied for an --out in a read-only directory', async function () {
    const readOnly = join(dir, 'read-only');
    mkdirSync(readOnly);
    chmodSync(readOnly, 0o555);
    const out = join(readOnly, 'rules.yml');
    const args = ['rules', '--budgets', BUDGETS, '--out', out];
    let run: { code: number | null; stderr: string };
    if (process.getuid?.() === 0) {
      // Root writes anywhere: the built CLI runs as nobody instead, as a user would meet it.
      ensureBuilt();
      chmodSync(dir, 0o755);
      // Node hands c8's NODE_V8_COVERAGE on to children: point it where nobody may write.
      const coverage = join(dir, 'coverage-of-nobody');
      mkdirSync(coverage, { mode: 0o777 });
      chmodSync(coverage, 0o777);
      const env = { ...process.env, NODE_V8_COVERAGE: coverage };
      const child = spawnSync(process.execPath, [BUILT_CLI, ...args], { uid: NOBODY, gid: NOBODY, encoding: 'utf8', env });
      run = { code: child.status, stderr: child.stderr };
    } else run = await pricetag(...args);
    assert.deepEqual([run.code, run.stderr], [EXIT.invalid, `pricetag: cannot write rules to ${out}: permission denied\n`]);
  });

  it('still writes where it can', async function () {
    const out = join(dir, 'ok.yml');
    assert.equal((await pricetag('rules', '--budgets', BUDGETS, '--out', out)).code, EXIT.ok);
    assert.match(readFileSync(out, 'utf8'), /groups:/);
  });

  it('reports an input file it cannot read in one line, exit 1', async function () {
    const missing = join(dir, 'missing');
    const runs = [
      await pricetag('rules', '--budgets', missing),
      await pricetag('dashboards', '--budgets', missing),
      await pricetag('simulate', '--usage-log', missing),
      await pricetag('catalog', 'list', '-c', missing),
      await pricetag('price', '-c', missing, '--plan', 'openai/gpt-4o-mini'),
      await pricetag('catalog', 'import', '--from', 'litellm', missing),
    ];
    for (const run of runs) {
      assert.equal(run.code, EXIT.invalid, run.stderr);
      assert.match(run.stderr, new RegExp(`^pricetag: ${missing}\\b.*\\(ENOENT\\)\\n$`));
    }
  });

  it('turns only file system errors into user errors, in the words of the system', function () {
    const userError = (message: string) => (err: unknown) =>
      err instanceof CliError && err.exitCode === EXIT.invalid && err.message === message;
    const denied = Object.assign(new Error('EACCES: permission denied, open'), {
      code: 'EACCES',
      errno: -13,
      syscall: 'open',
      path: 'out.yml',
    });
    assert.throws(
      () =>
        onUserPath('write rules to', 'out.yml', () => {
          throw denied;
        }),
      userError('cannot write rules to out.yml: permission denied'),
    );
    const unknown = Object.assign(new Error('odd'), { code: 'EODD', errno: -99999, syscall: 'open' });
    assert.throws(
      () =>
        onUserPath('write rules to', 'out.yml', () => {
          throw unknown;
        }),
      userError('cannot write rules to out.yml: EODD'),
    );

    const bug = new TypeError('x is undefined');
    assert.throws(
      () =>
        onUserPath('write rules to', 'out.yml', () => {
          throw bug;
        }),
      (err) => err === bug,
    );
  });
});
