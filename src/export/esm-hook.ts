/**
 * The loader hook through which ESM imports (`import http from 'node:http'`) reach the
 * instrumentation: @opentelemetry/instrumentation's import-in-the-middle, resolved through
 * that package so that its Hook registrations and this loader are one copy.
 */
import { createRequire, register } from 'node:module';

interface SyncHooks {
  supportsSyncHooks(): boolean;
  register(options: { include: string[] }): void;
}

/**
 * Intercepts only `modules`. In-thread (module.registerHooks) where Node can, which costs
 * nothing per import of other modules and no loader thread at start-up (about 60 ms);
 * the asynchronous loader thread otherwise.
 */
export function hookEsmImports(modules: readonly string[]): void {
  const instrumentation = createRequire(import.meta.url).resolve('@opentelemetry/instrumentation');
  const requireFromInstrumentation = createRequire(instrumentation);
  const hooks = requireFromInstrumentation('import-in-the-middle/register-hooks.mjs') as SyncHooks;
  if (hooks.supportsSyncHooks()) {
    hooks.register({ include: [...modules] });
    return;
  }
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url, { data: { include: [...modules] } });
}
