/**
 * Which provider, if any, a request goes to. The first question for every
 * outbound request, so it is a Map lookup by host (plus a few host suffixes
 * for regional and per-resource hosts); anything that misses costs nothing more.
 */
import { acceptProviderId, type Warn } from './provider-ids.js';
import type { ProviderAdapter, RequestHead, Route } from './types.js';

/** A base URL under which calls are recognised as a provider's (proxy, gateway, emulator). */
export interface Endpoint {
  readonly provider: string;
  readonly baseUrl: string;
}

export interface Recognition {
  readonly adapter: ProviderAdapter;
  readonly route: Route;
  readonly head: RequestHead;
}

interface Mount {
  readonly basePath: string;
  readonly adapter: ProviderAdapter;
}

/** `host[:port]` and path of a URL, with default ports left out, lower-case host. */
export function hostAndPath(url: string): { host: string; path: string } | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  return { host: parsed.host.toLowerCase(), path: parsed.pathname.replace(/\/+$/, '') };
}

/** A configured endpoint left out, and why. */
export interface RejectedEndpoint {
  /** The entry as `provider=baseUrl`, the URL without credentials or query (see redactUrl). */
  readonly entry: string;
  readonly reason: string;
}

/**
 * A URL, or text meant as one, fit for a message: userinfo, query and fragment removed, since
 * proxies and gateways are often configured with a key in one of them.
 */
export function redactUrl(text: string): string {
  try {
    const url = new URL(text);
    if (url.protocol === 'http:' || url.protocol === 'https:') {
      url.username = '';
      url.password = '';
      url.search = '';
      url.hash = '';
      return url.href;
    }
  } catch {
    // Not a URL: the same parts are cut from the text as written.
  }
  // `user:key@host` parses with `user:` as its scheme; everything up to the last `@` may be a key.
  const out = text.replace(/[?#][^]*$/, '');
  const at = out.lastIndexOf('@');
  if (at === -1) return out;
  const slashes = out.search(/[/\\]{2}/);
  return slashes !== -1 && slashes < at ? out.slice(0, slashes + 2) + out.slice(at + 1) : out.slice(at + 1);
}

function providerProblem(provider: unknown, known: readonly string[]): string {
  if (typeof provider !== 'string' || provider.trim() === '') return 'no provider given';
  // Redacted too: `provider=baseUrl` split at the `=` of a query leaves a URL in the name.
  return `no provider named "${redactUrl(provider)}" (known: ${[...known].sort().join(', ')})`;
}

/** Why a base URL cannot be mounted, or undefined when it can. */
function baseUrlProblem(baseUrl: unknown): string | undefined {
  if (typeof baseUrl !== 'string' || baseUrl.trim() === '') return 'no baseUrl given';
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return 'baseUrl is not a URL';
  }
  // `localhost:8080/v1` parses, with `localhost:` as its scheme, and would never match a request.
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'baseUrl does not start with http:// or https://';
  return undefined;
}

export class ProviderRegistry {
  private readonly byHost = new Map<string, Mount[]>();
  private readonly bySuffix: { readonly suffix: string; readonly adapter: ProviderAdapter }[] = [];
  /** knowsHost's answers for the hosts a process talks to, which repeat; emptied when full. */
  private readonly known = new Map<string, boolean>();
  private readonly rejected: RejectedEndpoint[] = [];

  /** `warn` hears of endpoints named by a deprecated provider id (the global diag logger by default). */
  constructor(adapters: readonly ProviderAdapter[], endpoints: readonly Endpoint[] = [], warn?: Warn) {
    const byProvider = new Map(adapters.map((a) => [a.provider, a]));
    for (const adapter of adapters) {
      for (const url of adapter.baseUrls) this.mount(url, adapter);
      for (const suffix of adapter.hostSuffixes ?? []) this.bySuffix.push({ suffix, adapter });
    }
    // A bad entry is left out on its own, with its reason: one typo must not drop the others.
    for (const endpoint of endpoints as readonly (Partial<Endpoint> | null | undefined)[]) {
      const provider = endpoint?.provider;
      const baseUrl = endpoint?.baseUrl;
      const shownUrl = typeof baseUrl === 'string' ? redactUrl(baseUrl) : '';
      const adapter = typeof provider === 'string' ? byProvider.get(acceptProviderId(provider, `endpoint ${shownUrl}`, warn)) : undefined;
      const reasons = [adapter === undefined ? providerProblem(provider, [...byProvider.keys()]) : undefined, baseUrlProblem(baseUrl)];
      if (adapter !== undefined && reasons[1] === undefined) this.mount(baseUrl!, adapter, true);
      else {
        const reason = reasons.filter((r) => r !== undefined).join('; ');
        this.rejected.push({ entry: `${typeof provider === 'string' ? redactUrl(provider) : ''}=${shownUrl}`, reason });
      }
    }
  }

  /** Configured endpoints left out, each with why; the instrumentation reports them. */
  get rejectedEndpoints(): readonly RejectedEndpoint[] {
    return this.rejected;
  }

  private mount(baseUrl: string, adapter: ProviderAdapter, first = false): void {
    const at = hostAndPath(baseUrl);
    if (at === undefined) throw new Error(`not a URL: ${baseUrl}`);
    const list = this.byHost.get(at.host) ?? [];
    // Configured endpoints win over built-in ones on the same host; longer base paths first.
    if (first) list.unshift({ basePath: at.path, adapter });
    else list.push({ basePath: at.path, adapter });
    list.sort((a, b) => b.basePath.length - a.basePath.length);
    this.byHost.set(at.host, list);
  }

  /** The cheap pre-check: could a request to this host be an AI call at all? */
  knowsHost(host: string): boolean {
    const cached = this.known.get(host);
    if (cached !== undefined) return cached;
    let answer = this.byHost.has(host);
    if (!answer) {
      const bare = stripPort(host);
      answer = this.bySuffix.some(({ suffix }) => bare.endsWith(suffix));
    }
    if (this.known.size >= KNOWN_HOSTS_KEPT) this.known.clear();
    this.known.set(host, answer);
    return answer;
  }

  recognize(method: string, host: string, pathAndQuery: string, header: (name: string) => string | undefined): Recognition | undefined {
    const q = pathAndQuery.indexOf('?');
    const path = q === -1 ? pathAndQuery : pathAndQuery.slice(0, q);
    const query = q === -1 ? '' : pathAndQuery.slice(q + 1);
    const upper = method.toUpperCase();
    for (const mount of this.byHost.get(host) ?? []) {
      if (mount.basePath !== '' && path !== mount.basePath && !path.startsWith(`${mount.basePath}/`)) continue;
      const head: RequestHead = { method: upper, host, path: path.slice(mount.basePath.length) || '/', query, header };
      const route = mount.adapter.route(head);
      if (route !== undefined) return { adapter: mount.adapter, route, head };
    }
    const bare = stripPort(host);
    for (const { suffix, adapter } of this.bySuffix) {
      if (!bare.endsWith(suffix)) continue;
      const head: RequestHead = { method: upper, host, path, query, header };
      const route = adapter.route(head);
      if (route !== undefined) return { adapter, route, head };
    }
    return undefined;
  }
}

/** Distinct hosts whose answer knowsHost keeps: a bound, since the hosts come from the application's traffic. */
const KNOWN_HOSTS_KEPT = 1024;

function stripPort(host: string): string {
  // IPv6 literals keep their brackets; only a trailing :port goes.
  const colon = host.lastIndexOf(':');
  return colon > host.lastIndexOf(']') ? host.slice(0, colon) : host;
}
