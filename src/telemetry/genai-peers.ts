/**
 * Another GenAI instrumentation's span around an AI call (OpenTelemetry's
 * instrumentation-openai, openlit, the Vercel AI SDK's telemetry): found as the
 * active parent when the call starts, so the price can go on that span instead
 * of a second GenAI span of ours.
 */
import { trace, type Attributes, type Context, type Span } from '@opentelemetry/api';
import type { GenAiSpanMode } from '../types.js';
import {
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_USAGE_COST_AMOUNT,
  ATTR_GEN_AI_USAGE_COST_CURRENCY,
  ATTR_GEN_AI_USAGE_COST_SOURCE,
} from '../semconv.js';
import { PACKAGE_NAME } from '../version.js';

/** The default: the price on the peer's span. */
const GENAI_SPAN_ENRICH = 'enrich';
/** A span of ours under the peer's, as under any other parent. */
export const GENAI_SPAN_SEPARATE = 'separate';
export const GENAI_SPAN_MODES: readonly GenAiSpanMode[] = [GENAI_SPAN_ENRICH, GENAI_SPAN_SEPARATE];

/** The conventions' older name of gen_ai.provider.name, still set by instrumentation-openai 0.22 and the AI SDK. */
const ATTR_GEN_AI_SYSTEM = 'gen_ai.system';
/** Attributes only a GenAI span carries. */
const GENAI_SPAN_ATTRIBUTES = [ATTR_GEN_AI_OPERATION_NAME, ATTR_GEN_AI_PROVIDER_NAME, ATTR_GEN_AI_SYSTEM];
/**
 * gen_ai.operation.name values of spans that group calls (an agent run, a step, a tool, a workflow)
 * rather than make one: a call under one still gets a span of its own, else all of the group's calls
 * would be priced on one span. (`agent_step`: @ai-sdk/otel; `execute_task`, `invoke_workflow`: openlit.)
 */
const GROUPING_OPERATIONS: ReadonlySet<unknown> = new Set([
  'invoke_agent',
  'invoke_workflow',
  'execute_task',
  'execute_tool',
  'agent_step',
]);
/**
 * The AI SDK's provider-call spans (its built-in telemetry up to 6, @ai-sdk/otel's LegacyOpenTelemetry):
 * `ai.generateText.doGenerate`, `ai.streamText.doStream`, …
 */
const AI_SDK_CALL_SPAN = /^ai\.\w+\.do[A-Z]\w*$/;
/**
 * Instrumentations whose GenAI spans come with the gen_ai.client.* histograms, recorded by them (read
 * in their code, and run in test/instrumentation/genai-peers.test.ts but for aws-sdk): by instrumentation
 * scope, openlit's as a prefix. Others record spans only: the AI SDK's telemetry, the Anthropic SDK's own
 * spans (`com.anthropic.sdk.typescript`), spans made by hand; under theirs the histograms stay ours.
 */
const RECORDS_GENAI_METRICS: ReadonlySet<unknown> = new Set([
  '@opentelemetry/instrumentation-openai',
  '@opentelemetry/instrumentation-aws-sdk',
]);
const RECORDS_GENAI_METRICS_PREFIX = '@openlit/';

/** ai-pricetag's own attribute namespace: ai.cost.*, ai.pricing.*, ai.usage.*, ai.call.aborted, ai.work_unit.*. */
const OWN_PREFIX = 'ai.';
/** The proposed GenAI cost attributes ai-pricetag writes (with the opt-in); nobody else's gen_ai.* is written on a peer span. */
const OWN_GENAI_ATTRIBUTES: ReadonlySet<string> = new Set([
  ATTR_GEN_AI_USAGE_COST_AMOUNT,
  ATTR_GEN_AI_USAGE_COST_CURRENCY,
  ATTR_GEN_AI_USAGE_COST_SOURCE,
]);

export interface GenAiPeer {
  readonly span: Span;
  /** It records the gen_ai.client.* histograms itself (instrumentation-openai, openlit). */
  readonly recordsGenAiMetrics: boolean;
}

/** What SDK spans expose as fields; the API's Span type promises none of them. */
interface SdkSpanFields {
  readonly name?: unknown;
  readonly attributes?: Attributes;
  readonly instrumentationScope?: { readonly name?: unknown };
  /** SDK 1.x */
  readonly instrumentationLibrary?: { readonly name?: unknown };
}

/**
 * The recording GenAI span of another instrumentation that is the active span of `parent`, or
 * undefined. Read by duck-typing the SDK span's fields: a span that shows none (a non-recording
 * or foreign implementation) is not taken for a GenAI one.
 */
export function genAiPeerOf(parent: Context): GenAiPeer | undefined {
  const span = trace.getSpan(parent);
  if (span === undefined || !span.isRecording()) return undefined;
  const fields = span as unknown as SdkSpanFields;
  const scope = fields.instrumentationScope?.name ?? fields.instrumentationLibrary?.name;
  // A span of ours (a call made inside another's transport) is never taken for a peer's.
  if (scope === PACKAGE_NAME) return undefined;
  const attributes = fields.attributes ?? {};
  const name = typeof fields.name === 'string' ? fields.name : '';
  const aiSdkCall = AI_SDK_CALL_SPAN.test(name);
  if (!aiSdkCall && !GENAI_SPAN_ATTRIBUTES.some((key) => attributes[key] !== undefined)) return undefined;
  if (GROUPING_OPERATIONS.has(attributes[ATTR_GEN_AI_OPERATION_NAME])) return undefined;
  const recordsGenAiMetrics =
    RECORDS_GENAI_METRICS.has(scope) || (typeof scope === 'string' && scope.startsWith(RECORDS_GENAI_METRICS_PREFIX));
  return { span, recordsGenAiMetrics };
}

/** The attributes of a call's span that ai-pricetag owns, and so may put on a peer's span. */
export function ownAttributes(all: Attributes): Attributes {
  const out: Attributes = {};
  for (const [key, value] of Object.entries(all)) {
    if (key.startsWith(OWN_PREFIX) || OWN_GENAI_ATTRIBUTES.has(key)) out[key] = value;
  }
  return out;
}

/** A peer span's attributes so far (SDK spans only; empty otherwise). */
export function attributesOf(span: Span): Attributes {
  return (span as unknown as SdkSpanFields).attributes ?? {};
}
