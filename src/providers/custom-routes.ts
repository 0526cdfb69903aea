/**
 * Custom routes: any HTTP API priced from configuration. A route names the
 * host, a path pattern (`*` is one path segment, `**` any rest) and method,
 * the provider and operation it is, and where its model, usage quantities and
 * dimensions come from: a JSON field of the request or response (a JSON body,
 * or the JSON data of a streamed response's events), a request header, a path
 * segment, the request's size in bytes, or a constant. A usage quantity that
 * cannot be read makes the call unpriced (`no_usage`), never free.
 */
import { extractFields, first, sumOf, type Extracted, type FieldSpec } from './fields.js';
import { acceptProviderId, currentOperation, type Warn } from './provider-ids.js';
import { count, modelName, parseJson } from './read.js';
import type { CallFacts, CallOutcome, ProviderAdapter, RequestHead, Route } from './types.js';

export type Measure = 'value' | 'chars' | 'count';

export type ValueSource =
  | { readonly request: string; readonly measure?: Measure }
  | {
      /**
       * A field of the response: of its JSON body, or of the JSON data of its stream events (SSE,
       * AWS event streams). Of events, `value` takes the last event that has the field, `chars`
       * and `count` add up over the events.
       */
      readonly response: string;
      readonly measure?: Measure;
      /** Only events of this name (SSE `event:`, AWS `:event-type`). @default any event */
      readonly event?: string;
    }
  | { readonly header: string }
  /** A segment of the request path, counted from 0 (`/v1/models/m-1/predict`: 2 is `m-1`). */
  | { readonly pathSegment: number }
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

/** A path segment, without its escapes; undefined past the last. */
function segment(path: string, index: number): string | undefined {
  const raw = path.split('/').filter((s) => s !== '')[index];
  if (raw === undefined) return undefined;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** What the events of a streamed response had of the response fields, keyed by source. */
type EventValues = Map<ValueSource, unknown>;

function resolve(
  source: ValueSource,
  request: Extracted,
  outcome: CallOutcome | undefined,
  head: RequestHead,
  events?: EventValues,
): unknown {
  if ('value' in source) return source.value;
  if ('header' in source) return head.header(source.header.toLowerCase());
  if ('pathSegment' in source) return segment(head.path, source.pathSegment);
  if ('requestBytes' in source) return outcome?.requestBytes;
  if ('response' in source && events?.has(source)) return events.get(source);
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
  const eventSources = sources.filter((s): s is Extract<ValueSource, { response: string }> => 'response' in s);
  // An event's data is parsed only when it names the last key of a field we read.
  const leafKeys = [...new Set(eventSources.map((s) => `"${s.response.split('.').at(-1) ?? ''}"`))];
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
      const events: EventValues = new Map();
      return {
        requestModel: model,
        responseFields,
        onEvent:
          eventSources.length === 0
            ? undefined
            : (event, data) => {
                if (!leafKeys.some((key) => data.includes(key))) return;
                const parsed = parseJson(data);
                if (parsed === undefined) return;
                for (const source of eventSources) {
                  if (source.event !== undefined && source.event !== event) continue;
                  const mode = source.measure ?? 'value';
                  const found = extractFields(parsed, [{ path: source.response, mode }]);
                  if (!found.has(source.response)) continue;
                  if (mode === 'value') events.set(source, first(found, source.response));
                  else events.set(source, ((events.get(source) as number | undefined) ?? 0) + sumOf(found, source.response));
                }
              },
        finish(outcome): CallFacts {
          const usage: Record<string, number> = {};
          let unknown = false;
          for (const [unit, source] of Object.entries(config.usage ?? {})) {
            const n = quantity(resolve(source, request, outcome, head, events));
            if (n === undefined) unknown = true;
            else usage[unit] = n;
          }
          const finalModel =
            model ?? (typeof config.model === 'object' ? modelName(resolve(config.model, request, outcome, head, events)) : undefined);
          // A quantity the route bills by and the call did not tell: unpriced, never priced as if it were 0.
          if (unknown) return { responseModel: finalModel, items: [], noUsage: true };
          const dimensions: Record<string, string> = {};
          for (const [name, source] of Object.entries(config.dimensions ?? {})) {
            const raw = resolve(source, request, outcome, head, events);
            if (typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean') dimensions[name] = String(raw);
          }
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
