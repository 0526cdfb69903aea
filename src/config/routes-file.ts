/**
 * Custom routes from a file (PRICETAG_ROUTES), for zero-code users: YAML or JSON with a `routes:`
 * list of the same shape as the `routes` option. Validated like catalogs, every problem located as
 * FILE:LINE:COL: path: message. A route with a problem is left out on its own; the others are used.
 */
import * as v from 'valibot';
import type { CatalogProblem } from '../catalog/problems.js';
import { mismatch, record, strictObject } from '../catalog/schema.js';
import { parseSource, readSourceFile } from '../catalog/source.js';
import { validateDocument } from '../catalog/validate.js';
import type { CustomRoute } from '../providers/custom-routes.js';

const text = (what: string) => v.pipe(v.string(`must be ${what}`), v.minLength(1, `must be ${what}`));
const measure = v.optional(v.picklist(['value', 'chars', 'count'], 'must be value, chars or count'));

const sourceSchema = v.union(
  [
    strictObject({ request: text('a field path'), measure }),
    strictObject({ response: text('a field path'), measure, event: v.optional(text('an event name')) }),
    strictObject({ header: text('a header name') }),
    strictObject({
      pathSegment: v.pipe(
        v.number('must be a path segment index (0 for the first)'),
        v.integer('must be a path segment index (0 for the first)'),
        v.minValue(0, 'must be a path segment index (0 for the first)'),
      ),
    }),
    strictObject({ requestBytes: v.literal(true, 'must be true') }),
    strictObject({ value: v.union([v.string(), v.number()], 'must be a string or a number') }),
  ],
  'must be one of { request }, { response }, { header }, { pathSegment }, { requestBytes: true }, { value }',
);

const routeSchema = strictObject({
  host: v.pipe(text('a host'), v.regex(/^[a-z0-9.-]+(:\d+)?$/i, 'must be a host name, with :port unless the default')),
  path: v.pipe(text('a path pattern'), v.startsWith('/', 'must start with /')),
  method: v.optional(v.pipe(text('an HTTP method'), v.regex(/^[A-Za-z]+$/, 'must be an HTTP method'))),
  provider: text('a provider id'),
  operation: text('an operation name'),
  model: v.optional(v.union([v.string(), sourceSchema], 'must be a model name or a value source')),
  usage: v.optional(record(v.string(mismatch('string')), sourceSchema)),
  dimensions: v.optional(record(v.string(mismatch('string')), sourceSchema)),
});

const routesFileSchema = strictObject({ routes: v.array(routeSchema, 'must be a list of routes') });

export interface RoutesFileResult {
  /** The routes without problems, in file order. */
  readonly routes: readonly CustomRoute[];
  readonly problems: readonly CatalogProblem[];
}

/** The routes of one file's text; never throws. */
export function routesFromText(text: string, file: string): RoutesFileResult {
  const parsed = parseSource(text, file);
  if (!parsed.ok) return { routes: [], problems: parsed.problems };
  const value = parsed.source.value;
  const result = validateDocument(value, routesFileSchema, () => [], file, parsed.source);
  if (result.ok) return { routes: result.document.routes as CustomRoute[], problems: [] };
  const list = (value as { routes?: unknown } | null)?.routes;
  if (!Array.isArray(list)) return { routes: [], problems: result.problems };
  // Problems under routes[i] leave that route out; the rest are checked one by one.
  const bad = new Set(result.problems.filter((p) => p.path[0] === 'routes' && typeof p.path[1] === 'number').map((p) => p.path[1]));
  const routes = list.filter((_, i) => !bad.has(i)).filter((r) => v.is(routeSchema, r)) as CustomRoute[];
  return { routes, problems: result.problems };
}

export function routesFromFile(file: string): RoutesFileResult {
  const read = readSourceFile(file);
  return read.ok ? routesFromText(read.text, file) : { routes: [], problems: read.problems };
}
