/** Lookup plus pricing: what the instrumentation and the CLI call for each call. */
import { epochDay, PlanIndex, today } from './plan-index.js';
import { pricePlan } from './price.js';
import type { Dimensions, Plan, PriceResult, Usage } from './types.js';

export interface PriceRequest {
  readonly provider: string;
  readonly operation: string;
  /** Model name as requested or reported; aliases are resolved by the catalog. */
  readonly model?: string;
  readonly usage: Usage;
  readonly dimensions?: Dimensions;
  /** Price with the plans in force on this date; default now. */
  readonly at?: Date;
}

export class Pricer {
  constructor(readonly index: PlanIndex) {}

  /** Finds the plan in force for the call; an unpriced result says why none applies. */
  price(request: PriceRequest): PriceResult {
    const day = request.at === undefined ? today() : epochDay(request.at);
    const found = this.index.resolve(request.provider, request.operation, request.model, day);
    if (found.plan === undefined) return { priced: false, reason: found.reason };
    return pricePlan(found.plan, request.usage, request.dimensions);
  }

  /** Prices a call under a named plan (shadow pricing, `pricetag price --plan`). */
  priceWithPlan(planId: string, usage: Usage, dimensions?: Dimensions, at?: Date): PriceResult {
    const plan: Plan | undefined = this.index.planInForce(planId, at === undefined ? today() : epochDay(at));
    if (plan === undefined) return { priced: false, reason: 'no_plan' };
    return pricePlan(plan, usage, dimensions);
  }
}
