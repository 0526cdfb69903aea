/**
 * The budgets file: named budgets (amount, currency, rolling window, label
 * selector over ai_cost_total) and optional alert overrides. Validated like
 * catalogs, every problem located as FILE:LINE:COL: path: message.
 */
import * as v from 'valibot';
import type { CatalogProblem } from '../catalog/problems.js';
import type { RuleProblem } from '../catalog/rules.js';
import { finiteNumber, minLength, mismatch, record, strictObject } from '../catalog/schema.js';
import { parseSource, readSourceFile } from '../catalog/source.js';
import { validateDocument } from '../catalog/validate.js';
import { DEFAULT_ALERTS, type AlertsConfig } from './config.js';
import { isDuration } from './duration.js';

const duration = v.pipe(
  v.string('must be a duration such as 30d, 6h or 15m'),
  v.check(isDuration, 'must be a duration such as 30d, 6h or 15m'),
);
const positive = v.pipe(finiteNumber('must be a positive number'), v.gtValue(0, 'must be a positive number'));
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** A URL as the WHATWG URL parser reads it, surrounding white space trimmed and tabs and newlines dropped (as the parser does). */
const url = v.pipe(
  v.string('must be a URL'),
  v.check((text) => URL.canParse(text.trim()), 'must be a URL'),
  v.transform((text) => text.trim().replace(/[\t\n\r]/g, '')),
);
/** Label name to value; a key that is not a label name is reported as "Invalid key in record". */
const selector = record(
  v.pipe(v.string(mismatch('string')), v.regex(LABEL_NAME, 'must be a Prometheus label name')),
  v.string('must be a label value (a string)'),
);

const budgetSchema = strictObject({
  name: v.pipe(v.string('must be a name'), v.regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'must be a name of letters, digits, _ . -')),
  amount: positive,
  currency: v.pipe(v.string('must be an ISO 4217 code such as USD'), v.regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD')),
  window: duration,
  selector: v.optional(selector),
  description: v.optional(v.string(mismatch('string'))),
});

/** A budget per conversation (or other unit of work): a quantile of the cost of one, not a total. */
const unitBudgetSchema = strictObject({
  name: v.pipe(v.string('must be a name'), v.regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'must be a name of letters, digits, _ . -')),
  unit: v.optional(
    v.pipe(v.string(mismatch('string')), v.regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'must be a unit name such as conversation')),
    'conversation',
  ),
  quantile: v.optional(
    v.pipe(
      finiteNumber('must be a number between 0 and 1'),
      v.gtValue(0, 'must be between 0 and 1'),
      v.ltValue(1, 'must be between 0 and 1'),
    ),
    0.9,
  ),
  amount: positive,
  currency: v.pipe(v.string('must be an ISO 4217 code such as USD'), v.regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD')),
  /** Conversations finished within this window make up the distribution. */
  window: v.optional(duration, '1h'),
  selector: v.optional(selector),
  description: v.optional(v.string(mismatch('string'))),
});

const alertsSchema = strictObject({
  tier_drift: v.optional(
    strictObject({
      baseline: v.optional(duration),
      recent: v.optional(duration),
      threshold: v.optional(v.pipe(finiteNumber(), v.gtValue(0, 'must be between 0 and 1'), v.ltValue(1, 'must be between 0 and 1'))),
      min_requests_per_hour: v.optional(positive),
    }),
  ),
  cost_per_request_drift: v.optional(
    strictObject({
      baseline: v.optional(duration),
      recent: v.optional(duration),
      ratio: v.optional(v.pipe(finiteNumber(), v.gtValue(1, 'must be above 1'))),
      min_requests_per_hour: v.optional(positive),
    }),
  ),
  unpriced_for: v.optional(duration),
  exporter_selector: v.optional(v.string(mismatch('string'))),
  runbook_url: v.optional(url),
});

export const budgetsSchema = strictObject({
  budgets: v.pipe(v.array(budgetSchema, mismatch('array')), minLength(1, 'must list at least one budget')),
  per_unit_budgets: v.optional(v.array(unitBudgetSchema, mismatch('array'))),
  alerts: v.optional(alertsSchema),
});

export type Budget = v.InferOutput<typeof budgetSchema>;
export type UnitBudget = v.InferOutput<typeof unitBudgetSchema>;

export interface BudgetsConfig {
  readonly budgets: readonly Budget[];
  readonly perUnitBudgets: readonly UnitBudget[];
  readonly alerts: AlertsConfig;
}

export type BudgetsResult =
  { readonly ok: true; readonly config: BudgetsConfig } | { readonly ok: false; readonly problems: CatalogProblem[] };

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
