/**
 * The metrics of finished conversations and other units of work: cost (actual, and under each
 * shadow plan), calls and duration as histograms with bounded labels only (the unit's name, its
 * provider, attribution labels, currency), plus the table's size and evictions.
 */
import { ValueType, type Attributes, type Histogram, type Meter } from '@opentelemetry/api';
import { formatDecimal } from '../pricing/decimal.js';
import * as A from '../semconv.js';
import type { FinishedUnit, WorkUnitTable } from './work-units.js';

/** From a one-line exchange with a small model to a long agent session on a large one. */
export const CONVERSATION_COST_BUCKETS = [
  0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100,
];
export const CONVERSATION_REQUEST_BUCKETS = [1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233];
export const CONVERSATION_DURATION_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14400];

export class WorkUnitMetrics {
  private readonly cost: Histogram;
  private readonly requests: Histogram;
  private readonly duration: Histogram;

  constructor(meter: Meter, table: () => WorkUnitTable | undefined) {
    this.cost = meter.createHistogram(A.METRIC_AI_CONVERSATION_COST, {
      description: 'Cost of a finished conversation (or other unit of work), actual or under a shadow plan, in the currency label',
      advice: { explicitBucketBoundaries: CONVERSATION_COST_BUCKETS },
    });
    this.requests = meter.createHistogram(A.METRIC_AI_CONVERSATION_REQUESTS, {
      description: 'AI calls made by a finished conversation (or other unit of work)',
      valueType: ValueType.INT,
      advice: { explicitBucketBoundaries: CONVERSATION_REQUEST_BUCKETS },
    });
    this.duration = meter.createHistogram(A.METRIC_AI_CONVERSATION_DURATION, {
      description: 'Time from the first call of a finished conversation (or other unit of work) to the end of its last',
      advice: { explicitBucketBoundaries: CONVERSATION_DURATION_BUCKETS },
    });
    meter
      .createObservableGauge(A.METRIC_AI_CONVERSATIONS_ACTIVE, {
        description: 'Conversations (and other units of work) in progress in this process',
        valueType: ValueType.INT,
      })
      .addCallback((r) => {
        for (const [unit, n] of table()?.activeByUnit() ?? []) r.observe(n, { [A.ATTR_AI_WORK_UNIT]: unit });
      });
    meter
      .createObservableCounter(A.METRIC_AI_CONVERSATION_EVICTIONS, {
        description: 'Conversations finished early because the table of units in progress was full',
        valueType: ValueType.INT,
      })
      .addCallback((r) => {
        for (const [unit, n] of table()?.evictions() ?? []) r.observe(n, { [A.ATTR_AI_WORK_UNIT]: unit });
      });
  }

  record(finished: FinishedUnit): void {
    const base: Attributes = { [A.ATTR_AI_WORK_UNIT]: finished.unit, [A.ATTR_GEN_AI_PROVIDER_NAME]: finished.provider, ...finished.labels };
    this.requests.record(finished.requests, base);
    this.duration.record(finished.durationSeconds, base);
    for (const [currency, amount] of finished.cost)
      this.cost.record(Number(formatDecimal(amount)), { ...base, [A.ATTR_AI_COST_CURRENCY]: currency });
    for (const [plan, costs] of finished.shadows) {
      for (const [currency, amount] of costs) {
        this.cost.record(Number(formatDecimal(amount)), {
          ...base,
          [A.ATTR_AI_COST_CURRENCY]: currency,
          [A.ATTR_AI_PRICING_SHADOW_PLAN]: plan,
        });
      }
    }
  }
}
