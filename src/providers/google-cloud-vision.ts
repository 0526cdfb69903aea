/**
 * Google Cloud Vision (REST): billed per feature applied to an image, a PDF or
 * TIFF page counting as an image. The request body carries base64 images or
 * files, so only the small `features` (and `pages`) values are extracted,
 * never a request entry whole.
 *
 * One price item per distinct feature type, its `images` the number of images
 * (or file pages) that asked for it: `{ feature: 'label_detection' }` selects
 * the catalog tier. The official Node client speaks gRPC unless created with
 * `fallback: 'rest'`; only REST calls are seen here.
 */
import { count as countField, sumOf, value, type Extracted } from './fields.js';
import { count } from './read.js';
import type { CallFacts, CallReader, PriceItem, ProviderAdapter, Route } from './types.js';
import { PROVIDER_IDS } from './provider-ids.js';

/** `/v1/images:annotate`, `/v1p4beta1/projects/p/locations/eu/files:annotate`, … */
const ANNOTATE_PATH = /^\/v1(?:p\d+beta\d+)?\/(?:projects\/[^/]+\/(?:locations\/[^/]+\/)?)?(images|files):(annotate|asyncBatchAnnotate)$/;

/** Feature types are short upper-case enum names; anything else is not a label we keep. */
const FEATURE_TYPE = /^[A-Z][A-Z_]{0,63}$/;

/** Distinct feature types (lower-cased) of one request's `features` array. */
function featureTypes(features: unknown): Set<string> {
  const out = new Set<string>();
  if (!Array.isArray(features)) return out;
  for (const f of features) {
    const type = typeof f === 'object' && f !== null ? (f as Record<string, unknown>).type : undefined;
    if (typeof type === 'string' && FEATURE_TYPE.test(type) && type !== 'TYPE_UNSPECIFIED') out.add(type.toLowerCase());
  }
  return out;
}

/** One item per feature, in first-seen order; `images` per feature summed over the requests asking for it. */
function itemsOf(perRequest: readonly { features: Set<string>; images: number }[]): PriceItem[] {
  const images = new Map<string, number>();
  for (const r of perRequest) for (const f of r.features) images.set(f, (images.get(f) ?? 0) + r.images);
  return [...images].map(([feature, n]) => ({ operation: 'image_analysis', usage: { images: n }, dimensions: { feature } }));
}

function facts(perRequest: readonly { features: Set<string>; images: number }[], extra: Record<string, number>): CallFacts {
  const items = itemsOf(perRequest);
  if (items.length === 0) return { items: [], noUsage: true };
  // Each feature is billed on its own: the call costs their sum.
  return { items, itemsAreParts: true, extraUsage: extra };
}

/** images:annotate (and its async batch form): each request entry is one image. */
function imagesRoute(): Route {
  return {
    operation: 'image_analysis',
    requestFields: [value('requests.*.features')],
    begin(request: Extracted): CallReader {
      const perRequest = (request.get('requests.*.features') ?? []).map((f) => ({ features: featureTypes(f), images: 1 }));
      return {
        responseFields: [],
        finish(): CallFacts {
          // The bill follows the request; whether an error is charged is capture's call.
          return facts(perRequest, { images: perRequest.length });
        },
      };
    },
  };
}

/** Pages a file request names, or undefined when it names none. */
function namedPages(pages: unknown): number | undefined {
  if (!Array.isArray(pages) || pages.length === 0) return undefined;
  return pages.filter((p) => typeof p === 'number' && Number.isInteger(p) && p !== 0).length;
}

/**
 * files:annotate: each page annotated is billed as an image. The response lists
 * one result per page actually processed (`responses.*.responses.*`), which wins;
 * without it, the pages the request names; a request naming none may have fewer
 * than the default five pages, so its usage is unknown. The API takes one file per
 * call, so the call's pages apply to every feature asked for.
 */
function filesRoute(): Route {
  return {
    operation: 'image_analysis',
    requestFields: [value('requests.*.features'), value('requests.*.pages')],
    begin(request: Extracted): CallReader {
      const featureSets = (request.get('requests.*.features') ?? []).map(featureTypes);
      const named = (request.get('requests.*.pages') ?? []).map(namedPages);
      return {
        responseFields: [countField('responses.*.responses.*')],
        finish(outcome): CallFacts {
          let pages: number | undefined = outcome.response.has('responses.*.responses.*')
            ? sumOf(outcome.response, 'responses.*.responses.*')
            : undefined;
          if (pages === undefined && named.length === featureSets.length && named.every((n) => n !== undefined)) {
            pages = named.reduce<number>((a, n) => a + (n ?? 0), 0);
          }
          if (pages === undefined || count(pages) === undefined) return { items: [], noUsage: true };
          const all = new Set(featureSets.flatMap((s) => [...s]));
          return facts([{ features: all, images: pages }], { images: pages, pages });
        },
      };
    },
  };
}

export const googleCloudVisionAdapter: ProviderAdapter = {
  provider: PROVIDER_IDS.gcpVision,
  baseUrls: ['https://vision.googleapis.com', 'https://eu-vision.googleapis.com', 'https://us-vision.googleapis.com'],
  route(head) {
    if (head.method !== 'POST') return undefined;
    const m = ANNOTATE_PATH.exec(head.path);
    if (m === null) return undefined;
    if (m[1] === 'images') return imagesRoute();
    // Async file annotation runs over a whole stored file: its page count is not in the call.
    return m[2] === 'annotate' ? filesRoute() : undefined;
  },
};
