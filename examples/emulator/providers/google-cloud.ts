/**
 * Google Cloud pay-per-request APIs (REST):
 *
 * - Vision (`/google-cloud-vision/v1/images:annotate`, also under
 *   `projects/{p}/locations/{l}/`, and `files:annotate` for PDF/TIFF pages):
 *   one response per image, one annotation per feature asked for.
 * - Translation Basic v2 (`/google-cloud-translate/language/translate/v2`,
 *   `…/detect`) and Advanced v3 (`/v3/projects/{p}[/locations/{l}]:translateText`,
 *   `:detectLanguage`).
 */
import type { Random } from '../random.js';
import { fillerText, tokensOfChars } from '../text.js';
import type { EmulatorRequest, Json, Operation, ProviderEmulator } from '../types.js';
import { googleError, googleFault, int, list, record, str } from './common.js';

function invalid(name: string, message: string): Operation {
  const e = googleError(400, 'INVALID_ARGUMENT', message);
  return { name, stream: false, respond: (r) => r.json(e.status, e.body) };
}

/** Filler of about `chars` characters (translations, detected text). */
function textOfLength(rng: Random, chars: number): string {
  const text = fillerText(rng, tokensOfChars(Math.max(1, chars)));
  return text.length > chars ? text.slice(0, Math.max(1, chars)) : text;
}

// ---------------------------------------------------------------------------
// Vision

const LABELS: readonly (readonly [string, string])[] = [
  ['/m/01bqvp', 'Sky'],
  ['/m/0cgh4', 'Building'],
  ['/m/05s2s', 'Plant'],
  ['/m/04bcr3', 'Table'],
  ['/m/01g317', 'Person'],
  ['/m/07yv9', 'Vehicle'],
  ['/m/07s6nbt', 'Text'],
  ['/m/03scnj', 'Line'],
  ['/m/07j7r', 'Tree'],
  ['/m/0838f', 'Water'],
];
const LIKELIHOODS = ['VERY_UNLIKELY', 'UNLIKELY', 'POSSIBLE'] as const;

function score(rng: Random): number {
  return Math.round(rng.uniform(0.6, 0.99) * 1000) / 1000;
}

function box(rng: Random): Json {
  const x = rng.uniform(0, 0.5);
  const y = rng.uniform(0, 0.5);
  const w = rng.uniform(0.1, 0.5);
  const h = rng.uniform(0.1, 0.5);
  const r = (v: number) => Math.round(v * 1000) / 1000;
  return {
    normalizedVertices: [
      { x: r(x), y: r(y) },
      { x: r(x + w), y: r(y) },
      { x: r(x + w), y: r(y + h) },
      { x: r(x), y: r(y + h) },
    ],
  };
}

