/**
 * Google Cloud Translation, Basic (v2) and Advanced (v3) REST: billed per
 * source character (Unicode code points, markup included), known from the
 * request alone. v2 takes `q` as a string or an array (JSON here; a
 * form-encoded body gives repeated `q` fields by name, which the same specs
 * read); v3 takes `contents`. Language detection is billed like translation
 * but is its own operation. The v3 Node client speaks gRPC unless created with
 * `fallback: 'rest'`; only REST calls are seen here.
 */
import { chars, first, sumOf, value, type Extracted, type FieldSpec } from './fields.js';
import { modelName, text } from './read.js';
import type { CallFacts, CallReader, ProviderAdapter, Route } from './types.js';
import { PROVIDER_IDS } from './provider-ids.js';

const V3_PATH = /^\/v3(?:beta1)?\/projects\/[^/]+(?:\/locations\/[^/]+)?:(translateText|detectLanguage)$/;

/**
 * The model of a v3 request, without its resource prefix:
 * `projects/p/locations/l/models/general/nmt` → `general/nmt`.
 */
export function translationModel(raw: unknown): string | undefined {
  const name = text(raw);
  if (name === undefined) return undefined;
  const at = name.indexOf('/models/');
  return modelName(at >= 0 ? name.slice(at + '/models/'.length) : name);
}

/** A characters-billed call whose text fields are listed in `textPaths`. */
function charactersRoute(operation: string, textPaths: readonly string[], withModel: boolean): Route {
  const requestFields: FieldSpec[] = textPaths.map(chars);
  if (withModel) requestFields.push(value('model'));
  return {
    operation,
    requestFields,
    begin(request: Extracted): CallReader {
      const found = textPaths.some((p) => request.has(p));
      const characters = textPaths.reduce((total, p) => total + sumOf(request, p), 0);
      const model = withModel ? translationModel(first(request, 'model')) : undefined;
      return {
        requestModel: model,
        responseFields: [],
        finish(): CallFacts {
          if (!found) return { items: [], noUsage: true };
          const item = model === undefined ? { operation, usage: { characters } } : { operation, model, usage: { characters } };
          return { items: [item], extraUsage: { characters } };
        },
      };
    },
  };
}

export const googleCloudTranslateAdapter: ProviderAdapter = {
  provider: PROVIDER_IDS.gcpTranslate,
  baseUrls: ['https://translation.googleapis.com'],
  route(head) {
    if (head.method !== 'POST') return undefined;
    switch (head.path) {
      case '/language/translate/v2':
        return charactersRoute('translation', ['q', 'q.*'], true);
      case '/language/translate/v2/detect':
        return charactersRoute('language_detection', ['q', 'q.*'], false);
    }
    const m = V3_PATH.exec(head.path);
    if (m === null) return undefined;
    return m[1] === 'translateText'
      ? charactersRoute('translation', ['contents.*'], true)
      : charactersRoute('language_detection', ['content'], true);
  },
};
