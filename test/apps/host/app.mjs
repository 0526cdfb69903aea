// An ESM service (its SDK, if any, comes from a preload: ESM imports are linked before any code runs).
import http from 'node:http';
import { createRequire } from 'node:module';

await createRequire(import.meta.url)('./work.cjs').work(http);
