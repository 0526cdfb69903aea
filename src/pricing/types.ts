/** The compiled, ready-to-price form of a catalog plan, and the result of pricing. */
import type { Decimal } from './decimal.js';
import type { PricingModel, UnpricedReason } from './vocabulary.js';

/** Billable quantities of one call, by usage unit (`requests` defaults to 1). */
export type Usage = Readonly<Record<string, number>>;
/** Categorical properties of one call (`quality`, `search_depth`, …). */
export type Dimensions = Readonly<Record<string, string>>;

export interface Charge {
  readonly unit: string;
  readonly rate: Decimal;
  /** Quantity the rate is quoted for (per 1,000,000 tokens, per 100 characters…). */
  readonly per: number;
  /** Billing granularity: the quantity is rounded up to a multiple of it. */
  readonly increment: number;
  /** Billed quantity floor per call. */
  readonly minimum: number;
  /** rate / per, precomputed when that division is exact. */
  readonly unitRate: Decimal | undefined;
}

export type Condition =
  | { readonly kind: 'values'; readonly name: string; readonly values: ReadonlySet<string> }
  | {
      readonly kind: 'range';
      readonly name: string;
      readonly upto?: number;
      readonly above?: number;
      /** For a derived quantity (`prompt_tokens`): the reported quantities it sums. */
      readonly sumOf?: readonly string[];
    };

/** Unit rates as integers × 10^-scale, for the exact integer fast path. */
export interface ScaledRates {
  readonly scale: number;
  readonly coefficients: readonly number[];
}

export interface Tier {
  readonly name: string;
  /** Empty for the default tier. */
  readonly conditions: readonly Condition[];
  readonly charges: readonly Charge[];
  readonly pricingModel: PricingModel;
  /** Present when every unit rate fits the integer fast path. */
  readonly scaled: ScaledRates | undefined;
}

export interface Plan {
  readonly id: string;
  readonly provider: string;
  readonly operations: readonly string[];
  /** Exact names and globs; empty means the plan prices any model. */
  readonly models: readonly string[];
  /** Days since 1970-01-01 (UTC) from which this version is in force. */
  readonly effectiveFrom: number;
  readonly currency: string;
  /** Version label of the catalog the plan came from. */
  readonly catalog: string;
  readonly source?: string;
  readonly asOf?: string;
  readonly description?: string;
  readonly tiers: readonly Tier[];
  /** Where the plan was declared, for messages and listings. */
  readonly origin: PlanOrigin;
}

export interface PlanOrigin {
  readonly file: string;
  /** Index of the layer (0 = built-in default) and of the plan inside it. */
  readonly layer: number;
  readonly index: number;
}

export interface ChargeLine {
  readonly unit: string;
  readonly quantity: number;
  readonly billed: number;
  readonly rate: Decimal;
  readonly per: number;
  readonly amount: Decimal;
}

/** An exact amount as an integer coefficient × 10^-scale, where the integer fast path priced it. */
export interface ScaledAmount {
  readonly coefficient: number;
  readonly scale: number;
}

export interface PriceTag {
  readonly priced: true;
  readonly plan: Plan;
  readonly tier: Tier;
  readonly cost: Decimal;
  /** The same cost as a scaled integer, when the fast path priced it (sums of these stay cheap). */
  readonly scaledCost?: ScaledAmount;
  readonly breakdown: readonly ChargeLine[];
}

export interface Unpriced {
  readonly priced: false;
  readonly reason: UnpricedReason;
  /** The plan, when one was found but no tier matched. */
  readonly plan?: Plan;
}

export type PriceResult = PriceTag | Unpriced;
