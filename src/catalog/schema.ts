/**
 * The catalog file format (DESIGN.md "Price catalog") as a zod schema: the
 * single definition of what a catalog may contain. Rules that span several
 * fields (duplicate ids, unreachable tiers…) live in rules.ts.
 */
import { z } from 'zod';
import { DECIMAL_EXPONENT_LIMIT, isOutOfDecimalRange, parseDecimal } from '../pricing/decimal.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function isCalendarDate(text: string): boolean {
  if (!DATE.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(text);
}

const date = z
  .string({ error: 'must be a date YYYY-MM-DD' })
  .refine(isCalendarDate, { error: 'must be a date YYYY-MM-DD' });

const nonEmpty = z.string({ error: 'must be a string' }).min(1, { error: 'must not be empty' });

const decimalRate = z
  .union([z.string(), z.number()], { error: 'must be a non-negative decimal' })
  .refine((v) => parseDecimal(v) !== undefined || isOutOfDecimalRange(v), { error: 'must be a non-negative decimal' })
  .refine((v) => !isOutOfDecimalRange(v), { error: `must be 0 or between 1e-${DECIMAL_EXPONENT_LIMIT} and 1e${DECIMAL_EXPONENT_LIMIT}` });

const positive = z.number({ error: 'must be a positive number' }).positive({ error: 'must be a positive number' });

export const chargeSchema = z.strictObject({
  unit: z.string({ error: 'must be a usage unit name' }).regex(/^[a-z][a-z0-9_]*$/, {
    error: 'must be a usage unit name (lower case, digits, _)',
  }),
  rate: decimalRate,
  per: positive.optional(),
  increment: positive.optional(),
  minimum: z.number({ error: 'must be a non-negative number' }).nonnegative({ error: 'must be a non-negative number' }).optional(),
});

const scalar = z.union([z.string(), z.number(), z.boolean()], { error: 'must be a value, a list of values or { upto | above }' });

export const rangeSchema = z
  .strictObject({
    upto: z.number({ error: 'must be a number' }).optional(),
    above: z.number({ error: 'must be a number' }).optional(),
  })
  .refine((r) => r.upto !== undefined || r.above !== undefined, { error: 'a range needs upto or above' });

export const conditionSchema = z.union(
  [scalar, z.array(scalar).min(1, { error: 'must list at least one value' }), rangeSchema],
  { error: 'must be a value, a list of values or { upto | above }' },
);

export const tierSchema = z.strictObject({
  name: nonEmpty,
  when: z.record(z.string(), conditionSchema).optional(),
  charges: z.array(chargeSchema).min(1, { error: 'a tier needs at least one charge' }),
});

export const planSchema = z.strictObject({
  id: nonEmpty,
  provider: nonEmpty,
  operations: z.array(nonEmpty).min(1, { error: 'must list at least one operation' }),
  models: z.array(nonEmpty).optional(),
  effective_from: date.optional(),
  as_of: date.optional(),
  source: nonEmpty.optional(),
  description: z.string().optional(),
  currency: z.string().regex(/^[A-Z]{3}$/, { error: 'must be an ISO 4217 code such as USD' }).optional(),
  charges: z.array(chargeSchema).min(1, { error: 'must list at least one charge' }).optional(),
  tiers: z.array(tierSchema).min(1, { error: 'must list at least one tier' }).optional(),
});

export const catalogSchema = z.strictObject({
  catalog: nonEmpty,
  currency: z.string({ error: 'must be an ISO 4217 code such as USD' }).regex(/^[A-Z]{3}$/, {
    error: 'must be an ISO 4217 code such as USD',
  }),
  aliases: z.record(z.string(), nonEmpty).optional(),
  plans: z.array(planSchema),
});

export type CatalogDocument = z.infer<typeof catalogSchema>;
export type PlanDocument = z.infer<typeof planSchema>;
export type TierDocument = z.infer<typeof tierSchema>;
export type ChargeDocument = z.infer<typeof chargeSchema>;
export type ConditionDocument = z.infer<typeof conditionSchema>;
