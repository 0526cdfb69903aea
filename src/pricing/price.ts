/** The pure pricing function: a plan and one call's usage to an exact price tag. */
import { applyCharge, billedQuantity } from './charge.js';
import { EXACT_INTEGER_LIMIT, fromScaledInteger, ZERO } from './decimal.js';
import { selectTier } from './tier.js';
import type { ChargeLine, Dimensions, Plan, PriceResult, ScaledRates, Tier, Usage } from './types.js';

const NO_DIMENSIONS: Dimensions = Object.freeze({});

function quantityOf(usage: Usage, unit: string): number {
  // Every call is one request, whether or not the adapter said so.
  return usage[unit] ?? (unit === 'requests' ? 1 : 0);
}

/** Integer fast path; undefined when a product or the sum would leave exact doubles. */
function priceScaled(plan: Plan, tier: Tier, scaled: ScaledRates, usage: Usage): PriceResult | undefined {
  const { charges } = tier;
  const quantities = new Array<number>(charges.length);
  const billed = new Array<number>(charges.length);
  const products = new Array<number>(charges.length);
  let sum = 0;
  for (let i = 0; i < charges.length; i++) {
    const charge = charges[i]!;
    const q = quantityOf(usage, charge.unit);
    const b = billedQuantity(q, charge.increment, charge.minimum);
    if (!Number.isInteger(b)) return undefined;
    const p = scaled.coefficients[i]! * b;
    sum += p;
    if (!(p < EXACT_INTEGER_LIMIT) || !(sum < EXACT_INTEGER_LIMIT)) return undefined;
    quantities[i] = q;
    billed[i] = b;
    products[i] = p;
  }
  const breakdown = new Array<ChargeLine>(charges.length);
  for (let i = 0; i < charges.length; i++) {
    const charge = charges[i]!;
    breakdown[i] = {
      unit: charge.unit,
      quantity: quantities[i]!,
      billed: billed[i]!,
      rate: charge.rate,
      per: charge.per,
      amount: fromScaledInteger(products[i]!, scaled.scale),
    };
  }
  return {
    priced: true,
    plan,
    tier,
    cost: fromScaledInteger(sum, scaled.scale),
    scaledCost: { coefficient: sum, scale: scaled.scale },
    breakdown,
  };
}

/**
 * The integer fast path's cost alone, as a coefficient of 10^-scale: priceScaled's sum without
 * its breakdown, for callers that price millions of calls and need only the cost (the
 * simulator). Kept beside priceScaled rather than shared with it: the single pass there, which
 * keeps each charge's figures for the breakdown, is measurably faster on the instrumentation's
 * hot path. A property test (test/simulate) checks both give the same cost.
 */
export function scaledTierSum(tier: Tier, scaled: ScaledRates, usage: Usage): number | undefined {
  const { charges } = tier;
  let sum = 0;
  for (let i = 0; i < charges.length; i++) {
    const charge = charges[i]!;
    const b = billedQuantity(quantityOf(usage, charge.unit), charge.increment, charge.minimum);
    if (!Number.isInteger(b)) return undefined;
    const p = scaled.coefficients[i]! * b;
    sum += p;
    if (!(p < EXACT_INTEGER_LIMIT) || !(sum < EXACT_INTEGER_LIMIT)) return undefined;
  }
  return sum;
}

/** Decimal path: any rate, any quantity. */
function priceDecimal(plan: Plan, tier: Tier, usage: Usage): PriceResult {
  let cost = ZERO;
  const breakdown = tier.charges.map((charge): ChargeLine => {
    const quantity = quantityOf(usage, charge.unit);
    const { billed, amount } = applyCharge(charge, quantity);
    cost = cost.plus(amount);
    return { unit: charge.unit, quantity, billed, rate: charge.rate, per: charge.per, amount };
  });
  return { priced: true, plan, tier, cost, breakdown };
}

export function pricePlan(plan: Plan, usage: Usage, dimensions: Dimensions = NO_DIMENSIONS): PriceResult {
  const tier = selectTier(plan.tiers, usage, dimensions);
  if (tier === undefined) return { priced: false, reason: 'no_tier', plan };
  return (tier.scaled && priceScaled(plan, tier, tier.scaled, usage)) || priceDecimal(plan, tier, usage);
}
