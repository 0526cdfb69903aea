/**
 * The code child processes measure, compiled as users run it.
 *
 * tsx (which runs the bench itself) transforms TypeScript with esbuild's
 * `keepNames`: every function or class created at run time also calls a
 * `__name` helper (an Object.defineProperty). Code that makes closures per
 * call pays for that, and only ours is TypeScript, so under tsx the
 * round-trip rows would charge ai-pricetag for tsx. Instead `src/` and the
 * bench's own modules are transpiled per file with the TypeScript compiler
 * (what `npm run build` emits for dist/) into a temporary tree with the
 * repository's layout; node_modules and catalogs/ are linked into it.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { REPO_ROOT } from './paths.js';

const DIRECTORIES = ['src', 'bench', 'examples/emulator'];

function* typescriptFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* typescriptFiles(path);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) yield path;
  }
}

export interface CompiledTree {
  /** Root of the tree: `${root}/bench/workers/x.js` is bench/workers/x.ts. */
  readonly root: string;
  /** The compiled file for a TypeScript file of the repository. */
  resolve(source: URL): string;
  remove(): void;
}

export function compileTree(): CompiledTree {
  const root = mkdtempSync(join(tmpdir(), 'ai-pricetag-bench-'));
  const compilerOptions: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2023,
    module: ts.ModuleKind.ESNext,
    verbatimModuleSyntax: true,
    isolatedModules: true,
    useDefineForClassFields: true,
  };
  for (const dir of DIRECTORIES) {
    for (const file of typescriptFiles(join(REPO_ROOT, dir))) {
      const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), { compilerOptions, fileName: file });
      const out = join(root, relative(REPO_ROOT, file)).replace(/\.ts$/, '.js');
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, outputText);
    }
  }
  writeFileSync(join(root, 'package.json'), '{ "type": "module" }\n');
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
  symlinkSync(join(REPO_ROOT, 'catalogs'), join(root, 'catalogs'), 'dir');
  return {
    root,
    resolve: (source) => join(root, relative(REPO_ROOT, fileURLToPath(source))).replace(/\.ts$/, '.js'),
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
