/**
 * DeepL API (`/deepl/v2/translate`, as api.deepl.com and api-free.deepl.com):
 * text translation, JSON or form-encoded; `billed_characters` per text when
 * `show_billed_characters` is set (markup excluded under `tag_handling`).
 * Also `GET /v2/usage`, which clients call to check their quota.
 */
import { fillerText, tokensOfChars } from '../text.js';
import type { EmulatorRequest, ErrorResponse, Operation, ProviderEmulator } from '../types.js';
import { str } from './common.js';

function message(status: number, text: string): ErrorResponse {
  return { status, body: { message: text } };
}

function codePoints(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** Characters DeepL bills for a text: code points, without tags when tags are handled. */
function billed(text: string, tagHandling: boolean): number {
  return codePoints(tagHandling ? text.replace(/<[^>]*>/g, '') : text);
}

const USED = 'deepl.characters';

function translate(request: EmulatorRequest): Operation {
  const body = request.body;
  const text =
    typeof body.text === 'string'
      ? [body.text]
      : Array.isArray(body.text) && body.text.every((t) => typeof t === 'string')
        ? (body.text as string[])
        : undefined;
  const refuse = (e: ErrorResponse): Operation => ({ name: 'translate', stream: false, respond: (r) => r.json(e.status, e.body) });
  if (text === undefined || text.length === 0) return refuse(message(400, "Parameter 'text' not specified."));
  const target = str(body.target_lang);
  if (target === undefined) return refuse(message(400, "Value for 'target_lang' not supported."));
  const tagHandling = str(body.tag_handling) !== undefined;
  const showBilled = body.show_billed_characters === true || body.show_billed_characters === 'true' || body.show_billed_characters === '1';
  const source = str(body.source_lang);
  return {
    name: 'translate',
    stream: false,
    respond(reply) {
      const counts = text.map((t) => billed(t, tagHandling));
      const characters = counts.reduce((a, b) => a + b, 0);
      reply.counters.set(USED, (reply.counters.get(USED) ?? 0) + characters);
      reply.usage({ characters });
      const translations = text.map((t, i) => {
        const out = fillerText(reply.rng, tokensOfChars(t.length)).slice(0, Math.max(1, t.length));
        return {
          detected_source_language: source?.toUpperCase() ?? 'EN',
          text: out,
          ...(showBilled ? { billed_characters: counts[i] } : {}),
        };
      });
      reply.json(200, { translations });
    },
  };
}

export const deepl: ProviderEmulator = {
  provider: 'deepl',
  apiRoot: '',
  route(request) {
    if (request.method === 'POST' && request.path === '/v2/translate') return translate(request);
    if (request.method === 'GET' && request.path === '/v2/usage') {
      return {
        name: 'usage',
        stream: false,
        respond: (r) => r.json(200, { character_count: r.counters.get(USED) ?? 0, character_limit: 1_000_000_000_000 }),
      };
    }
    return undefined;
  },
  error(kind) {
    switch (kind) {
      case 'rate_limit':
        return message(429, 'Too many requests');
      case 'server_error':
        return message(500, 'Internal server error');
      case 'overloaded':
        return message(503, 'Service unavailable');
    }
  },
  notFound: () => message(404, 'Not found'),
};
