/**
 * From an adapter's facts to priced items: the price step of a call. Failed
 * calls are charged 0 (providers do not bill them); a call without usage is
 * unpriced (`no_usage`), never free.
 */
import { decimal, nearestDouble, ZERO, type Decimal } from '../pricing/decimal.js';
import type { Pricer } from '../pricing/pricer.js';
import type { PriceResult } from '../pricing/types.js';
import type { UnpricedReason } from '../pricing/vocabulary.js';
import type { CallFacts, PriceItem } from '../providers/types.js';
import type { CallRecord, Outcome, PricedItem, ShadowPrice } from './call-record.js';

export interface PricingContext {
  readonly pricer: Pricer;
  readonly provider: string;
  /** Provider whose plans price calls when the catalog has none for `provider` (Azure → OpenAI). */
  readonly pricedAs?: string;
  /** plan id → alternative plan ids priced for comparison. */
  readonly shadowPlans: ReadonlyMap<string, readonly string[]>;
  /** Currency of a failed call's 0 when no plan was found. */
  readonly defaultCurrency: string;
}

function ask(ctx: PricingContext, item: PriceItem, provider: string, model: string | undefined): PriceResult {
  return ctx.pricer.price({ provider, operation: item.operation, model, usage: item.usage, dimensions: item.dimensions });
}

function priceItem(ctx: PricingContext, item: PriceItem): PriceResult {
  let result = ask(ctx, item, ctx.provider, item.model);
  if (!result.priced && result.reason === 'unknown_model' && item.fallbackModel !== undefined && item.fallbackModel !== item.model) {
    result = ask(ctx, item, ctx.provider, item.fallbackModel);
  }
  if (!result.priced && result.reason === 'no_plan' && ctx.pricedAs !== undefined) {
    result = ask(ctx, item, ctx.pricedAs, item.model);
    if (!result.priced && result.reason === 'unknown_model' && item.fallbackModel !== undefined)
      result = ask(ctx, item, ctx.pricedAs, item.fallbackModel);
  }
  return result;
}

const NO_SHADOWS: readonly ShadowPrice[] = [];

export type PricedFacts = Pick<CallRecord, 'items' | 'main' | 'unpricedReason' | 'cost'>;

export function priceFacts(ctx: PricingContext, facts: CallFacts, outcome: Outcome): PricedFacts {
  const items: PricedItem[] = [];
  for (const item of facts.items) {
    const result = priceItem(ctx, item);
    const charged = !result.priced ? undefined : outcome === 'error' ? ZERO : result.cost;
    const alternatives = result.priced ? ctx.shadowPlans.get(result.plan.id) : undefined;
    const shadows =
      alternatives === undefined
        ? NO_SHADOWS
        : alternatives.map((plan) => ({ plan, result: ctx.pricer.priceWithPlan(plan, item.usage, item.dimensions) }));
    items.push({ item, result, charged, shadows });
  }

  const main = facts.itemsAreParts ? (items.find((p) => p.result.priced) ?? items[0]) : items[0];
  if (outcome === 'error') {
    const currency = main?.result.priced ? main.result.plan.currency : ctx.defaultCurrency;
    return { items, main, cost: { amount: ZERO, currency, source: 'catalog' } };
  }
  let unpricedReason: UnpricedReason | undefined;
  if (main === undefined) unpricedReason = 'no_usage';
  else if (!main.result.priced) unpricedReason = main.result.reason;
  else if (facts.itemsAreParts) {
    // A part that could not be priced leaves the call's cost short: say so next to it.
    const missing = items.find((p) => !p.result.priced);
    if (missing !== undefined && !missing.result.priced) unpricedReason = missing.result.reason;
  }

  let catalog: { amount: Decimal; currency: string; value: number; source: 'catalog' } | undefined;
  if (main?.result.priced) {
    const currency = main.result.plan.currency;
    let amount: Decimal | undefined;
    let only: PricedItem | undefined;
    // Items priced in another currency are recorded on their own; the call's total stays in one currency.
    // One item's charge is the total itself (no addition, and its double is known).
    for (const p of items)
      if (p.result.priced && p.charged !== undefined && p.result.plan.currency === currency)
        if (amount === undefined) {
          amount = p.charged;
          only = p;
        } else {
          amount = amount.plus(p.charged);
          only = undefined;
        }
    // One item's price: its double from its scaled form, without formatting the decimal.
    const scaled = only !== undefined && only.result.priced && only.charged === only.result.cost ? only.result.scaledCost : undefined;
    catalog = { amount: amount ?? ZERO, currency, value: nearestDouble(amount ?? ZERO, scaled), source: 'catalog' };
  }
  if (facts.providerCost !== undefined) {
    const amount = decimal(facts.providerCost.amount);
    return {
      items,
      main,
      unpricedReason: undefined,
      cost: {
        amount,
        value: nearestDouble(amount),
        currency: facts.providerCost.currency,
        source: 'provider',
        catalogAmount: catalog?.amount,
      },
    };
  }
  return { items, main, unpricedReason, cost: catalog };
}

/** One pricing context per provider (and the provider it is priced as), made on first use. */
export class PricingContexts {
  private readonly contexts = new Map<string, PricingContext>();

  constructor(
    private readonly pricer: Pricer,
    private readonly shadowPlans: ReadonlyMap<string, readonly string[]>,
    /** Currency of a failed call's 0 when no plan was found. */
    readonly defaultCurrency: string,
  ) {}

  of(provider: string, pricedAs: string | undefined): PricingContext {
    const key = pricedAs === undefined ? provider : `${provider}\u0000${pricedAs}`;
    let ctx = this.contexts.get(key);
    if (ctx === undefined) {
      ctx = { pricer: this.pricer, provider, pricedAs, shadowPlans: this.shadowPlans, defaultCurrency: this.defaultCurrency };
      this.contexts.set(key, ctx);
    }
    return ctx;
  }
}
