/**
 * The cost metrics of finished AI calls (DESIGN.md "Metrics"). Money and usage
 * counters are exact decimal sums reported through observable counters;
 * labels are bounded: model names and attribution values past their caps
 * become `other`.
 */
import { ValueType, type Attributes, type Counter, type Histogram, type Meter } from '@opentelemetry/api';
import { NO_ATTRIBUTION, type Attribution } from '../record/attribution.js';
import { LabelValueLimiter } from '../record/cardinality.js';
import { costValue, type CallRecord, type PricedItem } from '../record/call-record.js';
import { formatDecimal } from '../pricing/decimal.js';
import type { Plan, Tier } from '../pricing/types.js';
import type { CallTracing } from './finished-call.js';
import { addTo, ExactSeries, type SeriesEntry } from './exact-series.js';
import * as A from '../semconv.js';
import { callLabels, planLabels, planTierLabels, type PricedPlan } from './call-attributes.js';

export interface MetricsOptions {
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
  /** provider → model label → operation → its series. */
  private readonly callSeries = new Map<string, Map<string, Map<string, CallSeries>>>();

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

  /**
   * Records a finished call under its attribution labels; `tracing` says whether another GenAI
   * instrumentation covering the call records the gen_ai.client.* histograms itself.
   */
  record(record: CallRecord, attribution: Attribution = NO_ATTRIBUTION, tracing?: CallTracing): void {
    const model = this.models.value(A.ATTR_GEN_AI_REQUEST_MODEL, record.requestModel ?? record.responseModel ?? '');
    const series = this.seriesOf(record.provider, model, record.operation);
    const main = record.main?.result.priced ? record.main.result : undefined;
    const byTier = series.tierSeries(main);
    const outcome = record.outcome;
    addTo(byTier.requests(outcome, attribution, this.requests), 1);
    const reason = record.unpricedReason;
    if (reason !== undefined) addTo(series.unpriced(reason, this.unpriced), 1);

    const success = outcome === 'success';
    for (const priced of record.items) this.recordItem(priced, series, attribution, success);

    // The GenAI convention histograms once per call: not again where that instrumentation records them.
    if (tracing?.peerRecordsGenAiMetrics !== true) {
      this.duration.record(
        record.durationSeconds,
        !success && record.errorType !== undefined ? series.failed(record.errorType) : series.call,
      );
      const tokens = record.semconv;
      if (tokens?.inputTokens !== undefined) this.tokenUsage.record(tokens.inputTokens, series.input);
      if (tokens?.outputTokens !== undefined) this.tokenUsage.record(tokens.outputTokens, series.output);
    }

    if (success && record.cost !== undefined) {
      const amount = costValue(record.cost);
      this.requestCost.record(amount, byTier.requestCost(record.cost.currency));
      if (this.usageCost !== undefined && record.cost.currency === 'USD') this.usageCost.record(amount, series.call);
    }
  }

  /** The series of one provider, model and operation, made on its first call. */
  private seriesOf(provider: string, model: string, operation: string): CallSeries {
    let byModel = this.callSeries.get(provider);
    if (byModel === undefined) this.callSeries.set(provider, (byModel = new Map()));
    let byOperation = byModel.get(model);
    if (byOperation === undefined) byModel.set(model, (byOperation = new Map()));
    let series = byOperation.get(operation);
    if (series === undefined) byOperation.set(operation, (series = new CallSeries(provider, model, operation)));
    return series;
  }

