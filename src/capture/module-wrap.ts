/**
 * Wrapping a function of a shared module (http.request) so that ours stays the outermost
 * wrapper, whatever order instrumentations patch in. Our wrapper must run first: it starts
 * the AI call's span, so the HTTP span another instrumentation starts inside it becomes its
 * child. Who patches last depends on registration order, on CommonJS or ESM hooks and on
 * when the application loads `http`, so instead of relying on it, whoever wraps over us is
 * wrapped over again (`keepOutermost`). We never unwrap or replace another instrumentation's wrapper: the chain
 * below ours is left exactly as they built it.
 */
const STATE = Symbol('ai-pricetag.wrapper');

type Fn = (this: unknown, ...args: unknown[]) => unknown;

interface WrapperState {
  /** What this wrapper delegates to (changed when a shimmer wrapper under us is unwrapped). */
  next: Fn;
  /** False once released (the instrumentation was disabled): pass through. */
  active: boolean;
}

/** Builds our wrapper: `next()` is what it delegates to now, `active()` says whether to do our work. */
export type MakeWrapper = (next: () => Fn, active: () => boolean) => Fn;

/** The markers of a shimmer wrapper (what InstrumentationBase's `_wrap`/`_unwrap` and `isWrapped` use). */
interface Shimmered {
  __wrapped?: boolean;
  __original?: Fn;
  __unwrap?: () => void;
}

/**
 * Where we wrap over a shimmer wrapper, ours stands in for it: an instrumentation that patches
 * again checks `isWrapped(http.request)` and unwraps its old wrapper before wrapping anew. Its
 * own `__unwrap` would do nothing once ours is on top, and it would wrap twice (two HTTP spans
 * per call); ours takes its wrapper out from under us instead.
 */
function standIn(wrapped: Fn, below: Fn, state: WrapperState, record: Record<PropertyKey, unknown>, name: PropertyKey): void {
  const shimmered = below as Fn & Shimmered;
  if (shimmered.__wrapped !== true || typeof shimmered.__original !== 'function') return;
  const original = shimmered.__original;
  Object.defineProperty(wrapped, '__wrapped', { value: true, configurable: true });
  Object.defineProperty(wrapped, '__original', { value: original, configurable: true });
  Object.defineProperty(wrapped, '__unwrap', {
    value: () => {
      if (record[name] === wrapped && state.next === below) state.next = original;
    },
    configurable: true,
  });
}

export function isOurs(fn: unknown): boolean {
  return typeof fn === 'function' && STATE in fn;
}

function stateOf(fn: unknown): WrapperState | undefined {
  return isOurs(fn) ? (fn as unknown as Record<symbol, WrapperState>)[STATE] : undefined;
}

/** Our wrapper of one property, per object (modules and their ESM namespaces). */
const outermost = new WeakMap<object, Map<PropertyKey, Fn>>();
/** How often we wrapped one property; each instrumentation that wraps after us costs one. */
const rewraps = new WeakMap<object, Map<PropertyKey, number>>();
/** More than a process's instrumentations ever need; beyond it, ours stays where it is. */
export const MAX_REWRAPS = 16;

/**
 * Makes target[name] our wrapper, wrapping over whatever is there now unless that already is
 * our current wrapper. Returns true when it changed something.
 */
export function keepOutermost(target: object, name: PropertyKey, make: MakeWrapper): boolean {
  const record = target as Record<PropertyKey, unknown>;
  const current = record[name];
  if (typeof current !== 'function') return false;
  const ours = outermost.get(target)?.get(name);
  if (current === ours && stateOf(ours)?.active === true) return false;
  // Bounded: another tool that also insists on being outermost must not grow the chain forever.
  const count = (rewraps.get(target)?.get(name) ?? 0) + 1;
  if (count > MAX_REWRAPS) return false;
  let counts = rewraps.get(target);
  if (counts === undefined) rewraps.set(target, (counts = new Map()));
  counts.set(name, count);
  // Ours further down the chain stays active: a reference to it taken in between (a
  // destructured `request`) must still be priced, and a call that went through our outer
  // wrapper first is recognised as already ours (HttpCapture) and passed on.
  const state: WrapperState = { next: current as Fn, active: true };
  const wrapped = make(
    () => state.next,
    () => state.active,
  );
  Object.defineProperty(wrapped, STATE, { value: state });
  Object.defineProperty(wrapped, 'name', { value: (current as Fn).name });
  standIn(wrapped, current as Fn, state, record, name);
  try {
    record[name] = wrapped;
  } catch {
    // A frozen or read-only export: leave it as it is.
    state.active = false;
    return false;
  }
  let byName = outermost.get(target);
  if (byName === undefined) outermost.set(target, (byName = new Map()));
  byName.set(name, wrapped);
  return true;
}

/** True when target[name] is not our active wrapper (someone wrapped over it, or it was never wrapped). */
export function isOvertaken(target: object, name: PropertyKey): boolean {
  const current = (target as Record<PropertyKey, unknown>)[name];
  return current !== outermost.get(target)?.get(name) || stateOf(current)?.active !== true;
}

/**
 * Stops our wrapper of target[name]: restored to what it wrapped where it is still the
 * outermost, turned into a pass-through where someone wrapped over it (so their chain stays intact).
 */
export function releaseWrapper(target: object, name: PropertyKey): void {
  const ours = outermost.get(target)?.get(name);
  const state = stateOf(ours);
  if (state === undefined) return;
  state.active = false;
  outermost.get(target)?.delete(name);
  const record = target as Record<PropertyKey, unknown>;
  if (record[name] !== ours) return;
  // Skip any of our own older pass-throughs underneath.
  let next: Fn = state.next;
  for (let inner = stateOf(next); inner !== undefined && !inner.active; inner = stateOf(next)) next = inner.next;
  try {
    record[name] = next;
    // Out of the chain again: it no longer counts against the bound.
    const counts = rewraps.get(target);
    counts?.set(name, Math.max(0, (counts.get(name) ?? 1) - 1));
  } catch {
    // Read-only: ours stays as a pass-through.
  }
}
