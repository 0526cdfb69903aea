/**
 * Wrapping a function of a shared module (http.request) so that it coexists
 * with other instrumentations. shimmer-style wrappers (InstrumentationBase's
 * `_wrap`) unwrap whatever wrapped function they find before wrapping, which
 * would silently remove another instrumentation's wrapper. Ours keeps a
 * private link to what it wrapped, never touches wrappers that are not ours,
 * and is removed only while it is still the outermost.
 */
const ORIGINAL = Symbol('ai-pricetag.wrapped-original');

type Fn = (...args: never[]) => unknown;

export function isOurs(fn: unknown): boolean {
  return typeof fn === 'function' && ORIGINAL in fn;
}

export function wrapFunction<T extends object, K extends keyof T>(target: T, name: K, make: (original: T[K]) => T[K]): void {
  const original = target[name];
  if (typeof original !== 'function' || isOurs(original)) return;
  const wrapped = make(original);
  Object.defineProperty(wrapped, ORIGINAL, { value: original });
  Object.defineProperty(wrapped, 'name', { value: (original as Fn).name });
  target[name] = wrapped;
}

export function unwrapFunction<T extends object, K extends keyof T>(target: T, name: K): void {
  const current = target[name] as unknown;
  // Wrapped over by someone else: leave the chain intact (our wrapper passes through when disabled).
  if (isOurs(current)) target[name] = (current as Record<symbol, T[K]>)[ORIGINAL]!;
}
