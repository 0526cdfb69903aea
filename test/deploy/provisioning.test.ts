// The demo stack's tests need docker-compose (Debian's package). `npm test` (scripts/test.mjs) and
// CI (.ci/run) install it when it is missing, as they do Prometheus, or say what to install.
// Each runs here with PATH narrowed to a folder of stand-ins, so nothing is really installed.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root } from './stack.js';

const OTHER_TOOLS = ['prometheus', 'promtool', 'prometheus-alertmanager'];

/** A PATH folder with `sh`, the given tools as no-op stand-ins and, if asked, an `apt-get` that logs its arguments. */
function fakePath(tools: readonly string[], withAptGet: boolean): { bin: string; aptLog: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'pricetag-provisioning-'));
  const bin = join(dir, 'bin');
  const aptLog = join(dir, 'apt-get.log');
  mkdirSync(bin);
  symlinkSync('/bin/sh', join(bin, 'sh'));
  const script = (name: string, body: string) => {
    writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  };
  for (const tool of tools) script(tool, 'echo "$0 1.0"');
  if (withAptGet) script('apt-get', `echo "$@" >> '${aptLog}'`);
  return { bin, aptLog, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

const aptCalls = (log: string) => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []);

describe('provisioning docker-compose for the deploy tests', function () {
  this.timeout(30_000);

  describe('npm test (scripts/test.mjs)', function () {
    // It exits before running anything when a tool is still missing, which every case here ensures.
    const testScript = (bin: string) =>
      spawnSync(process.execPath, [join(root, 'scripts/test.mjs')], {
        cwd: root,
        encoding: 'utf8',
        env: { PATH: bin, HOME: tmpdir() },
        timeout: 20_000,
      });

    it('says to install docker-compose when it is missing and cannot be installed', function () {
      const path = fakePath(OTHER_TOOLS, false);
      try {
        const run = testScript(path.bin);
        assert.equal(run.status, 1, run.stderr);
        assert.match(run.stderr, /need docker-compose on PATH/);
        assert.match(run.stderr, /apt-get install docker-compose\)/);
      } finally {
        path.cleanup();
      }
    });

    it('installs docker-compose with apt-get when run as root', function () {
      if (process.getuid?.() !== 0) this.skip();
      const path = fakePath(OTHER_TOOLS, true);
      try {
        const run = testScript(path.bin);
        assert.deepEqual(aptCalls(path.aptLog), ['update -qq', 'install -y -qq --no-install-recommends docker-compose']);
        assert.equal(run.status, 1, 'the stand-in apt-get installed nothing, so it still reports the missing tool');
        assert.match(run.stderr, /installing docker-compose \(Debian packages\)/);
      } finally {
        path.cleanup();
      }
    });
  });

  describe('CI (.ci/run)', function () {
    /** The provisioning step of .ci/run: from the first `if ! command -v` to its `fi`. */
    function provisioningStep(): string {
      const lines = readFileSync(join(root, '.ci/run'), 'utf8').split('\n');
      const start = lines.findIndex((l) => /^if .*command -v/.test(l));
      const end = lines.findIndex((l, i) => i > start && l === 'fi');
      assert.ok(start >= 0 && end > start, '.ci/run has an `if ! command -v … fi` provisioning step');
      return lines.slice(start, end + 1).join('\n');
    }
    const runStep = (bin: string) =>
      spawnSync('/bin/bash', ['-c', `set -euo pipefail\n${provisioningStep()}`], { encoding: 'utf8', env: { PATH: bin } });

    it('installs docker-compose with the other Debian packages when it is missing', function () {
      const path = fakePath(OTHER_TOOLS, true);
      try {
        const run = runStep(path.bin);
        assert.equal(run.status, 0, run.stderr);
        const install = aptCalls(path.aptLog).find((c) => c.startsWith('install '));
        assert.ok(install?.split(' ').includes('docker-compose'), `apt-get ${install}`);
      } finally {
        path.cleanup();
      }
    });

    it('installs nothing when every tool is there', function () {
      const path = fakePath([...OTHER_TOOLS, 'docker-compose'], true);
      try {
        const run = runStep(path.bin);
        assert.equal(run.status, 0, run.stderr);
        assert.deepEqual(aptCalls(path.aptLog), []);
      } finally {
        path.cleanup();
      }
    });
  });
});
