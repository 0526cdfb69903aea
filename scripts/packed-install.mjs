// The package as users get it: `npm pack` of this checkout, installed into a fresh directory
// with plain `npm install`, measured the way a user would look at it (disk usage of
// node_modules, packages, install scripts). Shared by test/package/install.test.ts and the
// benchmarks' package section. Usage: node scripts/packed-install.mjs [PACKAGE…]
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBuilt } from './ensure-build.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
/** `name@range` as package.json's peerDependencies give it, so that a stale cache cannot pick another major. */
export const peerSpec = (name) => `${name}@${manifest.peerDependencies[name]}`;

/** What the zero-code entry needs beside the package, with the default Prometheus exporter. */
export const ZERO_CODE_PEERS = [
  '@opentelemetry/sdk-metrics',
  '@opentelemetry/resources',
  '@opentelemetry/core',
  '@opentelemetry/context-async-hooks',
  '@opentelemetry/exporter-prometheus',
];

/** npm's lifecycle scripts that run when a package is installed. */
const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall', 'prepare'];

/** Packs this checkout (built first) into `dir`; returns the tarball's path. */
export function packTarball(dir = mkdtempSync(join(tmpdir(), 'pricetag-pack-'))) {
  ensureBuilt();
  const [report] = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], { cwd: root, encoding: 'utf8' }),
  );
  return join(dir, report.filename);
}

function* packageDirs(nodeModules) {
  let entries;
  try {
    entries = readdirSync(nodeModules, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const dir = join(nodeModules, entry.name);
    if (entry.name.startsWith('@')) {
      for (const scoped of readdirSync(dir, { withFileTypes: true })) if (scoped.isDirectory()) yield* withNested(join(dir, scoped.name));
    } else yield* withNested(dir);
  }
}

function* withNested(dir) {
  yield dir;
  yield* packageDirs(join(dir, 'node_modules'));
}

/** Bytes on disk (blocks, as `du` counts) and apparent bytes below `path`. */
function sizeOf(path) {
  const stat = lstatSync(path);
  let disk = stat.blocks * 512;
  let apparent = stat.size;
  if (stat.isDirectory()) {
    for (const entry of readdirSync(path)) {
      const inner = sizeOf(join(path, entry));
      disk += inner.disk;
      apparent += inner.apparent;
    }
  }
  return { disk, apparent };
}

/**
 * Installs `specs` (the tarball and registry packages) into a fresh app directory and
 * describes its node_modules.
 */
export function installInto(specs, dir = mkdtempSync(join(tmpdir(), 'pricetag-app-'))) {
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: 'fresh-app', version: '1.0.0', private: true, type: 'module' }, null, 2)}\n`,
  );
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...specs], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const nodeModules = join(dir, 'node_modules');
  const packages = [];
  const installScripts = [];
  for (const pkgDir of packageDirs(nodeModules)) {
    let manifest;
    try {
      manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
    } catch {
      continue;
    }
    packages.push(manifest.name);
    const scripts = INSTALL_SCRIPTS.filter((s) => manifest.scripts?.[s] !== undefined);
    // npm runs node-gyp for a package with a binding.gyp and no install script of its own.
    const gyp = existsSync(join(pkgDir, 'binding.gyp'));
    if (scripts.length > 0 || gyp) installScripts.push(`${manifest.name} (${[...scripts, ...(gyp ? ['binding.gyp'] : [])].join(', ')})`);
  }
  const { disk, apparent } = sizeOf(nodeModules);
  return { dir, packages: [...new Set(packages)].sort(), installScripts, diskBytes: disk, apparentBytes: apparent };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const tarball = packTarball();
  const app = installInto([tarball, peerSpec('@opentelemetry/api'), ...process.argv.slice(2)]);
  const mb = (n) => `${(n / 1e6).toFixed(1)} MB`;
  process.stdout.write(
    `${app.dir}: ${app.packages.length} packages, ${mb(app.diskBytes)} on disk (${mb(app.apparentBytes)} apparent), ` +
      `install scripts: ${app.installScripts.join('; ') || 'none'}\n`,
  );
}
