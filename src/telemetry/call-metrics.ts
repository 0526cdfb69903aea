/**
 * The cost metrics of finished AI calls (DESIGN.md "Metrics"). Money and usage
 * counters are exact decimal sums reported through observable counters;
 * labels are bounded: model names and attribution values past their caps
 * become `other`.
 */
import { propagation, trace, ValueType, type Attributes, type Context, type Counter, type Histogram, type Meter } from '@opentelemetry/api';
import type { CallRecord, PricedItem } from '../record/call-record.js';
import { formatDecimal } from '../pricing/decimal.js';
import type { Plan } from '../pricing/types.js';
import type { CallTracing } from './call-spans.js';
import { capLength, DEFAULT_MAX_LABEL_VALUE_LENGTH, LabelValueLimiter } from '../record/cardinality.js';
import { ExactSeries } from './exact-series.js';
import * as A from '../semconv.js';

export interface MetricsOptions {
  /** Baggage keys whose values become labels. */
  readonly baggageKeys: readonly string[];
  /** Attributes of the call's parent span whose values become labels. */
  readonly spanAttributes: readonly string[];
  /** Distinct values kept per attribution label. */
  readonly maxValuesPerLabel: number;
  /** Characters kept of each attribution value. @default DEFAULT_MAX_LABEL_VALUE_LENGTH */
  readonly maxValueLength?: number;
  /** Distinct model names kept as label values. */
  readonly maxModels: number;
  /** Also record the de-facto `gen_ai.usage.cost` histogram (USD calls only). */
  readonly genAiUsageCost: boolean;
  /** Version labels of the catalogs in use. */
  readonly catalogLabels: () => readonly string[];
  /** Catalogs configured but left out for their problems. */
  readonly invalidCatalogs?: () => readonly string[];
}

/** From a micro-cent embedding call to a multi-dollar long-context call. */
export const COST_BUCKETS = [0.000001, 0.00001, 0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** As the GenAI semantic conventions advise for gen_ai.client.token.usage. */
export const TOKEN_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
/** As the GenAI semantic conventions advise for gen_ai.client.operation.duration (seconds). */
export const DURATION_BUCKETS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];

export class CallMetrics {
  private readonly cost = new ExactSeries();
  private readonly usage = new ExactSeries();
  private readonly shadow = new ExactSeries();
  private readonly requests = new ExactSeries();
  private readonly unpriced = new ExactSeries();
  /** plan|tier|unit|currency → unit price, for plans this process has priced. */
  private readonly rates = new Map<string, { attributes: Attributes; value: number }>();
  private readonly pricedPlans = new WeakSet<Plan>();
  private readonly models: LabelValueLimiter;
  private readonly attribution: LabelValueLimiter;
  private readonly maxValueLength: number;

  private readonly errors: Counter;
  private readonly requestCost: Histogram;
  private readonly tokenUsage: Histogram;
  private readonly duration: Histogram;
  private readonly usageCost: Histogram | undefined;

  constructor(
    meter: Meter,
    private readonly options: MetricsOptions,
  ) {
    this.models = new LabelValueLimiter(options.maxModels);
    this.attribution = new LabelValueLimiter(options.maxValuesPerLabel);
    const length = options.maxValueLength;
    this.maxValueLength = length !== undefined && length >= 1 ? Math.floor(length) : DEFAULT_MAX_LABEL_VALUE_LENGTH;

    const counter = (name: string, description: string, series: ExactSeries) =>
      meter.createObservableCounter(name, { description, valueType: ValueType.DOUBLE }).addCallback((r) => series.observe(r));
    counter(A.METRIC_AI_COST, 'Charges of AI calls, as priced (or reported by the provider), in the currency label', this.cost);
    counter(A.METRIC_AI_USAGE, 'Billable usage of AI calls by unit (tokens, characters, images, requests…)', this.usage);
    counter(A.METRIC_AI_COST_SHADOW, 'The same calls priced under an alternative plan, for comparison', this.shadow);
    counter(A.METRIC_AI_REQUESTS, 'AI calls, by outcome', this.requests);
    counter(A.METRIC_AI_UNPRICED_REQUESTS, 'AI calls that could not be priced, by reason', this.unpriced);
    meter
      .createObservableGauge(A.METRIC_AI_PRICING_CATALOG_INFO, { description: 'Price catalogs in use (value 1), by version label' })
      .addCallback((r) => {
        for (const label of new Set(options.catalogLabels())) r.observe(1, { [A.ATTR_AI_PRICING_CATALOG]: label });
        // A broken override shows here too, so a dashboard can tell "not loaded" from "not configured".
        for (const name of new Set(options.invalidCatalogs?.() ?? []))
          r.observe(1, { [A.ATTR_AI_PRICING_CATALOG]: name, [A.ATTR_AI_PRICING_CATALOG_STATUS]: 'invalid' });
      });
    meter
      .createObservableGauge(A.METRIC_AI_PRICING_RATE, {
        description: 'Unit price in force (per 1 unit) of each tier and unit of the plans this process has priced',
        valueType: ValueType.DOUBLE,
      })
      .addCallback((r) => {
        for (const { attributes, value } of this.rates.values()) r.observe(value, attributes);
      });
    this.errors = meter.createCounter(A.METRIC_AI_INSTRUMENTATION_ERRORS, {
      description: 'Faults caught inside ai-pricetag (the calls went on unharmed)',
      valueType: ValueType.INT,
    });
    this.requestCost = meter.createHistogram(A.METRIC_AI_REQUEST_COST, {
      description: 'Cost of one successful AI call',
      advice: { explicitBucketBoundaries: COST_BUCKETS },
    });
    this.tokenUsage = meter.createHistogram(A.METRIC_GEN_AI_CLIENT_TOKEN_USAGE, {
      description: 'Number of input and output tokens used',
      unit: '{token}',
      valueType: ValueType.INT,
      advice: { explicitBucketBoundaries: TOKEN_BUCKETS },
    });
    this.duration = meter.createHistogram(A.METRIC_GEN_AI_CLIENT_OPERATION_DURATION, {
      description: 'GenAI operation duration',
      unit: 's',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    });
    this.usageCost = options.genAiUsageCost
      ? meter.createHistogram(A.METRIC_GEN_AI_USAGE_COST, {
          description: 'Cost of one AI call in USD',
          unit: 'USD',
          advice: { explicitBucketBoundaries: COST_BUCKETS },
        })
      : undefined;
  }

