/** Tier selection: the first tier whose every condition holds for the call. */
import type { Condition, Dimensions, Tier, Usage } from './types.js';

function conditionHolds(condition: Condition, usage: Usage, dimensions: Dimensions): boolean {
  const name = condition.name;
  if (condition.kind === 'values') {
    const dim = dimensions[name];
    if (dim !== undefined) return condition.values.has(dim);
    const q = usage[name];
    return q !== undefined && condition.values.has(String(q));
  }
  // A range reads a usage quantity (absent means 0), a derived sum, else a numeric dimension.
  let q = usage[name];
  if (q === undefined && condition.sumOf !== undefined) {
    q = 0;
    for (const part of condition.sumOf) q += usage[part] ?? 0;
  } else if (q === undefined) {
    const dim = dimensions[name];
    q = dim === undefined ? 0 : Number(dim);
    if (Number.isNaN(q)) return false;
  }
  if (condition.upto !== undefined && !(q <= condition.upto)) return false;
  if (condition.above !== undefined && !(q > condition.above)) return false;
  return true;
}

export function selectTier(tiers: readonly Tier[], usage: Usage, dimensions: Dimensions): Tier | undefined {
  for (const tier of tiers) {
    let ok = true;
    for (const c of tier.conditions) {
      if (!conditionHolds(c, usage, dimensions)) {
        ok = false;
        break;
      }
    }
    if (ok) return tier;
  }
  return undefined;
}
