/**
 * Optional peer dependencies: packages only one entry point needs (the zero-code SDK, the
 * dashboards generator), so an application that brings its own OpenTelemetry SDK does not
 * install them. Loaded synchronously and lazily, resolved from this package's location
 * (where npm puts the application's own copies).
 */
import { createRequire } from 'node:module';

const requireFromHere = createRequire(import.meta.url);

/** The peers that an entry point needs and the application has not installed. */
export class MissingPeerError extends Error {
  constructor(
    readonly entry: string,
    readonly packages: readonly string[],
  ) {
    super(
      `${entry} needs ${packages.length === 1 ? 'the optional package' : 'the optional packages'} ${packages.join(', ')}: ` +
        `npm install ${packages.join(' ')}`,
    );
    this.name = 'MissingPeerError';
  }
}

function isNotFound(err: unknown, name: string): boolean {
  const e = err as NodeJS.ErrnoException;
  // A package that is present but fails to load for another reason must not pass for missing.
  return (
    (e?.code === 'MODULE_NOT_FOUND' || e?.code === 'ERR_MODULE_NOT_FOUND') &&
    typeof e.message === 'string' &&
    e.message.includes(`'${name}'`)
  );
}

/** Whether `name` (a package, or a subpath of one) resolves from here, without loading it. */
export function hasPeer(name: string, from: NodeJS.Require = requireFromHere): boolean {
  try {
    from.resolve(name);
    return true;
  } catch {
    return false;
  }
}

/**
 * A require() that resolves from `anchor`'s own location when it is installed: OpenTelemetry's
 * exporters pin exact SDK versions, so the copy an exporter was built against (nested under
 * it when the app's top-level copy differs) is the one to build its provider from; loading
 * the top-level copy too would load the SDK twice.
 */
function requireFor(anchor: string | undefined): NodeJS.Require {
  if (anchor === undefined || !hasPeer(anchor)) return requireFromHere;
  return createRequire(requireFromHere.resolve(anchor));
}

/** Loads every package of `names` (near `anchor`) or throws one MissingPeerError naming all that are absent. */
export function requirePeers<T extends readonly unknown[]>(entry: string, names: { readonly [K in keyof T]: string }, anchor?: string): T {
  const from = requireFor(anchor);
  const missing = names.filter((name) => !hasPeer(name, from));
  if (missing.length > 0) throw new MissingPeerError(entry, missing);
  return names.map((name) => requirePeer(entry, name, anchor)) as unknown as T;
}

/** Loads one package (near `anchor`), or throws MissingPeerError when it is not installed. */
export function requirePeer<T>(entry: string, name: string, anchor?: string): T {
  try {
    return requireFor(anchor)(name) as T;
  } catch (err) {
    if (isNotFound(err, name)) throw new MissingPeerError(entry, [name]);
    throw err;
  }
}
