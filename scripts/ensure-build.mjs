// Builds dist/ (npm run build) when it is missing or older than its sources. The package has
// no `prepare` script (npm 11 lists one as an install script in every app that installs the
// package), so `npm run demo` and `npm test` build what they run from a fresh clone.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Written last by the build, so its presence means a complete build. */
const OUTPUT = join(root, 'dist', 'catalog', 'default-catalog.json');
const SOURCES = ['src', 'catalogs/default.yaml', 'tsconfig.json', 'tsconfig.build.json', 'scripts/precompile-catalog.mjs', 'package.json'];

function newestMtime(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

export function ensureBuilt() {
  if (existsSync(OUTPUT)) {
    const built = statSync(OUTPUT).mtimeMs;
    if (SOURCES.every((s) => newestMtime(join(root, s)) <= built)) return;
  }
  process.stderr.write('building dist/ (npm run build)\n');
  const run = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
  if (run.status !== 0) throw new Error(`npm run build failed (exit ${run.status ?? run.signal})`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) ensureBuilt();