  recordInternalError(stage: string): void {
    this.errors.add(1, { [A.ATTR_AI_INSTRUMENTATION_STAGE]: stage });
  }

  /** `tracing` says whether another GenAI instrumentation covering the call records the gen_ai.client.* histograms itself. */
  record(record: CallRecord, parent: Context, tracing?: CallTracing): void {
    const model = this.models.value(A.ATTR_GEN_AI_REQUEST_MODEL, record.requestModel ?? record.responseModel ?? '');
    const call: Attributes = {
      [A.ATTR_GEN_AI_PROVIDER_NAME]: record.provider,
      [A.ATTR_GEN_AI_REQUEST_MODEL]: model,
      [A.ATTR_GEN_AI_OPERATION_NAME]: record.operation,
    };
    // Series keys are built from label values in a fixed order; attributes only for new series.
    const callKey = `${record.provider}\u0000${model}\u0000${record.operation}`;
    const attribution = this.attributionOf(parent);
    const main = record.main?.result.priced ? record.main.result : undefined;
    const mainKey = main === undefined ? '' : `${main.plan.id}\u0000${main.tier.name}`;

    this.requests.add(
      `${callKey}\u0000${mainKey}\u0000${attribution.key}`,
      record.outcome,
      () => ({ ...call, ...planLabels(main), ...attribution.labels, [A.ATTR_AI_OUTCOME]: record.outcome }),
      1,
    );
    const reason = record.unpricedReason;
    if (reason !== undefined) this.unpriced.add(callKey, reason, () => ({ ...call, [A.ATTR_AI_PRICING_UNPRICED_REASON]: reason }), 1);

    const success = record.outcome === 'success';
    for (const priced of record.items) this.recordItem(priced, record, model, attribution, success);

    // The GenAI convention histograms once per call: not again where that instrumentation records them.
    if (tracing?.peerRecordsGenAiMetrics !== true) {
      this.duration.record(
        record.durationSeconds,
        !success && record.errorType !== undefined ? { ...call, [A.ATTR_ERROR_TYPE]: record.errorType } : call,
      );
      const tokens = record.semconv;
      const type = A.ATTR_GEN_AI_TOKEN_TYPE;
      if (tokens?.inputTokens !== undefined) this.tokenUsage.record(tokens.inputTokens, { ...call, [type]: 'input' });
      if (tokens?.outputTokens !== undefined) this.tokenUsage.record(tokens.outputTokens, { ...call, [type]: 'output' });
    }

    if (success && record.cost !== undefined) {
      const amount = Number(formatDecimal(record.cost.amount));
      const labels: Attributes = { ...call, [A.ATTR_AI_COST_CURRENCY]: record.cost.currency };
      if (main !== undefined) {
        labels[A.ATTR_AI_PRICING_PLAN] = main.plan.id;
        labels[A.ATTR_AI_PRICING_TIER] = main.tier.name;
      }
      this.requestCost.record(amount, labels);
      if (this.usageCost !== undefined && record.cost.currency === 'USD') this.usageCost.record(amount, call);
    }
  }

