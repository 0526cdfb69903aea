/**
 * Exa (api.exa.ai): search, contents and answer. Each response reports what
 * it cost in `costDollars.total` (US dollars), which becomes the provider's
 * own charge; our items price the same call from the catalog for comparison.
 *
 * - `/search` (and the older `/findSimilar`, priced like it): one request; the
 *   request's `type` (auto, neural, fast, deep, …) as the `search_type` dimension.
 * - `/contents`: one page per URL (`urls`, or the older `ids`).
 * - `/answer`: one request; streamed answers are read for a `costDollars` event.
 */
import { chars, count as countField, first, sumOf, value, type Extracted } from './fields.js';
import { dollars, hasJsonKey, parseJson, record, text } from './read.js';
import type { CallFacts, CallOutcome, CallReader, PriceItem, ProviderAdapter, Route } from './types.js';
import { PROVIDER_IDS } from './provider-ids.js';

const COST = 'costDollars.total';

/** A reported dollar cost as an exact decimal string, or undefined when it is not a non-negative number. */
/** Search types are short lower-case words; anything else is not a label we keep. */
function searchType(raw: unknown): string | undefined {
  const t = text(raw);
  return t !== undefined && /^[a-z][a-z_-]{0,31}$/.test(t) ? t : undefined;
}

/** A reader whose items are fixed by the request, and whose cost the response (or its stream) reports. */
function reader(item: PriceItem | undefined): CallReader {
  let streamed: unknown;
  return {
    responseFields: [value(COST)],
    onEvent(_event, data) {
      if (!hasJsonKey(data, 'costDollars')) return;
      const cost = record(record(parseJson(data))?.costDollars)?.total;
      if (cost !== undefined) streamed = cost;
    },
    finish(outcome: CallOutcome): CallFacts {
      const providerCost = dollars(first(outcome.response, COST) ?? streamed);
      if (item === undefined) return { items: [], noUsage: true, providerCost };
      return { items: [item], providerCost };
    },
  };
}

function searchRoute(): Route {
  return {
    operation: 'search',
    requestFields: [value('type')],
    begin(request: Extracted): CallReader {
      const type = searchType(first(request, 'type'));
      const item: PriceItem = {
        operation: 'search',
        usage: { requests: 1 },
        ...(type !== undefined && { dimensions: { search_type: type } }),
      };
      return reader(item);
    },
  };
}

/** Pages asked for: `urls` (or `ids`) as an array, or one string. */
function contentsRoute(): Route {
  const paths = ['urls', 'ids'] as const;
  return {
    operation: 'contents',
    requestFields: paths.flatMap((p) => [chars(p), countField(`${p}.*`)]),
    begin(request: Extracted): CallReader {
      let pages: number | undefined;
      for (const p of paths) {
        if (request.has(p)) pages = (pages ?? 0) + 1;
        if (request.has(`${p}.*`)) pages = (pages ?? 0) + sumOf(request, `${p}.*`);
      }
      return reader(pages === undefined ? undefined : { operation: 'contents', usage: { pages } });
    },
  };
}

function answerRoute(): Route {
  return {
    operation: 'answer',
    requestFields: [],
    begin: (): CallReader => reader({ operation: 'answer', usage: { requests: 1 } }),
  };
}

export const exaAdapter: ProviderAdapter = {
  provider: PROVIDER_IDS.exa,
  baseUrls: ['https://api.exa.ai'],
  route(head) {
    if (head.method !== 'POST') return undefined;
    switch (head.path) {
      case '/search':
      case '/findSimilar':
        return searchRoute();
      case '/contents':
        return contentsRoute();
      case '/answer':
        return answerRoute();
      default:
        return undefined;
    }
  },
};
