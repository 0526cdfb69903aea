import { isTokenUnit, type PricingModel } from './vocabulary.js';

/**
 * Classifies a set of charged units: only `requests` is per-request, only token
 * units is per-token, a single other unit (characters, images…) is per-unit,
 * anything mixed is blended.
 */
export function classifyPricingModel(units: readonly string[]): PricingModel {
  const distinct = new Set(units);
  if (distinct.size === 0) return 'per_request';
  if (distinct.size === 1 && distinct.has('requests')) return 'per_request';
  const all = [...distinct];
  if (all.every(isTokenUnit)) return 'per_token';
  if (distinct.size === 1) return 'per_unit';
  return 'blended';
}