  private recordItem(priced: PricedItem, record: CallRecord, model: string, attribution: Attribution, success: boolean): void {
    const { item, result } = priced;
    const pricedKey = result.priced ? `${result.plan.id}\u0000${result.tier.name}` : '';
    const itemKey = `${record.provider}\u0000${model}\u0000${item.operation}\u0000${pricedKey}`;
    const labels = (): Attributes => {
      const out: Attributes = {
        [A.ATTR_GEN_AI_PROVIDER_NAME]: record.provider,
        [A.ATTR_GEN_AI_REQUEST_MODEL]: model,
        [A.ATTR_GEN_AI_OPERATION_NAME]: item.operation,
      };
      if (result.priced) {
        out[A.ATTR_AI_PRICING_PLAN] = result.plan.id;
        out[A.ATTR_AI_PRICING_TIER] = result.tier.name;
      }
      return out;
    };
    for (const unit in item.usage) {
      const quantity = item.usage[unit]!;
      if (quantity > 0) this.usage.add(itemKey, unit, () => ({ ...labels(), [A.ATTR_AI_USAGE_UNIT]: unit }), quantity);
    }
    if (!result.priced) return;
    this.notePlan(result.plan);
    if (priced.charged !== undefined) {
      // The price's scaled form, unless the call failed and is charged 0.
      const exact = priced.charged === result.cost ? result.scaledCost : undefined;
      this.cost.add(
        itemKey,
        `${result.plan.currency}\u0000${attribution.key}`,
        () => ({ ...labels(), ...planLabels(result), ...attribution.labels }),
        priced.charged,
        exact,
      );
    }
    if (!success) return;
    for (const shadow of priced.shadows) {
      if (!shadow.result.priced) continue;
      const currency = shadow.result.plan.currency;
      this.shadow.add(
        `${result.plan.id}\u0000${shadow.plan}`,
        currency,
        () => ({
          [A.ATTR_AI_PRICING_PLAN]: result.plan.id,
          [A.ATTR_AI_PRICING_SHADOW_PLAN]: shadow.plan,
          [A.ATTR_AI_COST_CURRENCY]: currency,
        }),
        shadow.result.cost,
        shadow.result.scaledCost,
      );
      this.notePlan(shadow.result.plan);
    }
  }

  /** Remembers the unit prices of a plan version the first time it prices something. */
  private notePlan(plan: Plan): void {
    if (this.pricedPlans.has(plan)) return;
    this.pricedPlans.add(plan);
    for (const tier of plan.tiers) {
      for (const charge of tier.charges) {
        const attributes = {
          [A.ATTR_AI_PRICING_PLAN]: plan.id,
          [A.ATTR_AI_PRICING_TIER]: tier.name,
          [A.ATTR_AI_USAGE_UNIT]: charge.unit,
          [A.ATTR_AI_COST_CURRENCY]: plan.currency,
        };
        const value = Number(formatDecimal(charge.unitRate ?? charge.rate.div(charge.per)));
        this.rates.set(`${plan.id}\u0000${tier.name}\u0000${charge.unit}\u0000${plan.currency}`, { attributes, value });
      }
    }
  }

  /**
   * The attribution labels of a call with this parent context, capped like every label: each
   * value cut to maxValueLength before it counts towards maxValuesPerLabel. Work units take
   * their labels from here too, so metrics and units see the same values.
   */
  attributionOf(parent: Context): Attribution {
    if (this.options.baggageKeys.length === 0 && this.options.spanAttributes.length === 0) return NO_ATTRIBUTION;
    const labels: Attributes = {};
    const baggage = this.options.baggageKeys.length > 0 ? propagation.getBaggage(parent) : undefined;
    for (const key of this.options.baggageKeys) {
      const value = baggage?.getEntry(key)?.value;
      if (value !== undefined) labels[key] = this.attribution.value(key, capLength(value, this.maxValueLength));
    }
    if (this.options.spanAttributes.length > 0) {
      // SDK spans expose their attributes; the API's Span type does not promise it.
      const attributes = (trace.getSpan(parent) as unknown as { attributes?: Attributes } | undefined)?.attributes;
      for (const key of this.options.spanAttributes) {
        const value = attributes?.[key];
        if (value !== undefined && labels[key] === undefined)
          labels[key] = this.attribution.value(key, capLength(String(value), this.maxValueLength));
      }
    }
    const key = Object.entries(labels)
      .map(([k, v]) => `${k}\u0001${String(v)}`)
      .join('\u0000');
    return { labels, key };
  }
}

export interface Attribution {
  readonly labels: Attributes;
  /** The labels as a series-key fragment. */
  readonly key: string;
}

const NO_ATTRIBUTION: Attribution = { labels: {}, key: '' };

function planLabels(
  result: { readonly plan: Plan; readonly tier: { readonly name: string; readonly pricingModel: string } } | undefined,
): Attributes {
  if (result === undefined) return {};
  const { plan, tier } = result;
  return {
    [A.ATTR_AI_PRICING_PLAN]: plan.id,
    [A.ATTR_AI_PRICING_TIER]: tier.name,
    [A.ATTR_AI_PRICING_MODEL]: tier.pricingModel,
    [A.ATTR_AI_COST_CURRENCY]: plan.currency,
  };
}
