/**
 * AWS AI services on the JSON 1.1 protocol: every call is `POST /` with the
 * action in the `x-amz-target` header (`Comprehend_20171127.DetectSentiment`).
 * On an AWS host the service's own name must lead the host
 * (`comprehend.us-east-1.amazonaws.com`, `comprehend-fips.…`, or a VPC
 * endpoint's `….comprehend.…vpce.amazonaws.com`), so another service sharing
 * the suffix is never mistaken for one of these; on a configured endpoint
 * (LocalStack, a proxy) the target header alone decides.
 *
 * - Comprehend bills each document separately in 100-character units with a
 *   3-unit minimum, so each document is its own price item.
 * - Translate bills source characters.
 * - Rekognition image APIs bill one image per call.
 */
import { chars, type Extracted } from './fields.js';
import { count } from './read.js';
import type { CallFacts, CallReader, PriceItem, ProviderAdapter, RequestHead, Route } from './types.js';
import { PROVIDER_IDS } from './provider-ids.js';

/** The action of a JSON-protocol call to `service`, or undefined when the call is not one. */
export function awsAction(head: RequestHead, service: string, targetPrefix: string): string | undefined {
  if (head.method !== 'POST' || head.path !== '/') return undefined;
  if (!isServiceHost(head.host, service)) return undefined;
  const target = head.header('x-amz-target');
  if (target === undefined || !target.startsWith(`${targetPrefix}.`)) return undefined;
  const action = target.slice(targetPrefix.length + 1);
  return /^[A-Za-z]{1,64}$/.test(action) ? action : undefined;
}

/** A table entry by key, never an inherited property (`constructor`, `toString`). */
function own<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

function isServiceHost(host: string, service: string): boolean {
  const name = host.replace(/:\d+$/, '');
  if (!name.endsWith('.amazonaws.com')) return true;
  const labels = name.split('.');
  if (labels[0] === service || labels[0] === `${service}-fips`) return true;
  // VPC interface endpoint: vpce-0abc-xyz.comprehend.us-east-1.vpce.amazonaws.com
  return labels.includes('vpce') && labels[1] === service;
}

// ---------------------------------------------------------------------------
// Comprehend

/** Real-time Comprehend actions and their operation; batch forms take `TextList`. */
const COMPREHEND_OPERATIONS: Readonly<Record<string, string>> = {
  DetectSentiment: 'sentiment',
  DetectEntities: 'entity_detection',
  DetectKeyPhrases: 'key_phrases',
  DetectDominantLanguage: 'language_detection',
  DetectSyntax: 'syntax',
  DetectTargetedSentiment: 'targeted_sentiment',
  DetectPiiEntities: 'pii_detection',
  ContainsPiiEntities: 'pii_detection',
};

function comprehendRoute(operation: string, batch: boolean): Route {
  const path = batch ? 'TextList.*' : 'Text';
  return {
    operation,
    requestFields: [chars(path)],
    begin(request: Extracted): CallReader {
      const documents = (request.get(path) ?? []).map((n) => count(n)).filter((n): n is number => n !== undefined);
      return {
        responseFields: [],
        finish(): CallFacts {
          if (documents.length === 0) return { items: [], noUsage: true };
          const items: PriceItem[] = documents.map((characters) => ({ operation, usage: { characters } }));
          // Each document is billed on its own, minimum included: the call costs their sum.
          return { items, itemsAreParts: true, extraUsage: { characters: documents.reduce((a, b) => a + b, 0) } };
        },
      };
    },
  };
}

export const awsComprehendAdapter: ProviderAdapter = {
  provider: PROVIDER_IDS.awsComprehend,
  baseUrls: [],
  hostSuffixes: ['.amazonaws.com'],
  route(head) {
    const action = awsAction(head, 'comprehend', 'Comprehend_20171127');
    if (action === undefined) return undefined;
    const batch = action.startsWith('Batch');
    const operation = own(COMPREHEND_OPERATIONS, batch ? action.slice('Batch'.length) : action);
    return operation === undefined ? undefined : comprehendRoute(operation, batch);
  },
};

// ---------------------------------------------------------------------------
// Translate

function translateTextRoute(): Route {
  return {
    operation: 'translation',
    requestFields: [chars('Text')],
    begin(request: Extracted): CallReader {
      const characters = count(request.get('Text')?.[0]);
      return {
        responseFields: [],
        finish(): CallFacts {
          if (characters === undefined) return { items: [], noUsage: true };
          return { items: [{ operation: 'translation', usage: { characters } }], extraUsage: { characters } };
        },
      };
    },
  };
}

export const awsTranslateAdapter: ProviderAdapter = {
  provider: PROVIDER_IDS.awsTranslate,
  baseUrls: [],
  hostSuffixes: ['.amazonaws.com'],
  route(head) {
    // Document translation bills the document's characters, which a base64 blob does not show.
    return awsAction(head, 'translate', 'AWSShineFrontendService_20170701') === 'TranslateText' ? translateTextRoute() : undefined;
  },
};

// ---------------------------------------------------------------------------
// Rekognition

/**
 * Image APIs by pricing group (Group 1: face storage and search; Group 2: the
 * rest). Custom Labels bill inference hours and video APIs minutes; neither is here.
 */
const REKOGNITION_IMAGE_APIS: Readonly<Record<string, 'group_1' | 'group_2'>> = {
  AssociateFaces: 'group_1',
  CompareFaces: 'group_1',
  DisassociateFaces: 'group_1',
  IndexFaces: 'group_1',
  SearchFaces: 'group_1',
  SearchFacesByImage: 'group_1',
  SearchUsers: 'group_1',
  SearchUsersByImage: 'group_1',
  DetectLabels: 'group_2',
  DetectFaces: 'group_2',
  DetectModerationLabels: 'group_2',
  DetectText: 'group_2',
  DetectProtectiveEquipment: 'group_2',
  RecognizeCelebrities: 'group_2',
};

function imageRoute(group: string): Route {
  const item: PriceItem = { operation: 'image_analysis', usage: { images: 1 }, dimensions: { api_group: group } };
  return {
    operation: 'image_analysis',
    // The image travels as base64 bytes or an S3 reference; nothing of the body is needed.
    requestFields: [],
    begin(): CallReader {
      return {
        responseFields: [],
        finish: (): CallFacts => ({ items: [item], extraUsage: { images: 1 } }),
      };
    },
  };
}

export const awsRekognitionAdapter: ProviderAdapter = {
  provider: PROVIDER_IDS.awsRekognition,
  baseUrls: [],
  hostSuffixes: ['.amazonaws.com'],
  route(head) {
    const action = awsAction(head, 'rekognition', 'RekognitionService');
    const group = action === undefined ? undefined : own(REKOGNITION_IMAGE_APIS, action);
    return group === undefined ? undefined : imageRoute(group);
  },
};
