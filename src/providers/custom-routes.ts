/**
 * Custom routes: any HTTP API priced from configuration. A route names the
 * host, a path pattern (`*` is one path segment, `**` any rest) and method,
 * the provider and operation it is, and where its model, usage quantities and
 * dimensions come from: a JSON field of the request or response, a request
 * header, the request's size in bytes, or a constant.
 */
import { first, sumOf, type FieldSpec } from './fields.js';
import { acceptProviderId, currentOperation, type Warn } from './provider-ids.js';
import { count, modelName } from './read.js';
import type { CallFacts, CallOutcome, ProviderAdapter, RequestHead, Route } from './types.js';

export type ValueSource =
  | { readonly request: string; readonly measure?: 'value' | 'chars' | 'count' }
  | { readonly response: string; readonly measure?: 'value' | 'chars' | 'count' }
  | { readonly header: string }
  | { readonly requestBytes: true }
  | { readonly value: string | number };

export interface CustomRoute {
  /** Host (with `:port` unless default), e.g. `api.example.com`. */
  readonly host: string;
  /** Path pattern: `/v1/documents/*\/analyze`; `*` matches one segment, `**` the rest. */
  readonly path: string;
  /** @default 'POST' */
  readonly method?: string;
  readonly provider: string;
  readonly operation: string;
  readonly model?: string | ValueSource;
  /** Usage quantity name → where it comes from. `requests` is always 1 unless given. */
  readonly usage?: Readonly<Record<string, ValueSource>>;
  readonly dimensions?: Readonly<Record<string, ValueSource>>;
}

function pathPattern(pattern: string): RegExp {
  const source = pattern
    .split('/')
    .map((seg) => (seg === '**' ? '.*' : seg === '*' ? '[^/]+' : seg.replace(/[\\^$.|+()[\]{}?*]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${source}/?$`);
}

function spec(source: ValueSource, side: 'request' | 'response'): FieldSpec | undefined {
  if (side in source) {
    const s = source as { request?: string; response?: string; measure?: FieldSpec['mode'] };
    return { path: s[side] as string, mode: s.measure ?? 'value' };
  }
  return undefined;
}

function resolve(
  source: ValueSource,
  request: ReadonlyMap<string, readonly unknown[]>,
  outcome: CallOutcome | undefined,
  head: RequestHead,
): unknown {
  if ('value' in source) return source.value;
  if ('header' in source) return head.header(source.header.toLowerCase());
  if ('requestBytes' in source) return outcome?.requestBytes;
  const side = 'request' in source ? request : outcome?.response;
  const path = 'request' in source ? source.request : source.response;
  // A field that was not found is unknown, not zero: the call must not come out free.
  if (side === undefined || !side.has(path)) return undefined;
  return (source.measure ?? 'value') === 'value' ? first(side, path) : sumOf(side, path);
}

/** A quantity from JSON or text: a plain decimal number only ('' and '0x10' are not quantities). */
function quantity(raw: unknown): number | undefined {
  if (typeof raw === 'string') return /^\s*\d+(\.\d+)?\s*$/.test(raw) ? count(Number(raw)) : undefined;
  return count(raw);
}

function routeOf(config: CustomRoute): Route {
  const sources = [
    ...Object.values(config.usage ?? {}),
    ...Object.values(config.dimensions ?? {}),
    ...(typeof config.model === 'object' ? [config.model] : []),
  ];
  for (const side of ['request', 'response'] as const) {
    const modes = new Map<string, string>();
    for (const s of sources) {
      const field = spec(s, side);
      if (field === undefined) continue;
      const seen = modes.get(field.path);
      if (seen !== undefined && seen !== field.mode) {
        throw new Error(
          `route ${config.host}${config.path}: ${side} field "${field.path}" is read both as ${seen} and as ${field.mode}; ` +
            'use one measure per field',
        );
      }
      modes.set(field.path, field.mode);
    }
  }
  const requestFields = sources.map((s) => spec(s, 'request')).filter((s): s is FieldSpec => s !== undefined);
  const responseFields = sources.map((s) => spec(s, 'response')).filter((s): s is FieldSpec => s !== undefined);
  return {
    operation: config.operation,
    requestFields,
    begin(request, head) {
      const model =
        typeof config.model === 'string'
          ? config.model
          : config.model === undefined
            ? undefined
            : modelName(resolve(config.model, request, undefined, head));
      return {
        requestModel: model,
        responseFields,
        finish(outcome): CallFacts {
          const usage: Record<string, number> = {};
          for (const [unit, source] of Object.entries(config.usage ?? {})) {
            const n = quantity(resolve(source, request, outcome, head));
            if (n !== undefined) usage[unit] = n;
          }
          const dimensions: Record<string, string> = {};
          for (const [name, source] of Object.entries(config.dimensions ?? {})) {
            const raw = resolve(source, request, outcome, head);
            if (typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean') dimensions[name] = String(raw);
          }
          const finalModel =
            model ?? (typeof config.model === 'object' ? modelName(resolve(config.model, request, outcome, head)) : undefined);
          return { responseModel: finalModel, items: [{ operation: config.operation, model: finalModel, usage, dimensions }] };
        },
      };
    },
  };
}

/**
 * One adapter per host and provider; its routes are tried in configuration order. A route named
 * by a deprecated provider id is the current one's, its operation too, and `warn` hears of it.
 */
export function customAdapters(routes: readonly CustomRoute[], warn?: Warn): ProviderAdapter[] {
  const groups = new Map<string, { host: string; provider: string; routes: { config: CustomRoute; pattern: RegExp; route: Route }[] }>();
  for (const given of routes) {
    const provider = acceptProviderId(given.provider, `route ${given.host}${given.path}`, warn);
    const config =
      provider === given.provider ? given : { ...given, provider, operation: currentOperation(given.provider, given.operation) };
    const host = config.host.toLowerCase();
    const key = `${host}\u0000${provider}`;
    const group = groups.get(key) ?? { host, provider, routes: [] };
    group.routes.push({ config, pattern: pathPattern(config.path), route: routeOf(config) });
    groups.set(key, group);
  }
  return [...groups.values()].map(({ host, provider, routes: list }) => ({
    provider,
    baseUrls: [`http://${host}`],
    route(head) {
      const hit = list.find((r) => (r.config.method ?? 'POST').toUpperCase() === head.method && r.pattern.test(head.path));
      return hit?.route;
    },
  }));
}
