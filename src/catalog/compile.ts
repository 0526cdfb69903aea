/** A validated catalog document to compiled plans the pricing engine can run. */
import { decimal, dividesExactly } from '../pricing/decimal.js';
import { classifyPricingModel } from '../pricing/pricing-model.js';
import { scaledRates } from '../pricing/scaled-rates.js';
import type { Charge, Condition, Plan, Tier } from '../pricing/types.js';
import { DERIVED_QUANTITIES, IMPLICIT_TIER } from '../pricing/vocabulary.js';
import { currentOperations, currentProviderId } from '../providers/provider-ids.js';
import type { ChargeDocument, CatalogDocument, ConditionDocument, TierDocument } from './schema.js';

function compileCharge(doc: ChargeDocument): Charge {
  const rate = decimal(doc.rate);
  const per = doc.per ?? 1;
  return {
    unit: doc.unit,
    rate,
    per,
    increment: doc.increment ?? 1,
    minimum: doc.minimum ?? 0,
    unitRate: per === 1 ? rate : dividesExactly(per) ? rate.div(per) : undefined,
  };
}

function compileCondition(name: string, doc: ConditionDocument): Condition {
  if (Array.isArray(doc)) return { kind: 'values', name, values: new Set(doc.map(String)) };
  if (typeof doc === 'object') return { kind: 'range', name, upto: doc.upto, above: doc.above, sumOf: DERIVED_QUANTITIES[name] };
  return { kind: 'values', name, values: new Set([String(doc)]) };
}

function compileTier(doc: Pick<TierDocument, 'name' | 'when' | 'charges'>): Tier {
  const charges = doc.charges.map(compileCharge);
  return {
    name: doc.name,
    conditions: Object.entries(doc.when ?? {}).map(([name, c]) => compileCondition(name, c)),
    charges,
    pricingModel: classifyPricingModel(charges.map((c) => c.unit)),
    scaled: scaledRates(charges),
  };
}

export function dayOf(date: string): number {
  return Math.floor(Date.parse(`${date}T00:00:00Z`) / 86_400_000);
}

export interface CompiledCatalog {
  readonly label: string;
  readonly file: string;
  readonly plans: Plan[];
  readonly aliases: ReadonlyMap<string, string>;
}

/** `layer` orders catalogs: 0 is the built-in default, later layers win ties. */
export function compileCatalog(doc: CatalogDocument, file: string, layer: number): CompiledCatalog {
  const plans = doc.plans.map((p, index): Plan => ({
    id: p.id,
    // A deprecated provider id (validation warned of it) prices what it always priced, under the current id.
    provider: currentProviderId(p.provider),
    operations: currentOperations(p.provider, p.operations),
    models: p.models ?? [],
    effectiveFrom: p.effective_from === undefined ? Number.NEGATIVE_INFINITY : dayOf(p.effective_from),
    currency: p.currency ?? doc.currency,
    catalog: doc.catalog,
    source: p.source,
    asOf: p.as_of,
    description: p.description,
    tiers: p.tiers?.map(compileTier) ?? [compileTier({ name: IMPLICIT_TIER, charges: p.charges ?? [] })],
    origin: { file, layer, index },
  }));
  return { label: doc.catalog, file, plans, aliases: new Map(Object.entries(doc.aliases ?? {})) };
}
