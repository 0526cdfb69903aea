/**
 * AWS AI services on the JSON 1.1 protocol: `POST /aws-<service>` (or `…/`)
 * with the action in `x-amz-target`, as the AWS SDK sends to a custom
 * endpoint. Comprehend (sentiment, entities, key phrases, language, and their
 * batch forms), Translate (TranslateText) and Rekognition image APIs.
 */
import type { Random } from '../random.js';
import { fillerText, randomUuid, tokensOfChars } from '../text.js';
import type { EmulatorRequest, ErrorKind, ErrorResponse, Json, Operation, ProviderEmulator, Reply } from '../types.js';
import { int, list, record, str } from './common.js';

const CONTENT_TYPE = 'application/x-amz-json-1.1';

function awsError(status: number, type: string, message: string): ErrorResponse {
  return { status, body: { __type: type, message }, headers: { 'content-type': CONTENT_TYPE, 'x-amzn-errortype': type } };
}

function faultOf(kind: ErrorKind): ErrorResponse {
  switch (kind) {
    case 'rate_limit':
      return awsError(429, 'ThrottlingException', 'Rate exceeded');
    case 'server_error':
      return awsError(500, 'InternalServerException', 'An internal error occurred.');
    case 'overloaded':
      return awsError(503, 'ServiceUnavailableException', 'Service is unavailable.');
  }
}

function respondAws(reply: Reply, body: Json): void {
  reply.json(200, body, { 'content-type': CONTENT_TYPE, 'x-amzn-requestid': randomUuid(reply.rng) });
}

function refuse(name: string, e: ErrorResponse): Operation {
  return { name, stream: false, respond: (r) => r.json(e.status, e.body, e.headers) };
}

function validation(field: string): ErrorResponse {
  return awsError(
    400,
    'ValidationException',
    `1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`,
  );
}

type Action = (request: EmulatorRequest) => Operation;

/** A JSON-protocol service: `actions` by the part of `x-amz-target` after `targetPrefix.`. */
function awsService(provider: string, prefix: string, targetPrefix: string, actions: Readonly<Record<string, Action>>): ProviderEmulator {
  return {
    provider,
    prefix,
    apiRoot: '',
    route(request) {
      if (request.method !== 'POST' || request.path !== '/') return undefined;
      const target = request.headers['x-amz-target'];
      if (typeof target !== 'string' || !target.startsWith(`${targetPrefix}.`)) return undefined;
      const action = target.slice(targetPrefix.length + 1);
      return Object.hasOwn(actions, action) ? actions[action]!(request) : undefined;
    },
    error: (kind) => faultOf(kind),
    notFound: () => awsError(400, 'UnknownOperationException', ''),
  };
}

// ---------------------------------------------------------------------------
// Comprehend

/** Comprehend's limit on one document, in UTF-8 bytes. */
const MAX_TEXT_BYTES = 5000;

function sentiment(rng: Random): Json {
  const raw = [rng.uniform(0, 1) ** 2, rng.uniform(0, 1) ** 2, rng.uniform(0, 1), rng.uniform(0, 0.1)];
  const sum = raw.reduce((a, b) => a + b, 0);
  const [positive, negative, neutral, mixed] = raw.map((x) => Math.round((x / sum) * 1e6) / 1e6) as [number, number, number, number];
  const best = Math.max(positive, negative, neutral, mixed);
  const label = best === positive ? 'POSITIVE' : best === negative ? 'NEGATIVE' : best === neutral ? 'NEUTRAL' : 'MIXED';
  return { Sentiment: label, SentimentScore: { Positive: positive, Negative: negative, Neutral: neutral, Mixed: mixed } };
}

/** What each real-time action returns for one document; never text taken from the document. */
const COMPREHEND_RESULTS: Readonly<Record<string, (rng: Random, chars: number) => Json>> = {
  DetectSentiment: (rng) => sentiment(rng),
  DetectEntities: (rng, chars) => ({
    Entities:
      chars < 20
        ? []
        : [
            {
              Score: 0.99,
              Type: rng.choice(['ORGANIZATION', 'LOCATION', 'DATE', 'PERSON']),
              Text: 'Example',
              BeginOffset: 0,
              EndOffset: 7,
            },
          ],
  }),
  DetectKeyPhrases: (rng, chars) => ({
    KeyPhrases:
      chars < 10 ? [] : [{ Score: Math.round(rng.uniform(0.8, 1) * 1e6) / 1e6, Text: 'key phrase', BeginOffset: 0, EndOffset: 10 }],
  }),
  DetectDominantLanguage: (rng) => ({ Languages: [{ LanguageCode: 'en', Score: Math.round(rng.uniform(0.9, 1) * 1e6) / 1e6 }] }),
};

