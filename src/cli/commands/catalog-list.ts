/** `pricetag catalog list`: the plans in force, their tiers and rates, as a table or JSON. */
import { compareNumbers, epochDay } from '../../pricing/plan-index.js';
import { formatDecimal } from '../../pricing/decimal.js';
import type { Condition, Plan } from '../../pricing/types.js';
import { loadFromOptions, providerOption, type CatalogOptions } from '../catalog-options.js';
import { CliError, EXIT, type CliIo } from '../io.js';
import { renderTable } from '../table.js';

export interface ListOptions extends CatalogOptions {
  readonly provider?: string;
  readonly operation?: string;
  readonly all?: boolean;
  readonly json?: boolean;
}

function describeCondition(c: Condition): string {
  if (c.kind === 'values') return `${c.name}=${[...c.values].join('|')}`;
  const parts = [c.above !== undefined ? `${c.name}>${c.above}` : '', c.upto !== undefined ? `${c.name}<=${c.upto}` : ''];
  return parts.filter(Boolean).join(',');
}

function effectiveDate(plan: Plan): string {
  return Number.isFinite(plan.effectiveFrom) ? new Date(plan.effectiveFrom * 86_400_000).toISOString().slice(0, 10) : '';
}

/** A filter value no loaded plan has is a typo, not an empty result: say so with the values there are. */
function checkKnown(what: 'provider' | 'operation', value: string | undefined, known: readonly string[]): void {
  if (value === undefined || known.includes(value)) return;
  const values = [...new Set(known)].sort();
  throw new CliError(`unknown ${what} "${value}" in --${what}; known ${what}s: ${values.join(', ') || '(none)'}`);
}

export function catalogListCommand(options: ListOptions, io: CliIo): number {
  const { pricer } = loadFromOptions(options, io);
  const provider = options.provider === undefined ? undefined : providerOption(options.provider, io);
  // Every version counts: a provider known only from a superseded plan is a real name.
  checkKnown(
    'provider',
    provider,
    pricer.index.plans().map((p) => p.provider),
  );
  checkKnown(
    'operation',
    options.operation,
    pricer.index.plans().flatMap((p) => p.operations),
  );
  const today = epochDay(new Date());
  const plans = pricer.index
    .plans()
    .filter((p) => options.all || pricer.index.planInForce(p.id, today) === p)
    .filter((p) => provider === undefined || p.provider === provider)
    .filter((p) => options.operation === undefined || p.operations.includes(options.operation))
    .sort((a, b) => a.id.localeCompare(b.id) || compareNumbers(a.effectiveFrom, b.effectiveFrom));

  const rows = plans.flatMap((plan) =>
    plan.tiers.flatMap((tier) =>
      tier.charges.map((charge) => ({
        plan: plan.id,
        provider: plan.provider,
        operations: plan.operations.join(','),
        models: plan.models.join(',') || '*',
        effective_from: effectiveDate(plan),
        tier: tier.name,
        when: tier.conditions.map(describeCondition).join(' ') || '(default)',
        pricing_model: tier.pricingModel,
        unit: charge.unit,
        rate: formatDecimal(charge.rate),
        per: charge.per,
        increment: charge.increment,
        minimum: charge.minimum,
        currency: plan.currency,
      })),
    ),
  );
  if (options.json) {
    io.out(`${JSON.stringify(rows, null, 2)}\n`);
    return EXIT.ok;
  }
  const header = ['PLAN', 'PROVIDER', 'OPERATIONS', 'MODELS', 'TIER', 'WHEN', 'UNIT', 'RATE', 'PER', 'CURRENCY', 'FROM'];
  const cells = rows.map((r) => {
    const rounding = (r.increment !== 1 ? ` step ${r.increment}` : '') + (r.minimum !== 0 ? ` min ${r.minimum}` : '');
    return [
      r.plan,
      r.provider,
      r.operations,
      r.models,
      r.tier,
      r.when,
      r.unit,
      r.rate,
      `${r.per}${rounding}`,
      r.currency,
      r.effective_from,
    ];
  });
  io.out(renderTable(header, cells));
  io.out(`${plans.length} plans, ${rows.length} rates\n`);
  return EXIT.ok;
}