/** The annotation fields one feature adds to an image's response. */
function annotate(rng: Random, type: string, maxResults: number | undefined): Json {
  const n = Math.min(maxResults ?? 10, rng.int(1, 5));
  const labels = () => Array.from({ length: n }, () => rng.choice(LABELS));
  switch (type) {
    case 'LABEL_DETECTION':
      return { labelAnnotations: labels().map(([mid, description]) => ({ mid, description, score: score(rng), topicality: score(rng) })) };
    case 'TEXT_DETECTION':
    case 'DOCUMENT_TEXT_DETECTION': {
      const text = `${textOfLength(rng, rng.int(20, 200))}\n`;
      const full = { fullTextAnnotation: { text, pages: [{ width: 1024, height: 768, blocks: [] }] } };
      return type === 'TEXT_DETECTION' ? { textAnnotations: [{ locale: 'en', description: text, boundingPoly: box(rng) }], ...full } : full;
    }
    case 'FACE_DETECTION':
      return {
        faceAnnotations: Array.from({ length: Math.min(n, 2) }, () => ({
          boundingPoly: box(rng),
          detectionConfidence: score(rng),
          joyLikelihood: rng.choice(LIKELIHOODS),
          sorrowLikelihood: 'VERY_UNLIKELY',
          angerLikelihood: 'VERY_UNLIKELY',
          surpriseLikelihood: 'VERY_UNLIKELY',
        })),
      };
    case 'LANDMARK_DETECTION':
      return {
        landmarkAnnotations: [
          {
            mid: '/m/0example',
            description: 'Example Landmark',
            score: score(rng),
            locations: [{ latLng: { latitude: 48.8584, longitude: 2.2945 } }],
          },
        ],
      };
    case 'LOGO_DETECTION':
      return { logoAnnotations: [{ mid: '/m/0logo', description: 'Example Logo', score: score(rng), boundingPoly: box(rng) }] };
    case 'SAFE_SEARCH_DETECTION':
      return {
        safeSearchAnnotation: {
          adult: 'VERY_UNLIKELY',
          spoof: 'UNLIKELY',
          medical: 'VERY_UNLIKELY',
          violence: 'VERY_UNLIKELY',
          racy: rng.choice(LIKELIHOODS),
        },
      };
    case 'IMAGE_PROPERTIES':
      return {
        imagePropertiesAnnotation: {
          dominantColors: {
            colors: Array.from({ length: 3 }, () => ({
              color: { red: rng.int(0, 255), green: rng.int(0, 255), blue: rng.int(0, 255) },
              score: score(rng),
              pixelFraction: score(rng) / 3,
            })),
          },
        },
      };
    case 'CROP_HINTS':
      return { cropHintsAnnotation: { cropHints: [{ boundingPoly: box(rng), confidence: score(rng), importanceFraction: 1 }] } };
    case 'WEB_DETECTION': {
      const [mid, description] = rng.choice(LABELS);
      return {
        webDetection: {
          webEntities: [{ entityId: mid, score: score(rng), description }],
          bestGuessLabels: [{ label: description.toLowerCase(), languageCode: 'en' }],
          visuallySimilarImages: [],
        },
      };
    }
    case 'OBJECT_LOCALIZATION':
      return { localizedObjectAnnotations: labels().map(([mid, name]) => ({ mid, name, score: score(rng), boundingPoly: box(rng) })) };
    default:
      return {};
  }
}

function annotateImage(rng: Random, request: unknown): Json {
  const out: Json = {};
  for (const f of list(record(request)?.features)) {
    const type = str(record(f)?.type);
    if (type !== undefined) Object.assign(out, annotate(rng, type, int(record(f)?.maxResults)));
  }
  return out;
}

function imagesAnnotate(request: EmulatorRequest): Operation {
  const requests = list(request.body.requests);
  if (requests.length === 0) return invalid('images:annotate', 'No requests specified.');
  return {
    name: 'images:annotate',
    stream: false,
    respond(reply) {
      const features = requests.reduce<number>((n, r) => n + new Set(list(record(r)?.features).map((f) => str(record(f)?.type))).size, 0);
      reply.usage({ images: requests.length, feature_units: features });
      reply.json(200, { responses: requests.map((r) => annotateImage(reply.rng, r)) });
    },
  };
}

/** files:annotate: the pages asked for (negative counts from the end), else the first five. */
function filesAnnotate(request: EmulatorRequest): Operation {
  const requests = list(request.body.requests);
  if (requests.length !== 1) return invalid('files:annotate', 'Exactly one file request is supported.');
  return {
    name: 'files:annotate',
    stream: false,
    respond(reply) {
      const rng = reply.rng;
      const r = requests[0];
      const totalPages = rng.int(1, 12);
      const asked = list(record(r)?.pages).filter((p): p is number => typeof p === 'number' && Number.isInteger(p) && p !== 0);
      const pages = (asked.length > 0 ? asked.map((p) => (p > 0 ? p : totalPages + 1 + p)) : [1, 2, 3, 4, 5]).filter(
        (p) => p >= 1 && p <= totalPages,
      );
      reply.usage({ pages: pages.length });
      reply.json(200, {
        responses: [{ responses: pages.map((pageNumber) => ({ ...annotateImage(rng, r), context: { pageNumber } })), totalPages }],
      });
    },
  };
}

const ANNOTATE_PATH = /^\/v1(?:p\d+beta\d+)?\/(?:projects\/[^/]+\/(?:locations\/[^/]+\/)?)?(images|files):annotate$/;

export const googleCloudVision: ProviderEmulator = {
  provider: 'gcp.vision',
  prefix: 'google-cloud-vision',
  apiRoot: '',
  route(request) {
    if (request.method !== 'POST') return undefined;
    const m = ANNOTATE_PATH.exec(request.path);
    if (m === null) return undefined;
    return m[1] === 'images' ? imagesAnnotate(request) : filesAnnotate(request);
  },
  error: (kind, _request, retryAfter) =>
    googleFault(
      kind,
      retryAfter,
      "Quota exceeded for quota metric 'Requests' and limit 'Requests per minute' of service 'vision.googleapis.com'.",
    ),
  notFound: (request) => googleError(404, 'NOT_FOUND', `The requested URL ${request.path} was not found on this server.`),
};

