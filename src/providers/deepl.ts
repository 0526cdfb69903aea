/**
 * DeepL API text translation (Pro and Free hosts): billed per source
 * character in Unicode code points. With `show_billed_characters` (which the
 * official Node client always sends) each translation reports
 * `billed_characters`, which excludes markup under tag handling: when the
 * response has them, their sum wins over the request's count.
 *
 * The request text is `text` as a JSON array; a string (and the repeated
 * `text` fields of a form-encoded body, read by name) is counted too.
 */
import { chars, sumOf, value, type Extracted } from './fields.js';
import { count } from './read.js';
import type { CallFacts, CallOutcome, CallReader, ProviderAdapter, Route } from './types.js';
import { PROVIDER_IDS } from './provider-ids.js';

const TEXT_PATHS = ['text', 'text.*'] as const;
const BILLED = 'translations.*.billed_characters';

/** Sum of the reported billed characters, or undefined when none (or a broken one) is reported. */
function billedCharacters(outcome: CallOutcome): number | undefined {
  const values = outcome.response.get(BILLED);
  if (values === undefined || values.length === 0) return undefined;
  let total = 0;
  for (const v of values) {
    const n = count(v);
    if (n === undefined) return undefined;
    total += n;
  }
  return total;
}

function translateRoute(): Route {
  return {
    operation: 'translation',
    requestFields: TEXT_PATHS.map(chars),
    begin(request: Extracted): CallReader {
      const found = TEXT_PATHS.some((p) => request.has(p));
      const requested = TEXT_PATHS.reduce((total, p) => total + sumOf(request, p), 0);
      return {
        responseFields: [value(BILLED)],
        finish(outcome): CallFacts {
          const characters = billedCharacters(outcome) ?? (found ? requested : undefined);
          if (characters === undefined) return { items: [], noUsage: true };
          return { items: [{ operation: 'translation', usage: { characters } }], extraUsage: { characters } };
        },
      };
    },
  };
}

export const deeplAdapter: ProviderAdapter = {
  provider: PROVIDER_IDS.deepl,
  baseUrls: ['https://api.deepl.com', 'https://api-free.deepl.com'],
  route(head) {
    return head.method === 'POST' && head.path === '/v2/translate' ? translateRoute() : undefined;
  },
};
