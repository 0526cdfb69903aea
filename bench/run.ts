/**
 * `npm run bench [-- --quick] [-- --no-write] [-- --only SECTION,…] [-- --tsx]`
 *
 * Compiles src/ and the bench with the TypeScript compiler into a temporary
 * tree (support/compile.ts says why) and runs bench/main.ts from there with
 * plain node; `--tsx` runs everything under tsx instead.
 */
import { ranCompiled } from './support/launch.js';

if (!(await ranCompiled(import.meta.url))) await import('./main.js');
