/**
 * Azure AI Language (formerly Text Analytics) on a Language or multi-service
 * resource host: billed in text records, each document counting one record per
 * started 1,000 characters (at least one). Paths under `/openai/` on the same
 * hosts are Azure OpenAI's and are left alone.
 *
 * - `POST /language/:analyze-text` (API 2022-05-01 and later, `@azure/ai-language-text`):
 *   the body's `kind` selects the operation.
 * - `POST /language/analyze-text/jobs`: one item per task, each billing every document.
 * - `POST /text/analytics/v3.x/<feature>` (`@azure/ai-text-analytics`): the path selects it.
 *
 * Characters are counted in Unicode code points; the service counts text
 * elements (grapheme clusters), so a text of combining sequences can count
 * more here than it is billed.
 */
import { chars, value, type Extracted } from './fields.js';
import { count, text } from './read.js';
import type { CallFacts, CallReader, PriceItem, ProviderAdapter, Route } from './types.js';
import { PROVIDER_IDS } from './provider-ids.js';

/** Characters in one text record. */
export const TEXT_RECORD_CHARACTERS = 1000;

/** Operation of each task kind. */
const KIND_OPERATIONS: Readonly<Record<string, string>> = {
  SentimentAnalysis: 'sentiment',
  KeyPhraseExtraction: 'key_phrases',
  EntityRecognition: 'entity_detection',
  PiiEntityRecognition: 'pii_detection',
  LanguageDetection: 'language_detection',
  EntityLinking: 'entity_linking',
  Healthcare: 'healthcare',
  ExtractiveSummarization: 'extractive_summarization',
  AbstractiveSummarization: 'abstractive_summarization',
  CustomEntityRecognition: 'custom_entity_recognition',
  CustomSingleLabelClassification: 'custom_classification',
  CustomMultiLabelClassification: 'custom_classification',
};

/** v3.x feature paths. */
const V3_OPERATIONS: Readonly<Record<string, string>> = {
  sentiment: 'sentiment',
  keyPhrases: 'key_phrases',
  languages: 'language_detection',
  'entities/recognition/general': 'entity_detection',
  'entities/recognition/pii': 'pii_detection',
  'entities/linking': 'entity_linking',
  'entities/health/jobs': 'healthcare',
};

const V3_PATH = /^\/text\/analytics\/v3\.\d+(?:-preview(?:\.\d+)?)?\/(.+)$/;

/** Route operation for calls whose operation is only known from the body. */
const GENERIC_OPERATION = 'text_analysis';

/** The operation of a task kind; a kind not known here is `text_analysis` (labels stay few). */
export function kindOperation(kind: unknown): string | undefined {
  const k = text(kind);
  if (k === undefined) return undefined;
  return Object.hasOwn(KIND_OPERATIONS, k) ? KIND_OPERATIONS[k] : GENERIC_OPERATION;
}

/** Text records of documents of these lengths: one per started 1,000 characters, at least one each. */
export function textRecords(lengths: readonly unknown[]): number | undefined {
  let records = 0;
  let any = false;
  for (const n of lengths) {
    const c = count(n);
    if (c === undefined) continue;
    any = true;
    records += Math.max(1, Math.ceil(c / TEXT_RECORD_CHARACTERS));
  }
  return any ? records : undefined;
}

function facts(operations: readonly string[], records: number | undefined): CallFacts {
  if (records === undefined || operations.length === 0) return { items: [], noUsage: true };
  const items: PriceItem[] = operations.map((operation) => ({ operation, usage: { text_records: records } }));
  // A job's tasks are billed on their own: the call costs their sum.
  return { items, itemsAreParts: items.length > 1, extraUsage: { text_records: records } };
}

const DOCUMENTS = 'analysisInput.documents.*.text';

/** `/language/:analyze-text`: one task, its kind in the body. */
function analyzeTextRoute(): Route {
  return {
    operation: GENERIC_OPERATION,
    requestFields: [value('kind'), chars(DOCUMENTS)],
    begin(request: Extracted): CallReader {
      const operation = kindOperation(request.get('kind')?.[0]);
      const records = textRecords(request.get(DOCUMENTS) ?? []);
      return {
        operation,
        responseFields: [],
        finish: (): CallFacts => facts(operation === undefined ? [] : [operation], records),
      };
    },
  };
}

/** `/language/analyze-text/jobs`: every task processes every document. */
function analyzeJobsRoute(): Route {
  return {
    operation: GENERIC_OPERATION,
    requestFields: [value('tasks.*.kind'), chars(DOCUMENTS)],
    begin(request: Extracted): CallReader {
      const operations = (request.get('tasks.*.kind') ?? []).map(kindOperation).filter((o): o is string => o !== undefined);
      const records = textRecords(request.get(DOCUMENTS) ?? []);
      return {
        responseFields: [],
        finish: (): CallFacts => facts(operations, records),
      };
    },
  };
}

/** `/text/analytics/v3.x/<feature>`: the documents at the top level. */
function v3Route(operation: string): Route {
  return {
    operation,
    requestFields: [chars('documents.*.text')],
    begin(request: Extracted): CallReader {
      const records = textRecords(request.get('documents.*.text') ?? []);
      return {
        responseFields: [],
        finish: (): CallFacts => facts([operation], records),
      };
    },
  };
}

export const azureAiLanguageAdapter: ProviderAdapter = {
  provider: PROVIDER_IDS.azureAiLanguage,
  baseUrls: [],
  hostSuffixes: ['.cognitiveservices.azure.com', '.api.cognitive.microsoft.com'],
  route(head) {
    if (head.method !== 'POST') return undefined;
    if (head.path === '/language/:analyze-text') return analyzeTextRoute();
    if (head.path === '/language/analyze-text/jobs') return analyzeJobsRoute();
    const m = V3_PATH.exec(head.path);
    const operation = m !== null && Object.hasOwn(V3_OPERATIONS, m[1]!) ? V3_OPERATIONS[m[1]!] : undefined;
    return operation === undefined ? undefined : v3Route(operation);
  },
};
