/**
 * Which provider, if any, a request goes to. The first question for every
 * outbound request, so it is a Map lookup by host (plus a few host suffixes
 * for regional and per-resource hosts); anything that misses costs nothing more.
 */
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

export class ProviderRegistry {
  private readonly byHost = new Map<string, Mount[]>();
  private readonly bySuffix: { readonly suffix: string; readonly adapter: ProviderAdapter }[] = [];

  constructor(adapters: readonly ProviderAdapter[], endpoints: readonly Endpoint[] = []) {
    const byProvider = new Map(adapters.map((a) => [a.provider, a]));
    for (const adapter of adapters) {
      for (const url of adapter.baseUrls) this.mount(url, adapter);
      for (const suffix of adapter.hostSuffixes ?? []) this.bySuffix.push({ suffix, adapter });
    }
    for (const endpoint of endpoints) {
      const adapter = byProvider.get(endpoint.provider);
      if (adapter === undefined) throw new Error(`endpoint ${endpoint.baseUrl}: no provider adapter named "${endpoint.provider}"`);
      this.mount(endpoint.baseUrl, adapter, true);
    }
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
    if (this.byHost.has(host)) return true;
    const bare = stripPort(host);
    for (const { suffix } of this.bySuffix) if (bare.endsWith(suffix)) return true;
    return false;
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

function stripPort(host: string): string {
  // IPv6 literals keep their brackets; only a trailing :port goes.
  const colon = host.lastIndexOf(':');
  return colon > host.lastIndexOf(']') ? host.slice(0, colon) : host;
}
