/** A finished call's share of its conversation: its charges, and what they would be under each shadow plan. */
import type { CallRecord } from '../record/call-record.js';
import { ZERO, type Decimal } from '../pricing/decimal.js';
import type { UnitCall } from './work-units.js';

function add(map: Map<string, Decimal>, currency: string, amount: Decimal): void {
  map.set(currency, (map.get(currency) ?? ZERO).plus(amount));
}

export function unitCallOf(record: CallRecord, labels: Readonly<Record<string, string>>, endMs: number): UnitCall {
  const cost = new Map<string, Decimal>();
  if (record.cost !== undefined) cost.set(record.cost.currency, record.cost.amount);
  const shadows = new Map<string, Map<string, Decimal>>();
  const plans = new Set(record.items.flatMap((p) => p.shadows.filter((s) => s.result.priced).map((s) => s.plan)));
  for (const plan of plans) {
    const costs = new Map<string, Decimal>();
    for (const priced of record.items) {
      const shadow = priced.shadows.find((s) => s.plan === plan)?.result;
      // Only successful calls are billed under a shadow plan, as in ai_cost_shadow_total.
      if (shadow?.priced === true && record.outcome === 'success') add(costs, shadow.plan.currency, shadow.cost);
      else if (priced.charged !== undefined && priced.result.priced) add(costs, priced.result.plan.currency, priced.charged);
    }
    shadows.set(plan, costs);
  }
  return { provider: record.provider, labels, cost, shadows, startMs: endMs - record.durationSeconds * 1000, endMs };
}
