/** One charge of a tier applied to one call's quantity: billed quantity and amount. */
import { decimal, ZERO, type Decimal } from './decimal.js';
import type { Charge } from './types.js';

export interface ChargeResult {
  readonly billed: number;
  readonly amount: Decimal;
}

/** billed = max(minimum, ceil(quantity / increment) × increment). */
export function billedQuantity(quantity: number, increment: number, minimum: number): number {
  if (!(quantity > 0)) return minimum;
  let rounded: number;
  if (increment === 1) {
    rounded = Math.ceil(quantity);
  } else if (Number.isSafeInteger(quantity) && Number.isSafeInteger(increment)) {
    // Integer remainder: exact where a float division could round across an integer.
    const rest = quantity % increment;
    rounded = rest === 0 ? quantity : quantity - rest + increment;
  } else {
    const steps = decimal(quantity).div(decimal(increment)).round(0, 3 /* round up */);
    rounded = Number(steps.times(decimal(increment)).toFixed());
  }
  return rounded > minimum ? rounded : minimum;
}

export function applyCharge(charge: Charge, quantity: number): ChargeResult {
  const billed = billedQuantity(quantity, charge.increment, charge.minimum);
  if (billed === 0) return { billed, amount: ZERO };
  const amount = charge.unitRate !== undefined ? charge.unitRate.times(billed) : charge.rate.times(billed).div(charge.per);
  return { billed, amount };
}
