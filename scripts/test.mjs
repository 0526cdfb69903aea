// `npm test`: type check, lint and format checks, every mocha test with coverage, and the benchmarks in
// quick mode (so they keep running). On a Node older than 22.15 (this repo's
// floor) it provisions Node 24 from the npm registry and runs itself with it.
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBuilt } from './ensure-build.mjs';
import { ensureNode, MIN_NODE, nodeIsSupported } from './ensure-node.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);

function run(cmd, args, env = process.env) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env });
  return r.status ?? 1;
}

if (!nodeIsSupported()) {
  process.stderr.write(`Node ${process.versions.node} is below ${MIN_NODE.join('.')}; running the tests with Node 24 instead.\n`);
  const node = ensureNode(24);
  const env = { ...process.env, PATH: `${dirname(node)}:${process.env.PATH}` };
  process.exit(run(node, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], env));
}

/**
 * Tests run real Prometheus (and, for the pack, promtool and Alertmanager) from Debian's packages;
 * the demo stack's docker-compose.yml is validated with Debian's docker-compose (no engine needed).
 */
const TOOLS = [
  ['prometheus', 'prometheus'],
  ['promtool', 'prometheus'],
  ['prometheus-alertmanager', 'prometheus-alertmanager'],
  ['docker-compose', 'docker-compose'],
];
const onPath = (name) => spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
let missing = TOOLS.filter(([bin]) => !onPath(bin));
if (missing.length > 0 && process.getuid?.() === 0 && onPath('apt-get')) {
  const packages = [...new Set(missing.map(([, pkg]) => pkg))];
  process.stderr.write(`installing ${packages.join(' ')} (Debian packages) for the integration tests\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], { stdio: 'inherit', env });
  missing = TOOLS.filter(([bin]) => !onPath(bin));
}
if (missing.length > 0) {
  process.stderr.write(
    `The integration tests need ${missing.map(([bin]) => bin).join(', ')} on PATH.\n` +
      `Install them (Debian/Ubuntu: sudo apt-get install ${[...new Set(missing.map(([, pkg]) => pkg))].join(' ')}) ` +
      'and run npm test again.\n',
  );
  process.exit(1);
}

process.stderr.write(`ai-pricetag tests on Node ${process.versions.node}\n`);
// The zero-code, demo and package tests run what users run: the built dist/.
ensureBuilt();
const steps = [
  ['type check', bin('tsc'), ['-p', 'tsconfig.json']],
  ['lint (ESLint), format (Prettier) and unused code (knip)', 'npm', ['run', '--silent', 'lint']],
  ['unit and integration tests', bin('c8'), [bin('mocha'), 'test/**/*.test.ts']],
  ['benchmarks (quick mode)', bin('tsx'), ['bench/run.ts', '--quick', '--no-write']],
];
for (const [name, cmd, args] of steps) {
  process.stderr.write(`\n== ${name}\n`);
  const status = run(cmd, args);
  if (status !== 0) {
    process.stderr.write(`\n${name} failed (exit ${status})\n`);
    process.exit(status);
  }
}
