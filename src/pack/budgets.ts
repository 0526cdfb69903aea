/**
 * The budgets file: named budgets (amount, currency, rolling window, label
 * selector over ai_cost_total) and optional alert overrides. Validated like
 * catalogs, every problem located as FILE:LINE:COL: path: message.
 */
import { z } from 'zod';
import type { CatalogProblem } from '../catalog/problems.js';
import type { RuleProblem } from '../catalog/rules.js';
import { parseSource, readSourceFile } from '../catalog/source.js';
import { validateDocument } from '../catalog/validate.js';
import { DEFAULT_ALERTS, type AlertsConfig } from './config.js';
import { isDuration } from './duration.js';

const duration = z.string({ error: 'must be a duration such as 30d, 6h or 15m' }).refine(isDuration, { error: 'must be a duration such as 30d, 6h or 15m' });
const positive = z.number({ error: 'must be a positive number' }).positive({ error: 'must be a positive number' });
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

const budgetSchema = z.strictObject({
  name: z.string({ error: 'must be a name' }).regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, { error: 'must be a name of letters, digits, _ . -' }),
  amount: positive,
  currency: z.string({ error: 'must be an ISO 4217 code such as USD' }).regex(/^[A-Z]{3}$/, { error: 'must be an ISO 4217 code such as USD' }),
  window: duration,
  selector: z
    .record(z.string().regex(LABEL_NAME, { error: 'must be a Prometheus label name' }), z.string({ error: 'must be a label value (a string)' }))
    .optional(),
  description: z.string().optional(),
});

/** A budget per conversation (or other unit of work): a quantile of the cost of one, not a total. */
const unitBudgetSchema = z.strictObject({
  name: z.string({ error: 'must be a name' }).regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, { error: 'must be a name of letters, digits, _ . -' }),
  unit: z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, { error: 'must be a unit name such as conversation' }).default('conversation'),
  quantile: z.number({ error: 'must be a number between 0 and 1' }).gt(0, { error: 'must be between 0 and 1' }).lt(1, { error: 'must be between 0 and 1' }).default(0.9),
  amount: positive,
  currency: z.string({ error: 'must be an ISO 4217 code such as USD' }).regex(/^[A-Z]{3}$/, { error: 'must be an ISO 4217 code such as USD' }),
  /** Conversations finished within this window make up the distribution. */
  window: duration.default('1h'),
  selector: z
    .record(z.string().regex(LABEL_NAME, { error: 'must be a Prometheus label name' }), z.string({ error: 'must be a label value (a string)' }))
    .optional(),
  description: z.string().optional(),
});

const alertsSchema = z.strictObject({
  tier_drift: z
    .strictObject({
      baseline: duration.optional(),
      recent: duration.optional(),
      threshold: z.number().gt(0, { error: 'must be between 0 and 1' }).lt(1, { error: 'must be between 0 and 1' }).optional(),
      min_requests_per_hour: positive.optional(),
    })
    .optional(),
  cost_per_request_drift: z
    .strictObject({ baseline: duration.optional(), recent: duration.optional(), ratio: z.number().gt(1, { error: 'must be above 1' }).optional(), min_requests_per_hour: positive.optional() })
    .optional(),
  unpriced_for: duration.optional(),
  exporter_selector: z.string().optional(),
  runbook_url: z.url({ error: 'must be a URL' }).optional(),
});

export const budgetsSchema = z.strictObject({
  budgets: z.array(budgetSchema).min(1, { error: 'must list at least one budget' }),
  per_unit_budgets: z.array(unitBudgetSchema).optional(),
  alerts: alertsSchema.optional(),
});

export type Budget = z.infer<typeof budgetSchema>;
export type UnitBudget = z.infer<typeof unitBudgetSchema>;
export type BudgetsDocument = z.infer<typeof budgetsSchema>;

export interface BudgetsConfig {
  readonly budgets: readonly Budget[];
  readonly perUnitBudgets: readonly UnitBudget[];
  readonly alerts: AlertsConfig;
}

export type BudgetsResult = { readonly ok: true; readonly config: BudgetsConfig } | { readonly ok: false; readonly problems: CatalogProblem[] };

/** Budget names are labels: one name, one budget (totals and per-unit budgets share the label). */
function budgetRules(value: unknown): RuleProblem[] {
  const out: RuleProblem[] = [];
  const seen = new Map<string, string>();
  for (const list of ['budgets', 'per_unit_budgets'] as const) {
    const budgets = (value as Record<string, unknown> | null)?.[list];
    if (!Array.isArray(budgets)) continue;
    budgets.forEach((b: unknown, i) => {
      const name = (b as { name?: unknown } | null)?.name;
      if (typeof name !== 'string') return;
      const first = seen.get(name);
      if (first !== undefined) out.push({ path: [list, i, 'name'], message: `duplicate budget name "${name}" (first at ${first})` });
      else seen.set(name, `${list}[${i}]`);
    });
  }
  return out;
}

export function validateBudgetsText(text: string, file: string): BudgetsResult {
  const parsed = parseSource(text, file);
  if (!parsed.ok) return parsed;
  const result = validateDocument(parsed.source.value, budgetsSchema, budgetRules, file, parsed.source);
  if (!result.ok) return result;
  const overrides = result.document.alerts ?? {};
  const alerts: AlertsConfig = {
    ...DEFAULT_ALERTS,
    ...overrides,
    tier_drift: { ...DEFAULT_ALERTS.tier_drift, ...overrides.tier_drift },
    cost_per_request_drift: { ...DEFAULT_ALERTS.cost_per_request_drift, ...overrides.cost_per_request_drift },
  };
  return { ok: true, config: { budgets: result.document.budgets, perUnitBudgets: result.document.per_unit_budgets ?? [], alerts } };
}

export function loadBudgetsFile(file: string): BudgetsResult {
  const read = readSourceFile(file);
  return read.ok ? validateBudgetsText(read.text, file) : read;
}
