/**
 * The catalog file format (DESIGN.md "Price catalog") as a valibot schema: the
 * single definition of what a catalog may contain. Rules that span several
 * fields (duplicate ids, unreachable tiers…) live in rules.ts.
 */
import * as v from 'valibot';
import { DECIMAL_EXPONENT_LIMIT, isOutOfDecimalRange, parseDecimal } from '../pricing/decimal.js';

/*
 * Building blocks with the semantics the file formats have always had (catalogs here, budgets in
 * pack/budgets.ts), where valibot's own differ:
 * - a type problem stops the checks after it, but a length check still runs on anything with a
 *   length (`name: []` is both "must be a string" and "must not be empty");
 * - numbers are finite (`.inf` is not a positive number);
 * - objects are not arrays, and a strict object reports every unknown key, each as an issue of its
 *   own (kind "schema", type "strict_object", expected "never", the path ending at the key) that
 *   does not stop the object's own checks, nor make it a type mismatch for an enclosing union;
 * - records are plain objects; a key the key schema refuses is "Invalid key in record";
 * - a schema without a message of its own says "Invalid input: expected T, received U".
 */

/** The name of a value's type in "Invalid input: expected T, received U". */
function receivedType(input: unknown): string {
  if (typeof input === 'number') return Number.isNaN(input) ? 'NaN' : Number.isFinite(input) ? 'number' : String(input);
  if (typeof input !== 'object') return typeof input;
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'array';
  if (Object.getPrototypeOf(input) !== Object.prototype && 'constructor' in input && input.constructor) {
    return `${(input.constructor as { name?: unknown }).name}`;
  }
  return 'object';
}

/** The message of a type mismatch for a schema without one of its own. */
export function mismatch(expected: string): (issue: v.BaseIssue<unknown>) => string {
  return (issue) => `Invalid input: expected ${expected}, received ${receivedType(issue.input)}`;
}

/** A finite number (valibot's number admits ±Infinity). */
export function finiteNumber(message: string | ((issue: v.BaseIssue<unknown>) => string) = mismatch('number')) {
  return v.custom<number>((input) => typeof input === 'number' && Number.isFinite(input), message);
}

const HIGH_SURROGATE = /[\uD800-\uDBFF]/;

function codePointLength(text: string): number {
  if (!HIGH_SURROGATE.test(text)) return text.length;
  let count = text.length;
  for (let i = 0; i < text.length - 1; i++) {
    if ((text.charCodeAt(i) & 0xfc00) === 0xd800 && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      count--;
      i++;
    }
  }
  return count;
}

/**
 * At least `minimum` items (arrays) or characters (strings, counted in code points). Checked on
 * any value with a length, even one of the wrong type, so it also reports after a type mismatch.
 */
