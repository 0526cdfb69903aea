/**
 * Exa (`/exa/search`, `/findSimilar`, `/contents`, `/answer`, as api.exa.ai).
 * Every response reports its own charge in `costDollars`, computed from Exa's
 * list prices: search with contents $0.007 for up to 10 results (+$0.001 a
 * result beyond), deep search $0.015, contents $0.001 a page, answers $0.005.
 */
import { randomUUID } from 'node:crypto';
import type { Random } from '../random.js';
import { fillerText, randomHex } from '../text.js';
import type { EmulatorRequest, ErrorResponse, Json, Operation, ProviderEmulator } from '../types.js';
import { dollars, int, list, record, str } from './common.js';

function exaError(status: number, error: string, tag: string): ErrorResponse {
  // Error ids need no seed: errors carry no content.
  return { status, body: { requestId: randomUUID().replaceAll('-', ''), error, tag } };
}

function refuse(name: string, e: ErrorResponse): Operation {
  return { name, stream: false, respond: (r) => r.json(e.status, e.body) };
}

function result(rng: Random, withText: boolean): Json {
  const url = `https://example.org/article/${rng.int(10000, 99999)}`;
  return {
    id: url,
    title: fillerText(rng, 6).replace(/\.$/, ''),
    url,
    publishedDate: rng.bernoulli(0.7) ? new Date(Date.UTC(2025, rng.int(0, 11), rng.int(1, 28))).toISOString() : null,
    author: null,
    ...(withText ? { text: fillerText(rng, 60) } : {}),
  };
}

const SEARCH_TYPES = ['auto', 'neural', 'keyword', 'fast', 'deep'];

function search(request: EmulatorRequest, name: string): Operation {
  const body = request.body;
  if (name === 'search' && str(body.query) === undefined) return refuse(name, exaError(400, 'query is required', 'INVALID_REQUEST_BODY'));
  if (name === 'findSimilar' && str(body.url) === undefined) return refuse(name, exaError(400, 'url is required', 'INVALID_REQUEST_BODY'));
  const type = str(body.type) ?? 'auto';
  if (!SEARCH_TYPES.includes(type)) return refuse(name, exaError(400, `Invalid search type: ${type}`, 'INVALID_REQUEST_BODY'));
  const n = Math.min(100, int(body.numResults) ?? 10);
  const withText = record(body.contents)?.text !== undefined && record(body.contents)?.text !== false;
  return {
    name,
    stream: false,
    respond(reply) {
      const rng = reply.rng;
      const resolved = type === 'auto' ? rng.choice(['neural', 'keyword']) : type;
      const total = dollars((type === 'deep' ? 0.015 : 0.007) + Math.max(0, n - 10) * 0.001);
      reply.usage({ requests: 1, results: n });
      reply.json(200, {
        requestId: randomHex(rng, 32),
        resolvedSearchType: resolved,
        results: Array.from({ length: n }, () => result(rng, withText)),
        searchTime: Math.round(rng.uniform(150, 900) * 10) / 10,
        costDollars: { total, search: { [resolved]: total } },
      });
    },
  };
}

function contents(request: EmulatorRequest): Operation {
  const body = request.body;
  const urls = [...list(body.urls), ...list(body.ids)].filter((u): u is string => typeof u === 'string');
  if (urls.length === 0) return refuse('contents', exaError(400, 'urls is required', 'INVALID_REQUEST_BODY'));
  return {
    name: 'contents',
    stream: false,
    respond(reply) {
      const rng = reply.rng;
      const total = dollars(urls.length * 0.001);
      reply.usage({ pages: urls.length });
      reply.json(200, {
        requestId: randomHex(rng, 32),
        results: urls.map((url) => ({ id: url, url, title: fillerText(rng, 5).replace(/\.$/, ''), text: fillerText(rng, 120) })),
        statuses: urls.map((id) => ({ id, status: 'success' })),
        costDollars: { total, contents: { text: total } },
      });
    },
  };
}

function answer(request: EmulatorRequest): Operation {
  if (str(request.body.query) === undefined) return refuse('answer', exaError(400, 'query is required', 'INVALID_REQUEST_BODY'));
  return {
    name: 'answer',
    stream: false,
    respond(reply) {
      const rng = reply.rng;
      reply.usage({ requests: 1 });
      const citations = Array.from({ length: rng.int(1, 3) }, () => {
        const { id, url, title, publishedDate, author } = result(rng, false);
        return { id, url, title, publishedDate, author };
      });
      reply.json(200, { answer: fillerText(rng, 40), citations, requestId: randomHex(rng, 32), costDollars: { total: 0.005 } });
    },
  };
}

export const exa: ProviderEmulator = {
  provider: 'exa',
  apiRoot: '',
  route(request) {
    if (request.method !== 'POST') return undefined;
    switch (request.path) {
      case '/search':
        return search(request, 'search');
      case '/findSimilar':
        return search(request, 'findSimilar');
      case '/contents':
        return contents(request);
      case '/answer':
        return answer(request);
      default:
        return undefined;
    }
  },
  error(kind) {
    switch (kind) {
      case 'rate_limit':
        return exaError(429, 'You have exceeded your rate limit. Please slow down.', 'RATE_LIMIT_EXCEEDED');
      case 'server_error':
        return exaError(500, 'Internal server error', 'INTERNAL_ERROR');
      case 'overloaded':
        return exaError(503, 'Service temporarily unavailable', 'SERVICE_UNAVAILABLE');
    }
  },
  notFound: () => exaError(404, 'Not found', 'NOT_FOUND'),
};
