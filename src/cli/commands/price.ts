/** `pricetag price`: one call's price under the catalog, as text or as the JSON contract. */
import { formatDecimal } from '../../pricing/decimal.js';
import type { PriceResult } from '../../pricing/types.js';
import { isCalendarDate } from '../../catalog/schema.js';
import { currentOperation } from '../../providers/provider-ids.js';
import { loadFromOptions, providerOption, type CatalogOptions } from '../catalog-options.js';
import { CliError, EXIT, type CliIo } from '../io.js';

export interface PriceOptions extends CatalogOptions {
  readonly plan?: string;
  readonly provider?: string;
  readonly model?: string;
  readonly operation?: string;
  readonly usage?: readonly string[];
  readonly dim?: readonly string[];
  readonly at?: string;
  readonly json?: boolean;
}

function pairs(values: readonly string[] | undefined, flag: string): [string, string][] {
  return (values ?? []).map((v) => {
    const eq = v.indexOf('=');
    if (eq <= 0 || eq === v.length - 1) throw new CliError(`${flag} takes NAME=VALUE, got "${v}"`);
    return [v.slice(0, eq), v.slice(eq + 1)];
  });
}

function parseUsage(values: readonly string[] | undefined): Record<string, number> {
  const usage: Record<string, number> = {};
  for (const [name, text] of pairs(values, '--usage')) {
    const n = Number(text);
    if (text.trim() === '' || !Number.isFinite(n) || n < 0) throw new CliError(`--usage ${name}: "${text}" is not a non-negative number`);
    usage[name] = n;
  }
  return usage;
}

/** The JSON of the CLI contract (DESIGN.md): exact decimal strings, snake_case keys. */
export function priceJson(result: PriceResult): Record<string, unknown> {
  if (!result.priced) return { unpriced: true, reason: result.reason };
  return {
    plan: result.plan.id,
    provider: result.plan.provider,
    pricing_model: result.tier.pricingModel,
    tier: result.tier.name,
    currency: result.plan.currency,
    cost: formatDecimal(result.cost),
    breakdown: result.breakdown.map((l) => ({
      unit: l.unit,
      quantity: l.quantity,
      billed: l.billed,
      rate: formatDecimal(l.rate),
      per: l.per,
      amount: formatDecimal(l.amount),
    })),
  };
}

function priceText(result: PriceResult): string {
  if (!result.priced) return `unpriced: ${result.reason}\n`;
  const { plan, tier } = result;
  const lines = [
    `plan     ${plan.id} (${plan.provider}, catalog ${plan.catalog})`,
    `tier     ${tier.name} (${tier.pricingModel})`,
    `cost     ${formatDecimal(result.cost)} ${plan.currency}`,
  ];
  for (const l of result.breakdown) {
    const per = l.per === 1 ? '' : ` / ${l.per}`;
    const billed = l.billed === l.quantity ? `${l.billed}` : `${l.billed} (used ${l.quantity})`;
    lines.push(`  ${l.unit.padEnd(22)} ${billed} × ${formatDecimal(l.rate)}${per} = ${formatDecimal(l.amount)}`);
  }
  return `${lines.join('\n')}\n`;
}

export function priceCommand(options: PriceOptions, io: CliIo): number {
  const byPlan = options.plan !== undefined;
  const byCall = options.provider !== undefined || options.operation !== undefined || options.model !== undefined;
  if (byPlan === byCall) throw new CliError('give either --plan ID or --provider P --operation O [--model M]');
  if (byCall && (options.provider === undefined || options.operation === undefined)) {
    throw new CliError('--provider and --operation are both required (and --model where the plan prices models)');
  }
  if (options.at !== undefined && !isCalendarDate(options.at)) throw new CliError(`--at must be a date YYYY-MM-DD, got "${options.at}"`);
  const usage = parseUsage(options.usage);
  const dimensions = Object.fromEntries(pairs(options.dim, '--dim'));
  const at = options.at === undefined ? undefined : new Date(`${options.at}T00:00:00Z`);

  const { pricer } = loadFromOptions(options, io);
  const call = () => {
    // A deprecated provider id keeps its meaning: Gemini's `chat` is `generate_content` now.
    const provider = providerOption(options.provider!, io);
    const operation = currentOperation(options.provider!, options.operation!);
    return pricer.price({ provider, operation, model: options.model, usage, dimensions, at });
  };
  const result = byPlan ? pricer.priceWithPlan(options.plan!, usage, dimensions, at) : call();

  io.out(options.json ? `${JSON.stringify(priceJson(result))}\n` : priceText(result));
  return result.priced ? EXIT.ok : EXIT.unpriced;
}