export function minLength<TInput>(minimum: number, message: string) {
  return v.rawCheck<TInput>(({ dataset, addIssue }) => {
    const input: unknown = dataset.value;
    if (input === undefined || input === null) return;
    const units = (input as { length?: unknown }).length;
    if (units === undefined) return;
    const length = typeof input === 'string' && input.length >= minimum && input.length < minimum * 2 ? codePointLength(input) : units;
    if (!((length as number) >= minimum)) addIssue({ message });
  });
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPlainObject(value: unknown): value is object {
  if (!isObject(value)) return false;
  const ctor: unknown = (value as { constructor?: unknown }).constructor;
  if (ctor === undefined || typeof ctor !== 'function') return true;
  const prototype: unknown = ctor.prototype;
  return isObject(prototype) && Object.prototype.hasOwnProperty.call(prototype, 'isPrototypeOf');
}

type Run = (dataset: v.UnknownDataset, config: v.Config<v.BaseIssue<unknown>>) => v.UnknownDataset;
type Dataset = { typed: boolean; value: unknown; issues?: v.BaseIssue<unknown>[] };

/** A nested value's issues, as the dataset's own, their paths prefixed with `item`. */
function addIssues(dataset: v.UnknownDataset, issues: readonly v.BaseIssue<unknown>[], item: v.IssuePathItem): void {
  const target = dataset as Dataset;
  for (const issue of issues) {
    if (issue.path) issue.path.unshift(item);
    else (issue as { path?: v.IssuePathItem[] }).path = [item];
    (target.issues ??= []).push(issue);
  }
}

function settle(dataset: v.UnknownDataset, typed: boolean, value: unknown): v.UnknownDataset {
  const target = dataset as Dataset;
  target.typed = typed;
  target.value = value;
  return dataset;
}

/** Replaces a schema's validation, keeping its type (and so what InferOutput makes of it). */
function withRun<TSchema extends v.GenericSchema>(schema: TSchema, run: Run): TSchema {
  return Object.assign(schema, { '~run': run });
}

/** A strict object: the entries given, no others; every unknown key is reported. */
export function strictObject<const TEntries extends v.ObjectEntries>(entries: TEntries) {
  const schema = v.strictObject(entries, mismatch('object'));
  const keys = Object.keys(entries);
  return withRun(schema, (dataset, config) => {
    const input = dataset.value;
    if (!isObject(input)) {
      v._addIssue(schema, 'type', dataset, config);
      return dataset;
    }
    const record = input as Record<string, unknown>;
    const output: Record<string, unknown> = {};
    let typed = true;
    for (const key of keys) {
      if (key === '__proto__') continue;
      const entry = entries[key]!;
      const present = key in input;
      const optional = entry.type === 'optional';
      const omittable = optional && (entry as v.OptionalSchema<v.GenericSchema, unknown>).default === undefined;
      if (!present && omittable) continue;
      const value = record[key];
      const result = entry['~run']({ value }, config);
      if (result.issues) addIssues(dataset, result.issues, { type: 'object', origin: 'value', input: record, key, value });
      if (!result.typed) typed = false;
      if (!present && !optional && !result.issues) {
        v._addIssue(schema, 'key', dataset, config, {
          input: undefined,
          expected: `"${key}"`,
          path: [{ type: 'object', origin: 'key', input: record, key, value }],
        });
        typed = false;
      }
      if (present || result.value !== undefined) output[key] = result.value;
    }
    for (const key in input) {
      if (Object.prototype.hasOwnProperty.call(entries, key)) continue;
      const value = record[key];
      v._addIssue(schema, 'key', dataset, config, {
        input: key,
        expected: 'never',
        message: 'unknown key',
        path: [{ type: 'object', origin: 'key', input: record, key, value }],
      });
    }
    return settle(dataset, typed, output);
  });
}

/** A record (a plain object) of keys and values: a key the key schema refuses is "Invalid key in record". */
export function record<const TKey extends v.GenericSchema<string, string>, const TValue extends v.GenericSchema>(key: TKey, value: TValue) {
  const schema = v.record(key, value, mismatch('record'));
  return withRun(schema, (dataset, config) => {
    const input = dataset.value;
    if (!isPlainObject(input)) {
      v._addIssue(schema, 'type', dataset, config);
      return dataset;
    }
    const entries = input as Record<PropertyKey, unknown>;
    const output: Record<PropertyKey, unknown> = {};
    let typed = true;
    for (const entryKey of Reflect.ownKeys(input)) {
      if (entryKey === '__proto__' || !Object.prototype.propertyIsEnumerable.call(input, entryKey)) continue;
      const entryValue = entries[entryKey];
      const keyResult = key['~run']({ value: entryKey }, config);
      if (keyResult.issues) {
        v._addIssue(schema, 'key', dataset, config, {
          input: entryKey,
          message: 'Invalid key in record',
          path: [{ type: 'object', origin: 'key', input: entries, key: entryKey as string, value: entryValue }],
        });
        typed = false;
        continue;
      }
      const result = value['~run']({ value: entryValue }, config);
      if (result.issues) {
        addIssues(dataset, result.issues, { type: 'object', origin: 'value', input: entries, key: entryKey as string, value: entryValue });
      }
      if (!result.typed) typed = false;
      const outKey = keyResult.value as PropertyKey;
      if (outKey !== '__proto__') output[outKey] = result.value;
    }
    return settle(dataset, typed, output);
  });
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function isCalendarDate(text: string): boolean {
  if (!DATE.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(text);
}

const date = v.pipe(v.string('must be a date YYYY-MM-DD'), v.check(isCalendarDate, 'must be a date YYYY-MM-DD'));

const nonEmpty = v.pipe(v.string('must be a string'), minLength(1, 'must not be empty'));

const decimalRate = v.pipe(
  v.union([v.string(), finiteNumber()], 'must be a non-negative decimal'),
  v.check((r) => parseDecimal(r) !== undefined || isOutOfDecimalRange(r), 'must be a non-negative decimal'),
  v.check((r) => !isOutOfDecimalRange(r), `must be 0 or between 1e-${DECIMAL_EXPONENT_LIMIT} and 1e${DECIMAL_EXPONENT_LIMIT}`),
);

const positive = v.pipe(finiteNumber('must be a positive number'), v.gtValue(0, 'must be a positive number'));

export const chargeSchema = strictObject({
  unit: v.pipe(v.string('must be a usage unit name'), v.regex(/^[a-z][a-z0-9_]*$/, 'must be a usage unit name (lower case, digits, _)')),
  rate: decimalRate,
  per: v.optional(positive),
  increment: v.optional(positive),
  minimum: v.optional(v.pipe(finiteNumber('must be a non-negative number'), v.minValue(0, 'must be a non-negative number'))),
});

const scalar = v.union([v.string(), finiteNumber(), v.boolean()], 'must be a value, a list of values or { upto | above }');

export const rangeSchema = v.pipe(
  strictObject({
    upto: v.optional(finiteNumber('must be a number')),
    above: v.optional(finiteNumber('must be a number')),
  }),
  v.check((r) => r.upto !== undefined || r.above !== undefined, 'a range needs upto or above'),
);

export const conditionSchema = v.union(
  [scalar, v.pipe(v.array(scalar, mismatch('array')), minLength(1, 'must list at least one value')), rangeSchema],
  'must be a value, a list of values or { upto | above }',
);

export const tierSchema = strictObject({
  name: nonEmpty,
  when: v.optional(record(v.string(mismatch('string')), conditionSchema)),
  charges: v.pipe(v.array(chargeSchema, mismatch('array')), minLength(1, 'a tier needs at least one charge')),
});

export const planSchema = strictObject({
  id: nonEmpty,
  provider: nonEmpty,
  operations: v.pipe(v.array(nonEmpty, mismatch('array')), minLength(1, 'must list at least one operation')),
  models: v.optional(v.array(nonEmpty, mismatch('array'))),
  effective_from: v.optional(date),
  as_of: v.optional(date),
  source: v.optional(nonEmpty),
  description: v.optional(v.string(mismatch('string'))),
  currency: v.optional(v.pipe(v.string(mismatch('string')), v.regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD'))),
  charges: v.optional(v.pipe(v.array(chargeSchema, mismatch('array')), minLength(1, 'must list at least one charge'))),
  tiers: v.optional(v.pipe(v.array(tierSchema, mismatch('array')), minLength(1, 'must list at least one tier'))),
});

export const catalogSchema = strictObject({
  catalog: nonEmpty,
  currency: v.pipe(v.string('must be an ISO 4217 code such as USD'), v.regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD')),
  aliases: v.optional(record(v.string(mismatch('string')), nonEmpty)),
  plans: v.array(planSchema, mismatch('array')),
});

export type CatalogDocument = v.InferOutput<typeof catalogSchema>;
export type PlanDocument = v.InferOutput<typeof planSchema>;
export type TierDocument = v.InferOutput<typeof tierSchema>;
export type ChargeDocument = v.InferOutput<typeof chargeSchema>;
export type ConditionDocument = v.InferOutput<typeof conditionSchema>;