// ---------------------------------------------------------------------------
// Translation

const V3_PATH = /^\/v3(?:beta1)?\/projects\/([^/:]+)(?:\/locations\/([^/:]+))?:(translateText|detectLanguage)$/;

function texts(value: unknown): string[] | undefined {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string')) return value as string[];
  return undefined;
}

function codePoints(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function v2Translate(request: EmulatorRequest): Operation {
  const q = texts(request.body.q);
  const target = str(request.body.target);
  if (q === undefined) return invalid('translate', "Required Text parameter 'q' is missing.");
  if (target === undefined) return invalid('translate', 'Invalid Value');
  const source = str(request.body.source);
  return {
    name: 'translate',
    model: str(request.body.model) ?? 'nmt',
    stream: false,
    respond(reply) {
      reply.usage({ characters: q.reduce((n, t) => n + codePoints(t), 0) });
      const translations = q.map((t) => ({
        translatedText: textOfLength(reply.rng, t.length),
        ...(source === undefined ? { detectedSourceLanguage: 'en' } : {}),
      }));
      reply.json(200, { data: { translations } });
    },
  };
}

function v2Detect(request: EmulatorRequest): Operation {
  const q = texts(request.body.q);
  if (q === undefined) return invalid('detect', "Required Text parameter 'q' is missing.");
  return {
    name: 'detect',
    stream: false,
    respond(reply) {
      reply.usage({ characters: q.reduce((n, t) => n + codePoints(t), 0) });
      reply.json(200, { data: { detections: q.map(() => [{ language: 'en', isReliable: false, confidence: 1 }]) } });
    },
  };
}

function v3(request: EmulatorRequest, project: string, location: string, method: string): Operation {
  const body = request.body;
  if (method === 'detectLanguage') {
    const content = str(body.content);
    if (content === undefined) return invalid('detectLanguage', 'Content is empty.');
    return {
      name: 'detectLanguage',
      stream: false,
      respond(reply) {
        reply.usage({ characters: codePoints(content) });
        reply.json(200, { languages: [{ languageCode: 'en', confidence: 1 }] });
      },
    };
  }
  const contents = texts(body.contents);
  if (contents === undefined) return invalid('translateText', 'Empty contents.');
  if (str(body.targetLanguageCode) === undefined) return invalid('translateText', 'Target language is empty.');
  const model = str(body.model);
  return {
    name: 'translateText',
    model: model ?? 'general/nmt',
    stream: false,
    respond(reply) {
      reply.usage({ characters: contents.reduce((n, t) => n + codePoints(t), 0) });
      const modelName = `projects/${project}/locations/${location}/models/${model?.split('/models/')[1] ?? 'general/nmt'}`;
      const translations = contents.map((t) => ({
        translatedText: textOfLength(reply.rng, t.length),
        ...(model === undefined ? {} : { model: modelName }),
        ...(str(body.sourceLanguageCode) === undefined ? { detectedLanguageCode: 'en' } : {}),
      }));
      reply.json(200, { translations });
    },
  };
}

export const googleCloudTranslate: ProviderEmulator = {
  provider: 'gcp.translate',
  prefix: 'google-cloud-translate',
  apiRoot: '',
  route(request) {
    if (request.method !== 'POST') return undefined;
    switch (request.path) {
      case '/language/translate/v2':
        return v2Translate(request);
      case '/language/translate/v2/detect':
        return v2Detect(request);
    }
    const m = V3_PATH.exec(request.path);
    return m === null ? undefined : v3(request, m[1]!, m[2] ?? 'global', m[3]!);
  },
  error: (kind, _request, retryAfter) =>
    googleFault(
      kind,
      retryAfter,
      "Quota exceeded for quota metric 'v2 and v3 general model characters' and limit 'per minute' of service 'translate.googleapis.com'.",
    ),
  notFound: (request) => googleError(404, 'NOT_FOUND', `The requested URL ${request.path} was not found on this server.`),
};
