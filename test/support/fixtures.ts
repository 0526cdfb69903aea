// Recorded-style provider exchanges (test/mock-responses/<provider>/<case>.json) and a driver
// that feeds one to a provider adapter the way capture does.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { extractFields } from '../../src/providers/fields.js';
import { loadCatalogs } from '../../src/catalog/load.js';
import { formatDecimal } from '../../src/pricing/decimal.js';
import type { Pricer } from '../../src/pricing/pricer.js';
import type { CallFacts, CallReader, PriceItem, ProviderAdapter, RequestHead, Route } from '../../src/providers/types.js';
import { sseEvents } from './sse-events.js';

export interface Fixture {
  readonly description: string;
  readonly request: {
    readonly method: string;
    /** Path on the wire, with the query when there is one. */
    readonly path: string;
    readonly headers: Readonly<Record<string, string>>;
    /** JSON body; multipart forms are shown as their text fields, the file part left out. */
    readonly body?: unknown;
  };
  readonly response: {
    readonly status: number;
    readonly headers: Readonly<Record<string, string>>;
    /** JSON body, or the exact SSE text for `text/event-stream`. */
    readonly body: unknown;
  };
}

export function loadFixture(provider: string, name: string): Fixture {
  const file = new URL(`../mock-responses/${provider}/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(file, 'utf8')) as Fixture;
}

/** The request's head as capture builds it, the path relative to the endpoint's base URL. */
export function headOf(fixture: Fixture, baseUrl: string): RequestHead {
  const base = new URL(baseUrl);
  const basePath = base.pathname.replace(/\/$/, '');
  const at = fixture.request.path.indexOf('?');
  const path = at < 0 ? fixture.request.path : fixture.request.path.slice(0, at);
  const query = at < 0 ? '' : fixture.request.path.slice(at + 1);
  assert.ok(path.startsWith(`${basePath}/`), `${path} is not under ${baseUrl}`);
  const headers = new Map(Object.entries(fixture.request.headers).map(([k, v]) => [k.toLowerCase(), v]));
  return {
    method: fixture.request.method,
    host: base.host,
    path: path.slice(basePath.length),
    query,
    header: (name) => headers.get(name),
  };
}

/** A request head built by hand, for route tests and hand-made hostile responses. */
export function requestHead(path: string, options: { method?: string; host?: string; query?: string } = {}): RequestHead {
  return {
    method: options.method ?? 'POST',
    host: options.host ?? 'api.example.com',
    path,
    query: options.query ?? '',
    header: () => undefined,
  };
}

export function isEventStream(fixture: Fixture): boolean {
  const type = Object.entries(fixture.response.headers).find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? '';
  return type.startsWith('text/event-stream');
}

export interface Replayed {
  readonly route: Route;
  readonly reader: CallReader;
  readonly facts: CallFacts;
}

/**
 * Drives an adapter through a fixture: route, begin with the request's fields, then the
 * response's events (SSE) or fields (JSON). `events` keeps only that many events, as a
 * stream the client aborted.
 */
export function replay(adapter: ProviderAdapter, fixture: Fixture, baseUrl: string, options: { events?: number } = {}): Replayed {
  const head = headOf(fixture, baseUrl);
  const route = adapter.route(head);
  assert.ok(route, `${adapter.provider} does not recognise ${head.method} ${head.path}`);
  const reader = route.begin(extractFields(fixture.request.body, route.requestFields), head);
  const { status, body } = fixture.response;
  if (!isEventStream(fixture)) {
    return { route, reader, facts: reader.finish({ status, response: extractFields(body, reader.responseFields), aborted: false }) };
  }
  assert.equal(typeof body, 'string', 'an SSE body is its text');
  assert.ok(reader.onEvent, `${adapter.provider} reads no stream events for ${head.path}`);
  for (const e of sseEvents(body as string).slice(0, options.events)) reader.onEvent(e.event, e.data);
  return { route, reader, facts: reader.finish({ status, response: new Map(), aborted: options.events !== undefined }) };
}

const USAGE_KEYS = ['responseModel', 'items', 'noUsage', 'semconv', 'providerCost', 'extraUsage'] as const;

/** What the facts say was used (the keys present of these), for exact comparison whatever else facts carry. */
export function usageFacts(facts: CallFacts): Partial<CallFacts> {
  return Object.fromEntries(USAGE_KEYS.filter((k) => k in facts).map((k) => [k, facts[k]]));
}

let defaultPricer: Pricer | undefined;

/** Prices an item with the built-in default catalog, as the instrumentation would. */
export function priceWithDefaultCatalog(provider: string, item: PriceItem): { plan: string; tier: string; cost: string } {
  if (defaultPricer === undefined) {
    const loaded = loadCatalogs([]);
    assert.ok(loaded.ok, 'the default catalog loads');
    defaultPricer = loaded.pricer;
  }
  const request = { provider, operation: item.operation, usage: item.usage, dimensions: item.dimensions };
  let result = defaultPricer.price({ ...request, model: item.model });
  if (!result.priced && result.reason === 'unknown_model' && item.fallbackModel !== undefined) {
    result = defaultPricer.price({ ...request, model: item.fallbackModel });
  }
  assert.ok(result.priced, `unpriced: ${JSON.stringify(result)}`);
  return { plan: result.plan.id, tier: result.tier.name, cost: formatDecimal(result.cost) };
}