function comprehendAction(action: string, batch: boolean): Action {
  const result = COMPREHEND_RESULTS[action]!;
  const name = batch ? `Batch${action}` : action;
  return (request) => {
    const body = request.body;
    const field = batch ? 'TextList' : 'Text';
    const documents = batch ? list(body.TextList) : [body.Text];
    if (documents.length === 0 || documents.some((d) => typeof d !== 'string'))
      return refuse(name, validation(field === 'Text' ? 'text' : 'textList'));
    if (action !== 'DetectDominantLanguage' && str(body.LanguageCode) === undefined) return refuse(name, validation('languageCode'));
    const texts = documents as string[];
    if (!batch && Buffer.byteLength(texts[0]!) > MAX_TEXT_BYTES) {
      return refuse(
        name,
        awsError(
          400,
          'TextSizeLimitExceededException',
          `Input text size exceeds limit. Max length of request text allowed is ${MAX_TEXT_BYTES} bytes while in this request the ` +
            `text size is ${Buffer.byteLength(texts[0]!)} bytes`,
        ),
      );
    }
    return {
      name,
      stream: false,
      respond(reply) {
        reply.usage({ characters: texts.reduce((n, t) => n + t.length, 0), documents: texts.length });
        if (!batch) return respondAws(reply, result(reply.rng, texts[0]!.length));
        respondAws(reply, { ResultList: texts.map((t, Index) => ({ Index, ...result(reply.rng, t.length) })), ErrorList: [] });
      },
    };
  };
}

export const awsComprehend = awsService(
  'aws.comprehend',
  'aws-comprehend',
  'Comprehend_20171127',
  Object.fromEntries(
    Object.keys(COMPREHEND_RESULTS).flatMap((action) => [
      [action, comprehendAction(action, false)] as const,
      [`Batch${action}`, comprehendAction(action, true)] as const,
    ]),
  ),
);

// ---------------------------------------------------------------------------
// Translate

export const awsTranslate = awsService('aws.translate', 'aws-translate', 'AWSShineFrontendService_20170701', {
  TranslateText(request) {
    const body = request.body;
    const text = str(body.Text);
    if (text === undefined) return refuse('TranslateText', validation('text'));
    const target = str(body.TargetLanguageCode);
    if (target === undefined) return refuse('TranslateText', validation('targetLanguageCode'));
    const source = str(body.SourceLanguageCode) ?? 'auto';
    return {
      name: 'TranslateText',
      stream: false,
      respond(reply) {
        reply.usage({ characters: text.length });
        const translated = fillerText(reply.rng, tokensOfChars(text.length)).slice(0, Math.max(1, text.length));
        respondAws(reply, {
          TranslatedText: translated,
          SourceLanguageCode: source === 'auto' ? 'en' : source,
          TargetLanguageCode: target,
        });
      },
    };
  },
});

// ---------------------------------------------------------------------------
// Rekognition

const REKOGNITION_LABELS = ['Plant', 'Building', 'Person', 'Car', 'Text', 'Tree', 'Sky', 'Furniture'] as const;

function imageAction(name: string, result: (rng: Random, body: Json) => Json): Action {
  return (request) => {
    const image = record(request.body.Image);
    if (image === undefined || (image.Bytes === undefined && image.S3Object === undefined)) return refuse(name, validation('image'));
    return {
      name,
      stream: false,
      respond(reply) {
        reply.usage({ images: 1 });
        respondAws(reply, result(reply.rng, request.body));
      },
    };
  };
}

export const awsRekognition = awsService('aws.rekognition', 'aws-rekognition', 'RekognitionService', {
  DetectLabels: imageAction('DetectLabels', (rng, body) => ({
    Labels: Array.from({ length: Math.min(int(body.MaxLabels) ?? 10, rng.int(1, 5)) }, () => ({
      Name: rng.choice(REKOGNITION_LABELS),
      Confidence: Math.round(rng.uniform(80, 99.9) * 10) / 10,
      Instances: [],
      Parents: [],
      Aliases: [],
      Categories: [],
    })),
    LabelModelVersion: '3.0',
  })),
  DetectText: imageAction('DetectText', (rng) => ({
    TextDetections: [{ DetectedText: 'EXAMPLE', Type: 'LINE', Id: 0, Confidence: Math.round(rng.uniform(90, 99.9) * 10) / 10 }],
    TextModelVersion: '3.0',
  })),
  DetectFaces: imageAction('DetectFaces', (rng) => ({
    FaceDetails: [
      { BoundingBox: { Width: 0.2, Height: 0.3, Left: 0.4, Top: 0.2 }, Confidence: Math.round(rng.uniform(95, 99.9) * 10) / 10 },
    ],
  })),
  DetectModerationLabels: imageAction('DetectModerationLabels', () => ({ ModerationLabels: [], ModerationModelVersion: '7.0' })),
});
