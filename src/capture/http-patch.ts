/**
 * The wrappers of `http.request`/`get` and `https.request`/`get`, kept outermost.
 *
 * `http` and `https` are built-ins: one exports object per process, whoever loads them and
 * however (`require`, `import http from`, `import * as http`, `node:` or bare). So they are
 * patched directly when the instrumentation is enabled, without waiting for a module hook;
 * ESM namespaces that a module hook (import-in-the-middle) hands over are patched too, and
 * `syncBuiltinESMExports` updates the live bindings of plain ESM imports.
 *
 * Other instrumentations may wrap over ours afterwards (their module hook ran later, or the
 * application loaded `http` after registering them). Ours is put back on top right after
 * each patch (a microtask), after start-up (the next turn of the event loop), whenever asked
 * (`keepOutermost`), and, should a call still find someone above us, for the calls after it.
 */
import http, { type ClientRequest } from 'node:http';
import https from 'node:https';
import { syncBuiltinESMExports } from 'node:module';
import type { HttpCapture } from './http.js';
import { isOvertaken, keepOutermost, releaseWrapper } from './module-wrap.js';

export const HTTP_MODULES = ['http', 'https'] as const;
export type HttpModuleName = (typeof HTTP_MODULES)[number];
const FUNCTIONS = ['request', 'get'] as const;

type RequestFn = (...args: unknown[]) => ClientRequest;

export class HttpModulePatch {
  /** Per module: the built-in's exports and any ESM namespaces of it a module hook passed us. */
  private readonly targets = new Map<HttpModuleName, Set<object>>();
  private checkScheduled = false;

  /** `capture()` is read per call: undefined while the instrumentation is disabled. */
  constructor(private readonly capture: () => HttpCapture | undefined) {
    // Imported, not taken with process.getBuiltinModule or require: require-in-the-middle hooks
    // those, and other instrumentations would patch `http` once more for our lookup.
    this.targets.set('http', new Set([http]));
    this.targets.set('https', new Set([https]));
  }

  /** Patches every known target now and checks again once the current code has run. */
  enable(): void {
    this.keepOutermost();
    this.scheduleCheck();
    // After start-up: the application's own SDK may register its instrumentations later in the main module.
    setImmediate(() => this.keepOutermost()).unref();
  }

  /** A module hook handed us `http`/`https` (its exports, or an ESM namespace of it). */
  patched(name: HttpModuleName, exports: object): void {
    this.targets.get(name)!.add(exports);
    this.keepOutermost();
    // Hooks of instrumentations registered after ours run right after this one, in the same load.
    this.scheduleCheck();
  }

  /** Puts our wrapper back on top wherever someone wrapped over it. */
  keepOutermost(): void {
    if (this.capture() === undefined) return;
    let changed = false;
    for (const [name, targets] of this.targets) {
      const protocol = name === 'http' ? 'http:' : 'https:';
      for (const target of targets) {
        for (const fn of FUNCTIONS) {
          changed = keepOutermost(target, fn, (next, active) => this.wrapper(target, fn, next, active, protocol)) || changed;
        }
      }
    }
    if (changed) syncBuiltinESMExports();
  }

  disable(): void {
    for (const targets of this.targets.values()) for (const target of targets) for (const fn of FUNCTIONS) releaseWrapper(target, fn);
    syncBuiltinESMExports();
  }

  private scheduleCheck(): void {
    if (this.checkScheduled) return;
    this.checkScheduled = true;
    queueMicrotask(() => {
      this.checkScheduled = false;
      this.keepOutermost();
    });
  }

  private wrapper(
    target: object,
    fn: string,
    next: () => (...args: never[]) => unknown,
    active: () => boolean,
    protocol: 'http:' | 'https:',
  ) {
    const current = this.capture;
    const recheck = () => this.scheduleCheck();
    return function (this: unknown, ...args: unknown[]) {
      const request = next() as unknown as RequestFn;
      const capture = active() ? current() : undefined;
      if (capture === undefined) return request.apply(this, args);
      // Someone wrapped over us since the last check: this call's transport span has already
      // started (and parents ours); put ours back on top for the calls that follow.
      if (isOvertaken(target, fn)) recheck();
      return capture.request(request, this, args, protocol);
    };
  }
}
