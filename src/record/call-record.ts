/**
 * What capture hands to telemetry for one finished AI call: who was called,
 * what came back, and its prices. Plain data; no HTTP objects, no content.
 */
import { nearestDouble, type Decimal } from '../pricing/decimal.js';
import type { PriceResult } from '../pricing/types.js';
import type { UnpricedReason } from '../pricing/vocabulary.js';
import type { PriceItem, SemconvUsage } from '../providers/types.js';
import type { Usage } from '../pricing/types.js';

export type Outcome = 'success' | 'error';

export interface ShadowPrice {
  readonly plan: string;
  readonly result: PriceResult;
}

export interface PricedItem {
  readonly item: PriceItem;
  readonly result: PriceResult;
  /** What this item is charged: the price, or 0 for a failed call providers do not bill. */
  readonly charged: Decimal | undefined;
  readonly shadows: readonly ShadowPrice[];
}

/** The call as the span and the metrics show it; filled in as it is learnt. */
export interface CallStart {
  readonly provider: string;
  operation: string;
  readonly serverAddress: string;
  readonly serverPort: number | undefined;
  requestModel?: string;
}

/** The double a cost is reported as: the one worked out with it, or from its text. */
export function costValue(cost: NonNullable<CallRecord['cost']>): number {
  return cost.value ?? nearestDouble(cost.amount);
}

export interface CallRecord extends CallStart {
  readonly responseModel?: string;
  readonly status?: number;
  readonly outcome: Outcome;
  /** `error.type`: an HTTP status code or an error's name/code. */
  readonly errorType?: string;
  /** The response ended early (client abort, network error, timeout); usage is what was seen. */
  readonly aborted: boolean;
  readonly items: readonly PricedItem[];
  /** The item whose plan and tier describe the call: its own, or the first priced part. */
  readonly main?: PricedItem;
  /** Why the call (or, for a call made of parts, one of them) could not be priced. */
  readonly unpricedReason?: UnpricedReason;
  /** The call's cost: ours, or the one the provider reported. */
  readonly cost?: {
    readonly amount: Decimal;
    /** The double nearest `amount`, as spans and metrics report it (worked out once). */
    readonly value?: number;
    readonly currency: string;
    readonly source: 'catalog' | 'provider';
    /** Our catalog's price when the provider's won, to compare. */
    readonly catalogAmount?: Decimal;
  };
  readonly semconv?: SemconvUsage;
  readonly extraUsage?: Usage;
  readonly durationSeconds: number;
  /**
   * Answered with a redirect (301, 302, 303, 307, 308) that the client follows with a request of
   * its own: not a call of its own, neither billed nor unpriced. Its span ends; metrics, work units
   * and record listeners never see it (the request it leads to is the call).
   */
  readonly redirected?: boolean;
}

/** Statuses a client follows to another request. */
export function isRedirectStatus(status: number | undefined): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}
