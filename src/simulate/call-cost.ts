/**
 * One call's cost under a plan without its per-charge breakdown: what a simulation
 * over millions of calls needs. The engine's integer fast path for the cost alone
 * (scaledTierSum in src/pricing/price.ts), so no breakdown decimals are built; anything
 * off that path goes to pricePlan itself. A property test checks both give the same cost.
 */
import type { Decimal } from '../pricing/decimal.js';
import { pricePlan, scaledTierSum } from '../pricing/price.js';
import { selectTier } from '../pricing/tier.js';
import type { Dimensions, Plan, Usage } from '../pricing/types.js';
import type { UnpricedReason } from '../pricing/vocabulary.js';

const NO_DIMENSIONS: Dimensions = Object.freeze({});

/**
 * A reusable result slot (one per simulation, overwritten by each call): priced as
 * coefficient × 10^-scale, priced as a decimal, or unpriced with a reason.
 */
export interface CallCost {
  kind: 'scaled' | 'decimal' | 'unpriced';
  coefficient: number;
  scale: number;
  /** Set when kind is 'decimal'. */
  cost: Decimal | undefined;
  /** Set when kind is 'unpriced'. */
  reason: UnpricedReason | undefined;
}

export function newCallCost(): CallCost {
  return { kind: 'unpriced', coefficient: 0, scale: 0, cost: undefined, reason: undefined };
}

/** Writes the cost of one call under `plan` into `out`. */
export function costUnderPlan(plan: Plan, usage: Usage, dimensions: Dimensions | undefined, out: CallCost): void {
  const tier = selectTier(plan.tiers, usage, dimensions ?? NO_DIMENSIONS);
  if (tier === undefined) {
    out.kind = 'unpriced';
    out.reason = 'no_tier';
    return;
  }
  const { scaled } = tier;
  const sum = scaled === undefined ? undefined : scaledTierSum(tier, scaled, usage);
  if (scaled !== undefined && sum !== undefined) {
    out.kind = 'scaled';
    out.coefficient = sum;
    out.scale = scaled.scale;
    return;
  }
  const result = pricePlan(plan, usage, dimensions);
  if (!result.priced) {
    out.kind = 'unpriced';
    out.reason = result.reason;
  } else if (result.scaledCost !== undefined) {
    out.kind = 'scaled';
    out.coefficient = result.scaledCost.coefficient;
    out.scale = result.scaledCost.scale;
  } else {
    out.kind = 'decimal';
    out.cost = result.cost;
  }
}
