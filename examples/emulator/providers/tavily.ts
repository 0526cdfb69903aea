/**
 * Tavily (`/tavily/search`, `/extract`, `/crawl`, `/map`, as api.tavily.com).
 * Search is billed in credits by depth (basic 1, advanced 2), reported under
 * `usage.credits` when the request sets `include_usage`; with
 * `auto_parameters` and no explicit depth the response says which depth it
 * chose. Extraction costs a credit (two when advanced) per five URLs.
 */
import type { Random } from '../random.js';
import { fillerText, randomUuid } from '../text.js';
import type { EmulatorRequest, ErrorResponse, Json, Operation, ProviderEmulator, Reply } from '../types.js';
import { int, list, str } from './common.js';

const SEARCH_CREDITS: Readonly<Record<string, number>> = { basic: 1, advanced: 2, fast: 1, 'ultra-fast': 1 };

function detail(status: number, error: string): ErrorResponse {
  return { status, body: { detail: { error } } };
}

function refuse(name: string, e: ErrorResponse): Operation {
  return { name, stream: false, respond: (r) => r.json(e.status, e.body) };
}

function seconds(rng: Random, min: number, max: number): number {
  return Math.round(rng.uniform(min, max) * 100) / 100;
}

function page(rng: Random, i: number): { url: string; title: string } {
  return { url: `https://example.org/result/${rng.int(1000, 9999)}-${i}`, title: fillerText(rng, 6).replace(/\.$/, '') };
}

function search(request: EmulatorRequest): Operation {
  const body = request.body;
  const query = str(body.query);
  if (query === undefined) return refuse('search', detail(400, 'Query is missing.'));
  const explicit = str(body.search_depth);
  if (explicit !== undefined && SEARCH_CREDITS[explicit] === undefined)
    return refuse('search', detail(400, `Invalid search depth: ${explicit}. Must be one of: basic, advanced, fast, ultra-fast.`));
  const maxResults = Math.min(20, int(body.max_results) ?? 5);
  const auto = body.auto_parameters === true;
  return {
    name: 'search',
    stream: false,
    respond(reply: Reply) {
      const rng = reply.rng;
      const depth = explicit ?? (auto ? rng.choice(['basic', 'advanced']) : 'basic');
      const credits = SEARCH_CREDITS[depth]!;
      reply.usage({ requests: 1, credits });
      const results = Array.from({ length: maxResults }, (_, i) => ({
        ...page(rng, i),
        content: fillerText(rng, depth === 'advanced' ? 120 : 50),
        score: Math.round(rng.uniform(0.5, 0.99) * 100) / 100,
        raw_content: body.include_raw_content === true || typeof body.include_raw_content === 'string' ? fillerText(rng, 400) : null,
      }));
      const answer = body.include_answer === true || typeof body.include_answer === 'string' ? fillerText(rng, 60) : null;
      const out: Json = {
        query,
        follow_up_questions: null,
        answer,
        images: [],
        results,
        ...(auto ? { auto_parameters: { topic: str(body.topic) ?? 'general', search_depth: depth } } : {}),
        response_time: depth === 'advanced' ? seconds(rng, 1.5, 4) : seconds(rng, 0.5, 2),
        ...(body.include_usage === true ? { usage: { credits } } : {}),
        request_id: randomUuid(rng),
      };
      reply.json(200, out);
    },
  };
}

function extract(request: EmulatorRequest): Operation {
  const body = request.body;
  const urls = typeof body.urls === 'string' ? [body.urls] : list(body.urls).filter((u): u is string => typeof u === 'string');
  if (urls.length === 0) return refuse('extract', detail(400, 'No URLs provided.'));
  if (urls.length > 20) return refuse('extract', detail(400, 'Max 20 URLs are allowed.'));
  const advanced = body.extract_depth === 'advanced';
  return {
    name: 'extract',
    stream: false,
    respond(reply) {
      const rng = reply.rng;
      // About one URL in ten cannot be fetched, as on the open web.
      const ok = urls.filter(() => !rng.bernoulli(0.1));
      const failed = urls.filter((u) => !ok.includes(u));
      const credits = Math.ceil(ok.length / 5) * (advanced ? 2 : 1);
      reply.usage({ urls: ok.length, credits });
      reply.json(200, {
        results: ok.map((url) => ({ url, raw_content: fillerText(rng, advanced ? 800 : 300), images: [] })),
        failed_results: failed.map((url) => ({ url, error: 'Failed to fetch url' })),
        response_time: seconds(rng, 0.4, advanced ? 3 : 1.5),
        ...(body.include_usage === true ? { usage: { credits } } : {}),
        request_id: randomUuid(rng),
      });
    },
  };
}

function pages(request: EmulatorRequest, operation: 'crawl' | 'map'): Operation {
  const body = request.body;
  const url = str(body.url);
  if (url === undefined) return refuse(operation, detail(400, 'URL is missing.'));
  const limit = Math.min(int(body.limit) ?? 50, 100);
  return {
    name: operation,
    stream: false,
    respond(reply) {
      const rng = reply.rng;
      const n = rng.int(1, Math.max(1, Math.min(limit, 20)));
      const urls = Array.from({ length: n }, (_, i) => `${url.replace(/\/$/, '')}/page-${i + 1}`);
      reply.usage({ pages: n });
      const results = operation === 'map' ? urls : urls.map((u) => ({ url: u, raw_content: fillerText(rng, 300), images: [] }));
      reply.json(200, { base_url: url, results, response_time: seconds(rng, 1, 6), request_id: randomUuid(rng) });
    },
  };
}

export const tavily: ProviderEmulator = {
  provider: 'tavily',
  apiRoot: '',
  route(request) {
    if (request.method !== 'POST') return undefined;
    switch (request.path) {
      case '/search':
        return search(request);
      case '/extract':
        return extract(request);
      case '/crawl':
        return pages(request, 'crawl');
      case '/map':
        return pages(request, 'map');
      default:
        return undefined;
    }
  },
  error(kind) {
    switch (kind) {
      case 'rate_limit':
        return detail(429, 'Your request has been blocked due to excessive requests. Please reduce rate of requests.');
      case 'server_error':
        return detail(500, 'Internal Server Error');
      case 'overloaded':
        return detail(503, 'Service Unavailable');
    }
  },
  notFound: () => ({ status: 404, body: { detail: 'Not Found' } }),
};
