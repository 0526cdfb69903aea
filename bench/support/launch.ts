/**
 * Runs a bench entry point from the compiled tree (support/compile.ts) with
 * plain node, unless it already runs there or `--tsx` was given.
 */
import { spawnSync } from 'node:child_process';
import { COMPILED, REPO_ROOT } from './paths.js';

/** True when the entry ran compiled in a child process (its exit status is set); false: go on here. */
export async function ranCompiled(entry: string): Promise<boolean> {
  if (COMPILED || process.argv.includes('--tsx')) return false;
  const { compileTree } = await import('./compile.js');
  const tree = compileTree();
  try {
    const run = spawnSync(process.execPath, [tree.resolve(new URL(entry)), ...process.argv.slice(2)], {
      stdio: 'inherit',
      env: { ...process.env, BENCH_REPO_ROOT: REPO_ROOT },
    });
    process.exitCode = run.status ?? 1;
  } finally {
    tree.remove();
  }
  return true;
}
