/**
 * Integer form of a tier's unit rates on one common decimal scale. When every
 * charge has one, a call's cost is a sum of integer products that doubles hold
 * exactly (checked per call), which is several times faster than decimal
 * multiplication and gives the very same value.
 */
import { EXACT_INTEGER_LIMIT, toScaledInteger } from './decimal.js';
import type { Charge, ScaledRates } from './types.js';

export function scaledRates(charges: readonly Charge[]): ScaledRates | undefined {
  const parts = [];
  for (const charge of charges) {
    if (charge.unitRate === undefined) return undefined;
    const part = toScaledInteger(charge.unitRate);
    if (part === undefined) return undefined;
    parts.push(part);
  }
  const scale = Math.max(0, ...parts.map((p) => p.scale));
  const coefficients = parts.map((p) => p.coefficient * 10 ** (scale - p.scale));
  if (!coefficients.every((c) => Number.isSafeInteger(c) && c < EXACT_INTEGER_LIMIT)) return undefined;
  return { scale, coefficients };
}
