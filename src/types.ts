/** The public configuration of PricetagInstrumentation. Every field is optional. */
import type { Span } from '@opentelemetry/api';
import type { InstrumentationConfig } from '@opentelemetry/instrumentation';
import type { CatalogInput } from './catalog/load.js';
import type { CallRecord, CallStart } from './record/call-record.js';
import type { CustomRoute } from './providers/custom-routes.js';
import type { Endpoint } from './providers/registry.js';

export type { CallRecord, CallStart, CatalogInput, CustomRoute, Endpoint };

/**
 * Called when an AI call's span starts; may add attributes. A hook may be `async`: its promise
 * is not awaited, and a rejection is logged as a throw is.
 */
export type PricetagStartHook = (span: Span, call: Readonly<CallStart>) => void;
/** Called with the priced call just before its span ends (an `async` one as for PricetagStartHook). */
export type PricetagEndHook = (span: Span, record: CallRecord) => void;

/** How a call is traced under another instrumentation's GenAI span (PricetagInstrumentationConfig.genAiSpan). */
export type GenAiSpanMode = 'enrich' | 'separate';

export interface AttributionConfig {
  /** Baggage keys whose values become metric labels (dots become underscores). @default [] */
  readonly baggageKeys?: readonly string[];
  /** Attributes of the active span whose values become metric labels. @default [] */
  readonly spanAttributes?: readonly string[];
  /** Distinct values kept per label; later values are recorded as `other`. @default 50 */
  readonly maxValuesPerLabel?: number;
  /**
   * Characters kept of each label value (a surrogate pair counts as one and is never split);
   * baggage and span attributes come from clients, so a value could otherwise be kilobytes.
   * @default 256 (PRICETAG_MAX_LABEL_LENGTH)
   */
  readonly maxValueLength?: number;
}

export interface WorkUnitsConfig {
  /** Baggage key that carries the conversation id (after the active span's `gen_ai.conversation.id`). @default 'gen_ai.conversation.id' */
  readonly conversationBaggageKey?: string;
  /** Request header that carries the conversation id, e.g. `x-conversation-id`. @default none */
  readonly conversationHeader?: string;
  /**
   * Other units of work, reported like conversations under their own name: name → baggage key
   * (`{ workflow_run: 'workflow.run_id' }`). @default {}
   */
  readonly units?: Readonly<Record<string, string>>;
  /** Units in progress kept per process; beyond it the least recently used is finished early and counted. @default 10000 */
  readonly maxActive?: number;
  /** A unit with no call for this long is finished and recorded. @default 300000 (5 minutes) */
  readonly idleTimeoutMs?: number;
}

export interface PricetagInstrumentationConfig extends InstrumentationConfig {
  /** Catalog files (YAML/JSON paths) or documents, layered over the built-in catalog in order. @default PRICETAG_CATALOGS or [] */
  catalogs?: readonly CatalogInput[];
  /** Leave the built-in default catalog out. @default false (PRICETAG_DEFAULT_CATALOG=false) */
  noDefaultCatalog?: boolean;
  /** Base URLs at which calls are recognised as a provider's (proxies, gateways, emulators). @default PRICETAG_ENDPOINTS or [] */
  endpoints?: readonly Endpoint[];
  /** Custom HTTP APIs to price. @default the routes of PRICETAG_ROUTES's files, or [] */
  routes?: readonly CustomRoute[];
  /** Which baggage keys or span attributes become metric labels. @default none */
  attribution?: AttributionConfig;
  /** Plan id → alternative plan ids every call of that plan is also priced under. @default {} */
  shadowPlans?: Readonly<Record<string, readonly string[]>>;
  /** Hook run when a call's span starts. */
  startHook?: PricetagStartHook;
  /** Hook run with the priced call before its span ends. */
  endHook?: PricetagEndHook;
  /** A call whose response stops moving for this long is finished as aborted. @default 600000 (PRICETAG_CALL_TIMEOUT_MS) */
  callTimeoutMs?: number;
  /** Distinct model names kept as metric label values; later ones are recorded as `other`. @default 100 */
  maxModelLabelValues?: number;
  /** Also record the de-facto `gen_ai.usage.cost` histogram (USD) that some GenAI dashboards read. @default false */
  recordGenAiUsageCost?: boolean;
  /** Cost per conversation and other units of work: where ids come from, and the table's bounds. */
  workUnits?: WorkUnitsConfig;
  /**
   * When another instrumentation's GenAI span (instrumentation-openai, openlit, the AI SDK's telemetry)
   * is the active span around a call: `enrich` puts the price on that span and records no second
   * gen_ai.client.* histograms where it records its own; `separate` gives the call a span of ours
   * under it, as for any other parent. @default 'enrich' (PRICETAG_GENAI_SPAN)
   */
  genAiSpan?: GenAiSpanMode;
}
