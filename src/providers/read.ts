import { formatDecimal, parseDecimal } from '../pricing/decimal.js';
import type { SemconvUsage } from './types.js';

/**
 * Defensive readers for provider responses: a usage number must be a finite,
 * non-negative count, a model name a short printable string. Anything else is
 * treated as absent, so a hostile or broken response cannot inflate a bill or
 * a label set.
 */

/** Longest model name kept; longer ones are cut (labels and span names stay small). */
export const MODEL_NAME_LIMIT = 128;

/** Counts above this are not believed (no API bills a quadrillion units for one call). */
export const COUNT_LIMIT = 1e15;

export function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= COUNT_LIMIT ? value : undefined;
}

/**
 * True when each value is absent (undefined or null) or a believable count. One usage field
 * that is present but negative, absurd or not a number makes the whole block untrustworthy:
 * pricing the other fields alone would bill a part of the call as if it were all of it.
 */
export function believable(...values: unknown[]): boolean {
  return values.every((v) => v === undefined || v === null || count(v) !== undefined);
}

/**
 * Whether a JSON text has the key `key` (followed by `then`, e.g. `:{` for an object value), as a
 * cheap test before parsing a stream event. Spaces and tabs may come before each character of
 * `then` (`"usage": {` from Python's json.dumps); line breaks not, as an event's JSON on one data
 * line has none, and the adapters' skip patterns (which cannot hold one) must cover what this
 * accepts. Searching from the key's first letter rather than its opening quote is several times
 * faster on JSON, where quotes are everywhere.
 */
export function hasJsonKey(data: string, key: string, then = ''): boolean {
  const needle = `${key}"`;
  for (let at = data.indexOf(needle); at !== -1; at = data.indexOf(needle, at + 1)) {
    if (at > 0 && data.charCodeAt(at - 1) === 34 /* " */ && follows(data, at + needle.length, then)) return true;
  }
  return false;
}

/** Whether `then` follows at `from`, with spaces and tabs allowed before each of its characters. */
function follows(data: string, from: number, then: string): boolean {
  let i = from;
  for (let k = 0; k < then.length; k++) {
    let c = data.charCodeAt(i);
    while (c === 32 || c === 9) c = data.charCodeAt(++i);
    if (c !== then.charCodeAt(k)) return false;
    i++;
  }
  return true;
}

export function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Control characters never belong in a model name; they would corrupt span names and exports. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/g;
// eslint-disable-next-line no-control-regex
const HAS_CONTROL = /[\u0000-\u001f\u007f]/;

export function modelName(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const clean = (HAS_CONTROL.test(value) ? value.replace(CONTROL, '') : value).trim();
  if (clean === '') return undefined;
  return clean.length > MODEL_NAME_LIMIT ? clean.slice(0, MODEL_NAME_LIMIT) : clean;
}

export function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** A usage map without absent entries. */
export function usage(entries: Record<string, number | undefined>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k in entries) {
    const v = entries[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
}

/** The reasoning-token count of SemconvUsage, left out when the provider did not report it. */
export function reasoningOf(tokens: number | undefined): Pick<SemconvUsage, 'reasoningOutputTokens'> {
  return tokens === undefined ? {} : { reasoningOutputTokens: tokens };
}

/** a − b, never below zero (providers sometimes report a part larger than its whole). */
export function minus(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return undefined;
  return Math.max(0, a - (b ?? 0));
}

/** a + b where either may be absent (absent only when both are). */
export function plus(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : a + (b ?? 0);
}

/** Reported costs above this are not believed (a million dollars for one API call), like counts above COUNT_LIMIT. */
export const COST_LIMIT = 1e6;

/**
 * A cost the provider reports in US dollars, as an exact decimal string; undefined if not a
 * decimal or not believable (the catalog's price stands instead). A reported 1e999 would
 * otherwise turn the cost counter into +Inf for good.
 */
export function dollars(raw: unknown): { amount: string; currency: string } | undefined {
  const d = parseDecimal(raw);
  return d === undefined || d.gt(COST_LIMIT) ? undefined : { amount: formatDecimal(d), currency: 'USD' };
}

/** Parses one event's JSON data; undefined when it is not JSON. */
export function parseJson(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return undefined;
  }
}
