/**
 * Every default of PricetagInstrumentationConfig, applied in one place: the
 * environment fills what the config leaves unset (env.ts), then each field
 * gets its documented default. The rest of the code reads resolved values
 * and never applies a default of its own.
 */
import { list, withEnvironment, type Env } from './env.js';
import type { CatalogInput } from '../catalog/load.js';
import type { CustomRoute } from '../providers/custom-routes.js';
import type { Endpoint } from '../providers/registry.js';
import { DEFAULT_MAX_LABEL_VALUE_LENGTH } from '../record/cardinality.js';
import type { WorkUnitSources } from '../record/work-unit-ids.js';
import { ENV_SEMCONV_STABILITY_OPT_IN, SEMCONV_OPT_IN_GEN_AI_LATEST_EXPERIMENTAL } from '../semconv.js';
import type { GenAiSpanMode, PricetagEndHook, PricetagInstrumentationConfig, PricetagStartHook } from '../types.js';

export const DEFAULT_CALL_TIMEOUT_MS = 600_000;
export const DEFAULT_MAX_MODEL_LABEL_VALUES = 100;
export const DEFAULT_MAX_VALUES_PER_LABEL = 50;
export const DEFAULT_WORK_UNIT_IDLE_TIMEOUT_MS = 300_000;
export const DEFAULT_MAX_ACTIVE_WORK_UNITS = 10_000;
export const DEFAULT_CONVERSATION_BAGGAGE_KEY = 'gen_ai.conversation.id';
export const DEFAULT_GENAI_SPAN: GenAiSpanMode = 'enrich';

export interface ResolvedAttribution {
  readonly baggageKeys: readonly string[];
  readonly spanAttributes: readonly string[];
  readonly maxValuesPerLabel: number;
  readonly maxValueLength: number;
}

export interface ResolvedWorkUnits extends WorkUnitSources {
  readonly maxActive: number;
  readonly idleTimeoutMs: number;
}

/** The configuration as the code uses it: every field set. */
export interface ResolvedConfig {
  readonly catalogs: readonly CatalogInput[];
  readonly includeDefaultCatalog: boolean;
  readonly endpoints: readonly Endpoint[];
  readonly routes: readonly CustomRoute[];
  readonly attribution: ResolvedAttribution;
  readonly shadowPlans: ReadonlyMap<string, readonly string[]>;
  readonly startHook: PricetagStartHook | undefined;
  readonly endHook: PricetagEndHook | undefined;
  readonly callTimeoutMs: number;
  readonly maxModelLabelValues: number;
  readonly recordGenAiUsageCost: boolean;
  readonly workUnits: ResolvedWorkUnits;
  readonly genAiSpan: GenAiSpanMode;
  /** OTEL_SEMCONV_STABILITY_OPT_IN lists gen_ai_latest_experimental: spans also carry gen_ai.usage.cost.*. */
  readonly genAiLatestExperimental: boolean;
}

/** A count from the config: a positive number, whole; anything else is the default. */
function count(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value >= 1 ? Math.floor(value) : fallback;
}

function positive(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}

/** The explicit config over the environment, with every default applied. */
export function resolveConfig(config: PricetagInstrumentationConfig, env: Env = process.env): ResolvedConfig {
  const c = withEnvironment(config, env);
  const attribution = c.attribution ?? {};
  const units = c.workUnits ?? {};
  return {
    catalogs: c.catalogs ?? [],
    includeDefaultCatalog: c.noDefaultCatalog !== true,
    endpoints: c.endpoints ?? [],
    routes: c.routes ?? [],
    attribution: {
      baggageKeys: attribution.baggageKeys ?? [],
      spanAttributes: attribution.spanAttributes ?? [],
      maxValuesPerLabel: count(attribution.maxValuesPerLabel, DEFAULT_MAX_VALUES_PER_LABEL),
      maxValueLength: count(attribution.maxValueLength, DEFAULT_MAX_LABEL_VALUE_LENGTH),
    },
    shadowPlans: new Map(Object.entries(c.shadowPlans ?? {})),
    startHook: c.startHook,
    endHook: c.endHook,
    callTimeoutMs: positive(c.callTimeoutMs, DEFAULT_CALL_TIMEOUT_MS),
    maxModelLabelValues: count(c.maxModelLabelValues, DEFAULT_MAX_MODEL_LABEL_VALUES),
    recordGenAiUsageCost: c.recordGenAiUsageCost === true,
    workUnits: {
      conversationBaggageKey: units.conversationBaggageKey ?? DEFAULT_CONVERSATION_BAGGAGE_KEY,
      conversationHeader: units.conversationHeader?.toLowerCase(),
      units: units.units ?? {},
      maxActive: count(units.maxActive, DEFAULT_MAX_ACTIVE_WORK_UNITS),
      idleTimeoutMs: positive(units.idleTimeoutMs, DEFAULT_WORK_UNIT_IDLE_TIMEOUT_MS),
    },
    genAiSpan: c.genAiSpan ?? DEFAULT_GENAI_SPAN,
    genAiLatestExperimental: list(env[ENV_SEMCONV_STABILITY_OPT_IN]).includes(SEMCONV_OPT_IN_GEN_AI_LATEST_EXPERIMENTAL),
  };
}