  private recordItem(priced: PricedItem, series: CallSeries, attribution: Attribution, success: boolean): void {
    const { item, result } = priced;
    const itemSeries = series.itemSeries(item.operation, result.priced ? result : undefined);
    for (const unit in item.usage) {
      const quantity = item.usage[unit]!;
      if (quantity > 0) addTo(itemSeries.usage(unit, this.usage), quantity);
    }
    if (!result.priced) return;
    this.notePlan(result.plan);
    if (priced.charged !== undefined) {
      // The price's scaled form, unless the call failed and is charged 0.
      const exact = priced.charged === result.cost ? result.scaledCost : undefined;
      addTo(itemSeries.cost(attribution, this.cost), priced.charged, exact);
    }
    if (!success) return;
    for (const shadow of priced.shadows) {
      if (!shadow.result.priced) continue;
      const currency = shadow.result.plan.currency;
      const entry = this.shadow.entry(`${result.plan.id}\u0000${shadow.plan}\u0000${currency}`, () => ({
        [A.ATTR_AI_PRICING_PLAN]: result.plan.id,
        [A.ATTR_AI_PRICING_SHADOW_PLAN]: shadow.plan,
        [A.ATTR_AI_COST_CURRENCY]: currency,
      }));
      addTo(entry, shadow.result.cost, shadow.result.scaledCost);
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
}

type PricedResult = PricedPlan;

/** A series key fragment of a priced plan and tier ('' unpriced). */
const tierKey = (result: PricedResult | undefined) => (result === undefined ? '' : `${result.plan.id}\u0000${result.tier.name}`);

/**
 * Everything one (provider, model, operation) records into, found once per call: attribute sets
 * are built on a series' first call and reused (the SDK only hashes them), entries of the exact
 * counters are kept by the objects that tell them apart (a tier, a unit, an attribution).
 */
class CallSeries {
  readonly call: Attributes;
  readonly input: Attributes;
  readonly output: Attributes;
  readonly key: string;
  private readonly failures = new Map<string, Attributes>();
  private readonly unpricedEntries = new Map<string, SeriesEntry>();
  /** Main tier (undefined: unpriced) → its series. */
  private readonly tiers = new Map<Tier | undefined, TierSeries>();
  /** Item operation → tier → its series. */
  private readonly items = new Map<string, Map<Tier | undefined, ItemSeries>>();

  constructor(
    readonly provider: string,
    readonly model: string,
    readonly operation: string,
  ) {
    this.call = callLabels(provider, model, operation);
    this.input = { ...this.call, [A.ATTR_GEN_AI_TOKEN_TYPE]: 'input' };
    this.output = { ...this.call, [A.ATTR_GEN_AI_TOKEN_TYPE]: 'output' };
    this.key = `${provider}\u0000${model}\u0000${operation}`;
  }

  failed(errorType: string): Attributes {
    let attrs = this.failures.get(errorType);
    if (attrs === undefined) this.failures.set(errorType, (attrs = { ...this.call, [A.ATTR_ERROR_TYPE]: errorType }));
    return attrs;
  }

  unpriced(reason: string, series: ExactSeries): SeriesEntry {
    let entry = this.unpricedEntries.get(reason);
    if (entry === undefined) {
      entry = series.entry(`${this.key}\u0000${reason}`, () => ({ ...this.call, [A.ATTR_AI_PRICING_UNPRICED_REASON]: reason }));
      this.unpricedEntries.set(reason, entry);
    }
    return entry;
  }

  tierSeries(main: PricedResult | undefined): TierSeries {
    const tier = main?.tier;
    let found = this.tiers.get(tier);
    if (found === undefined) this.tiers.set(tier, (found = new TierSeries(this, main)));
    return found;
  }

  itemSeries(operation: string, result: PricedResult | undefined): ItemSeries {
    let byTier = this.items.get(operation);
    if (byTier === undefined) this.items.set(operation, (byTier = new Map()));
    const tier = result?.tier;
    let found = byTier.get(tier);
    if (found === undefined) byTier.set(tier, (found = new ItemSeries(this, operation, result)));
    return found;
  }
}

/** What a call records by its main plan and tier: requests by outcome and attribution, the cost histogram. */
class TierSeries {
  private readonly requestEntries = new Map<string, SeriesEntry>();
  private readonly costLabels = new Map<string, Attributes>();
  private readonly key: string;

  constructor(
    private readonly call: CallSeries,
    private readonly main: PricedResult | undefined,
  ) {
    this.key = `${call.key}\u0000${tierKey(main)}`;
  }

  requests(outcome: string, attribution: Attribution, series: ExactSeries): SeriesEntry {
    const lookup = attribution.key === '' ? outcome : `${outcome}\u0000${attribution.key}`;
    let entry = this.requestEntries.get(lookup);
    if (entry === undefined) {
      entry = series.entry(`${this.key}\u0000${attribution.key}\u0000${outcome}`, () => ({
        ...this.call.call,
        ...planLabels(this.main),
        ...attribution.labels,
        [A.ATTR_AI_OUTCOME]: outcome,
      }));
      this.requestEntries.set(lookup, entry);
    }
    return entry;
  }

  requestCost(currency: string): Attributes {
    let labels = this.costLabels.get(currency);
    if (labels === undefined) {
      labels = { ...this.call.call, [A.ATTR_AI_COST_CURRENCY]: currency, ...(this.main === undefined ? {} : planTierLabels(this.main)) };
      this.costLabels.set(currency, labels);
    }
    return labels;
  }
}

/** What one priced item records: usage by unit, cost by attribution. */
class ItemSeries {
  private readonly usageEntries = new Map<string, SeriesEntry>();
  private readonly costEntries = new Map<string, SeriesEntry>();
  private readonly labels: Attributes;
  private readonly key: string;

  constructor(
    call: CallSeries,
    operation: string,
    private readonly result: PricedResult | undefined,
  ) {
    this.labels = { ...callLabels(call.provider, call.model, operation), ...(result === undefined ? {} : planTierLabels(result)) };
    this.key = `${call.provider}\u0000${call.model}\u0000${operation}\u0000${tierKey(result)}`;
  }

  usage(unit: string, series: ExactSeries): SeriesEntry {
    let entry = this.usageEntries.get(unit);
    if (entry === undefined) {
      entry = series.entry(`${this.key}\u0000${unit}`, () => ({ ...this.labels, [A.ATTR_AI_USAGE_UNIT]: unit }));
      this.usageEntries.set(unit, entry);
    }
    return entry;
  }

  /** Priced items only. */
  cost(attribution: Attribution, series: ExactSeries): SeriesEntry {
    let entry = this.costEntries.get(attribution.key);
    if (entry === undefined) {
      const result = this.result!;
      entry = series.entry(`${this.key}\u0000${result.plan.currency}\u0000${attribution.key}`, () => ({
        ...this.labels,
        ...planLabels(result),
        ...attribution.labels,
      }));
      this.costEntries.set(attribution.key, entry);
    }
    return entry;
  }
}
