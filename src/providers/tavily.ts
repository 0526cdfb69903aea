/**
 * Tavily (api.tavily.com): credit-priced search and extraction.
 *
 * - `/search`: one request, its tier by `search_depth` (default `basic`). With
 *   `auto_parameters` and no explicit depth, the depth Tavily chose (reported
 *   back under `auto_parameters`) is the one billed.
 * - `/extract`: billed per successful URL by `extract_depth` (default `basic`):
 *   the response's `results` count when it lists results, else the URLs asked for.
 * - `/crawl`, `/map`: pages returned (no default plan; credits show the charge).
 *
 * When the request set `include_usage`, the response's `usage.credits` goes on
 * the span as `ai.usage.credits`.
 */
import { chars, count as countField, first, sumOf, value, type Extracted } from './fields.js';
import { count, text } from './read.js';
import type { CallFacts, CallOutcome, CallReader, ProviderAdapter, Route } from './types.js';
import { PROVIDER_IDS } from './provider-ids.js';

/** Depth values are short lower-case words; anything else is not a label we keep. */
function depth(raw: unknown): string | undefined {
  const d = text(raw);
  return d !== undefined && /^[a-z][a-z_-]{0,31}$/.test(d) ? d : undefined;
}

function credits(outcome: CallOutcome): Record<string, number> | undefined {
  const c = count(first(outcome.response, 'usage.credits'));
  return c === undefined ? undefined : { credits: c };
}

function searchRoute(): Route {
  return {
    operation: 'search',
    requestFields: [value('search_depth'), value('auto_parameters')],
    begin(request: Extracted): CallReader {
      const explicit = depth(first(request, 'search_depth'));
      return {
        responseFields: [value('usage.credits'), value('auto_parameters.search_depth')],
        finish(outcome): CallFacts {
          const search_depth = explicit ?? depth(first(outcome.response, 'auto_parameters.search_depth')) ?? 'basic';
          return { items: [{ operation: 'search', usage: { requests: 1 }, dimensions: { search_depth } }], extraUsage: credits(outcome) };
        },
      };
    },
  };
}

/** Successful extractions when the response lists them, else the URLs asked for. */
function extractRoute(): Route {
  return {
    operation: 'extract',
    // `urls` is a string (one URL: `chars` finds it) or an array (counted, never kept).
    requestFields: [chars('urls'), countField('urls.*'), value('extract_depth')],
    begin(request: Extracted): CallReader {
      const requested = request.has('urls') ? 1 : request.has('urls.*') ? sumOf(request, 'urls.*') : undefined;
      const extract_depth = depth(first(request, 'extract_depth')) ?? 'basic';
      return {
        responseFields: [countField('results.*'), countField('failed_results.*'), value('usage.credits')],
        finish(outcome): CallFacts {
          const body = outcome.response;
          const listed = body.has('results.*') || body.has('failed_results.*');
          const n = listed ? sumOf(body, 'results.*') : requested;
          if (n === undefined) return { items: [], noUsage: true };
          return { items: [{ operation: 'extract', usage: { urls: n }, dimensions: { extract_depth } }], extraUsage: credits(outcome) };
        },
      };
    },
  };
}

/** Crawl and map: pages returned, known only from the response. */
function pagesRoute(operation: 'crawl' | 'map'): Route {
  return {
    operation,
    requestFields: operation === 'crawl' ? [value('extract_depth')] : [],
    begin(request: Extracted): CallReader {
      const extract_depth = operation === 'crawl' ? (depth(first(request, 'extract_depth')) ?? 'basic') : undefined;
      return {
        responseFields: [countField('results.*'), value('usage.credits')],
        finish(outcome): CallFacts {
          const extra = credits(outcome);
          if (outcome.status >= 400 || outcome.aborted) return { items: [], noUsage: true, extraUsage: extra };
          const pages = sumOf(outcome.response, 'results.*');
          const dimensions = extract_depth === undefined ? undefined : { extract_depth };
          return { items: [{ operation, usage: { pages }, ...(dimensions && { dimensions }) }], extraUsage: extra };
        },
      };
    },
  };
}

export const tavilyAdapter: ProviderAdapter = {
  provider: PROVIDER_IDS.tavily,
  baseUrls: ['https://api.tavily.com'],
  route(head) {
    if (head.method !== 'POST') return undefined;
    switch (head.path) {
      case '/search':
        return searchRoute();
      case '/extract':
        return extractRoute();
      case '/crawl':
        return pagesRoute('crawl');
      case '/map':
        return pagesRoute('map');
      default:
        return undefined;
    }
  },
};
