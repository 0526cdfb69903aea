// The `pricetag` binary as a shell runs it: a separate process writing to real pipes.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pricetag } from '../support/cli.js';

const MAIN = new URL('../../src/cli/main.ts', import.meta.url).pathname;
const packageVersion = (): string =>
  (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the binary; with `closeAfterFirstChunk`, closes its stdout pipe as soon as the first
 * bytes arrive, as `| head -c 10` does.
 */
function runBinary(argv: readonly string[], closeAfterFirstChunk = false): Promise<Exit> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    if (closeAfterFirstChunk) child.stdout.destroy();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** A catalog whose listing is hundreds of KiB, more than a pipe buffers (64 KiB on Linux). */
function bigCatalog(dir: string): string {
  const plans = Array.from({ length: 1000 }, (_, i) => [
    `  - id: bulk/model-${i}`,
    '    provider: bulk',
    '    operations: [chat]',
    `    models: [model-${i}]`,
    '    charges:',
    '      - { unit: input_tokens, rate: 0.15, per: 1000000 }',
    '      - { unit: output_tokens, rate: 0.6, per: 1000000 }',
  ]);
  const file = join(dir, 'big.yaml');
  writeFileSync(file, ['catalog: bulk', 'currency: USD', 'plans:', ...plans.flat(), ''].join('\n'));
  return file;
}

describe('pricetag as a process', function () {
  const dir = mkdtempSync(join(tmpdir(), 'pricetag-process-'));
  after(function () {
    rmSync(dir, { recursive: true, force: true });
  });

  it('ends quietly when the reader closes stdout early, as in `pricetag catalog list | head -c 10`', async function () {
    const catalog = bigCatalog(dir);
    for (const format of [[], ['--json']]) {
      const run = await runBinary(['catalog', 'list', '--all', '--no-default', '-c', catalog, ...format], true);
      // No EPIPE stack trace, nothing at all; 141 (128 + SIGPIPE) shows the pipe did close mid-listing.
      assert.equal(run.stderr, '', `stderr of catalog list ${format.join(' ')}`);
      assert.deepEqual([run.code, run.signal], [141, null], `exit of catalog list ${format.join(' ')}`);
      assert.ok(run.stdout.startsWith(format.length === 0 ? 'PLAN' : '['), run.stdout.slice(0, 80));
    }
  });

  it('prints the version of package.json for --version', async function () {
    const version = packageVersion();
    const run = await runBinary(['--version']);
    assert.deepEqual([run.code, run.stdout, run.stderr], [0, `${version}\n`, '']);
    assert.equal((await pricetag('--version')).stdout, `${version}\n`);
  });

  it('spells the version only in src/version.ts, so a release bumps one place', function () {
    const cli = new URL('../../src/cli/', import.meta.url).pathname;
    const files = readdirSync(cli, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    const version = packageVersion();
    for (const file of files)
      assert.ok(!readFileSync(join(cli, file), 'utf8').includes(`'${version}'`), `src/cli/${file} spells the version ${version}`);
  });
});
