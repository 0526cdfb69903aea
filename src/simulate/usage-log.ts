/**
 * The usage log: JSON Lines, one recorded AI call per line (docs/simulate.md).
 *
 *   {"provider":"openai","operation":"chat","model":"gpt-4o-mini",
 *    "usage":{"input_tokens":1200,"output_tokens":300},"dimensions":{"search_depth":"advanced"},
 *    "conversation_id":"c-42","time":"2026-11-27T10:00:00Z"}
 *
 * Pure: a line's text to a call, or the reason it is not one. Checked in place on the
 * object JSON.parse returns, without copying it: a simulation reads millions of lines.
 */
import type { Dimensions, Usage } from '../pricing/types.js';

/** One line as JSON.parse returned it, once checked (unknown fields are ignored). */
export interface UsageRecord {
  readonly provider: string;
  readonly operation: string;
  readonly model?: string | null;
  readonly usage: Usage;
  readonly dimensions?: Dimensions | null;
  /** A number in the log is turned into its text. */
  readonly conversation_id?: string | null;
  readonly time?: string | null;
}

/** Where parseUsageLine puts a good line; reused from line to line. */
export interface ParsedCall {
  record: UsageRecord;
  /** UTC day of `time` in days since 1970-01-01; NaN when the call has no time. */
  day: number;
}

export function newParsedCall(): ParsedCall {
  return { record: { provider: '', operation: '', usage: {} }, day: NaN };
}

const DAY_MS = 86_400_000;
const ISO_DATE_TIME = /^\d{4}-\d\d-\d\dT/;
/** The common case: UTC, with a Z. */
const UTC_DATE_TIME = /^\d{4}-\d\d-\d\dT(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,9})?)?Z$/;
/** Never the start of a matching time, so the first one is parsed. */
let lastDate = '-';
let lastDay = NaN;

/** Days since 1970-01-01 (UTC) of an ISO 8601 date-time, NaN when it is not one. */
export function dayOfTime(text: string): number {
  if (UTC_DATE_TIME.test(text)) {
    // The day is the date part; consecutive calls mostly share it.
    if (!text.startsWith(lastDate)) {
      const date = text.slice(0, 10);
      const ms = Date.parse(`${date}T00:00:00Z`);
      // Date.parse rolls 2026-02-30 over into March; a real date prints back as itself.
      lastDay = !Number.isNaN(ms) && new Date(ms).toISOString().startsWith(date) ? ms / DAY_MS : NaN;
      lastDate = date;
    }
    return lastDay;
  }
  if (!ISO_DATE_TIME.test(text)) return NaN;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? NaN : Math.floor(ms / DAY_MS);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkName(value: unknown, field: string): string | undefined {
  if (typeof value === 'string' && value !== '') return undefined;
  return value === undefined || value === null ? `missing "${field}"` : `"${field}" must be a non-empty string`;
}

function checkUsage(value: unknown): string | undefined {
  if (value === undefined || value === null) return 'missing "usage" (an object of quantities, e.g. {"input_tokens":1200})';
  if (!isObject(value)) return '"usage" must be an object of quantities';
  for (const name in value) {
    const q = value[name];
    if (typeof q !== 'number' || !(q >= 0) || q === Infinity)
      return `usage.${name}: must be a non-negative number, got ${JSON.stringify(q)}`;
  }
  return undefined;
}

/** Dimensions are categorical: numbers and booleans become their JSON text, in place. */
function checkDimensions(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) return '"dimensions" must be an object of names to values';
  for (const name in value) {
    const v = value[name];
    if (typeof v === 'string') continue;
    if ((typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean') value[name] = String(v);
    else return `dimensions.${name}: must be a string, number or boolean, got ${JSON.stringify(v)}`;
  }
  return undefined;
}

/**
 * Checks a parsed line and readies it for pricing (see UsageRecord). Returns the
 * call's day (NaN without a time) or, as a string, why the line is not a call.
 */
export function checkUsageRecord(value: unknown): number | string {
  if (!isObject(value)) return 'expected a JSON object';
  const problem =
    checkName(value.provider, 'provider') ??
    checkName(value.operation, 'operation') ??
    (value.model === undefined || value.model === null || typeof value.model === 'string' ? undefined : '"model" must be a string') ??
    checkUsage(value.usage) ??
    checkDimensions(value.dimensions);
  if (problem !== undefined) return problem;

  const conversation = value.conversation_id;
  if (typeof conversation === 'number' && Number.isFinite(conversation)) value.conversation_id = String(conversation);
  else if (!(conversation === undefined || conversation === null || (typeof conversation === 'string' && conversation !== ''))) {
    return '"conversation_id" must be a non-empty string or a number';
  }

  const time = value.time;
  if (time === undefined || time === null) return NaN;
  const day = typeof time === 'string' ? dayOfTime(time) : NaN;
  return Number.isNaN(day) ? `"time" must be an ISO 8601 date-time, got ${JSON.stringify(time)}` : day;
}

/**
 * One line of text (without its newline): fills `into` and returns undefined for a
 * call, else returns why the line is not one. Blank lines are the caller's to skip.
 */
export function parseUsageLine(text: string, into: ParsedCall): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return `not valid JSON (${(err as Error).message})`;
  }
  const checked = checkUsageRecord(value);
  if (typeof checked === 'string') return checked;
  into.record = value as UsageRecord;
  into.day = checked;
  return undefined;
}

/** True for a line with nothing but whitespace. */
export function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13 && c !== 0xfeff) return false;
  }
  return true;
}
