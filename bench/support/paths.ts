/** Where things are, whether the bench runs under tsx or from its compiled tree (support/compile.ts). */
import { fileURLToPath } from 'node:url';

/** The repository checkout. */
export const REPO_ROOT = process.env.BENCH_REPO_ROOT ?? fileURLToPath(new URL('../../', import.meta.url));

/** True when this code runs compiled (plain node), not under tsx. */
export const COMPILED = import.meta.url.endsWith('.js');
