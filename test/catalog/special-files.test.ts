// A catalog path that names a FIFO, a directory or a device is refused without being opened (a
// FIFO's open blocks until a writer comes: start-up would hang for ever), with a problem saying
// what the path is, and the other catalogs are used. A hang blocks the whole thread, so the FIFO
// cases run in child processes under a deadline.
import { strict as assert } from 'node:assert';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateCatalogFile } from '../../src/catalog/load.js';
import { readSourceFile } from '../../src/catalog/source.js';

const APP = new URL('../apps/catalogs-app.ts', import.meta.url).pathname;
const CLI = new URL('../../src/cli/main.ts', import.meta.url).pathname;
/** Far beyond a healthy run (about a second), far below for ever. */
const DEADLINE_MS = 30_000;

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs node with tsx; rejects if the process is still running at the deadline (it hung). */
function run(args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', ...args],
      { env: { ...process.env, ...env }, timeout: DEADLINE_MS, killSignal: 'SIGKILL' },
      (error, stdout, stderr) => {
        if (error?.killed === true) reject(new Error(`hung: still running after ${DEADLINE_MS} ms\n${stdout}\n${stderr}`));
        else resolve({ code: typeof error?.code === 'number' ? error.code : error === null ? 0 : null, stdout, stderr });
      },
    );
  });
}

const resultOf = (stdout: string) => {
  const line = stdout.split('\n').find((l) => l.startsWith('result '));
  assert.ok(line !== undefined, stdout);
  return JSON.parse(line.slice('result '.length)) as { invalid: string[]; labels: string[]; cost: string | null };
};

describe('catalog paths that are not regular files', function () {
  this.timeout(4 * DEADLINE_MS);
  let dir: string;
  let fifo: string;
  let good: string;
  let folder: string;

  before(function () {
    if (process.platform === 'win32') this.skip();
    dir = mkdtempSync(join(tmpdir(), 'pricetag-special-'));
    fifo = join(dir, 'prices.yaml');
    // Through sh: mkfifo is a system tool, not a dependency; the path goes in as $0, unquoted by nothing.
    execFileSync('sh', ['-c', 'mkfifo "$0"', fifo]);
    folder = join(dir, 'catalogs.yaml');
    mkdirSync(folder);
    good = join(dir, 'good.yaml');
    const plan = '{ id: fifo-test/chat, provider: fifo-test, operations: [chat], charges: [{ unit: requests, rate: 0.25 }] }';
    writeFileSync(good, `catalog: good-layer\ncurrency: USD\nplans:\n  - ${plan}\n`);
  });
  after(function () {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('says what the path is instead of reading it: a FIFO, a directory, a character device', function () {
    const message = (file: string) => {
      const read = readSourceFile(file);
      return read.ok ? 'read' : read.problems.map((p) => `${p.file}:${p.line}:${p.col}: ${p.message}`).join('\n');
    };
    // In-process only for paths a regression could not hang on: the FIFO was not opened, since this returned.
    assert.equal(message(fifo), `${fifo}:1:1: is a FIFO (named pipe), not a regular file`);
    assert.equal(message(folder), `${folder}:1:1: is a directory, not a regular file`);
    if (existsSync('/dev/null')) assert.equal(message('/dev/null'), '/dev/null:1:1: is a character device, not a regular file');
    assert.equal(message(join(dir, 'missing.yaml')), `${join(dir, 'missing.yaml')}:1:1: cannot read file (ENOENT)`);
    assert.equal(validateCatalogFile(good).ok, true);
  });

  it('instrumentation: a FIFO or a directory in `catalogs` is left out and start-up goes on with the other catalogs', async function () {
    const { stdout } = await run([APP], { CATALOGS: JSON.stringify([fifo, good, folder]), RESULT_PLAN: 'fifo-test/chat' });
    const result = resultOf(stdout);
    assert.deepEqual(result.invalid, [fifo, folder]);
    assert.ok(result.labels.includes('good-layer'), stdout);
    assert.equal(result.cost, '0.25', 'the good catalog prices calls');
    // Said through the diag logger, under the instrumentation's "catalog left out" line.
    assert.match(stdout, new RegExp(`^${fifo}:1:1: \\$: is a FIFO \\(named pipe\\), not a regular file$`, 'm'));
    assert.match(stdout, new RegExp(`^${folder}:1:1: \\$: is a directory, not a regular file$`, 'm'));
  });

  it('instrumentation: the same for PRICETAG_CATALOGS', async function () {
    const { stdout } = await run([APP], { PRICETAG_CATALOGS: `${fifo},${good}`, RESULT_PLAN: 'fifo-test/chat' });
    const result = resultOf(stdout);
    assert.deepEqual(result.invalid, [fifo]);
    assert.equal(result.cost, '0.25');
  });

  it('CLI: validate and --catalog refuse a FIFO at once, naming it', async function () {
    const validate = await run([CLI, 'validate', fifo, good]);
    assert.equal(validate.code, 1, validate.stdout + validate.stderr);
    assert.match(validate.stdout, new RegExp(`^${fifo}:1:1: \\$: is a FIFO \\(named pipe\\), not a regular file$`, 'm'));
    const price = await run([
      CLI,
      'price',
      '--no-default',
      '--catalog',
      good,
      '--catalog',
      fifo,
      '--plan',
      'fifo-test/chat',
      '-u',
      'requests=1',
    ]);
    assert.equal(price.code, 1, price.stdout + price.stderr);
    assert.match(price.stderr, new RegExp(`${fifo}:1:1: \\$: is a FIFO \\(named pipe\\), not a regular file$`, 'm'));
    assert.equal(price.stdout, '');
  });
});
