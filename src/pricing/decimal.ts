/**
 * Exact decimal money. big.js keeps addition and multiplication exact; only a
 * division whose result does not terminate (e.g. a rate per 60 seconds) is
 * rounded, at DIVISION_PLACES, far below any currency's smallest unit.
 */
import BigImport from 'big.js';
import type { Big as BigType, BigConstructor } from 'big.js';

export type Decimal = BigType;

/** Decimal places kept when a division does not terminate. */
export const DIVISION_PLACES = 30;

// An isolated constructor so our settings never change another library's Big.
const Big: BigConstructor = (BigImport as unknown as BigConstructor)();
Big.DP = DIVISION_PLACES;
Big.RM = Big.roundHalfEven;
// Never fall back to exponent notation in toString().
Big.NE = -1e6;
Big.PE = 1e6;

export const ZERO: Decimal = Big(0);

/** Largest integer a double holds exactly, plus one: products below it are exact. */
export const EXACT_INTEGER_LIMIT = 2 ** 53;

/**
 * A non-negative decimal as an integer coefficient and a scale
 * (value = coefficient × 10^-scale), or undefined when the coefficient does not
 * fit a double exactly. The pricing fast path multiplies these as plain numbers.
 */
export function toScaledInteger(value: Decimal): { coefficient: number; scale: number } | undefined {
  const digits = value.c.join('');
  const coefficient = Number(digits);
  if (!(coefficient < EXACT_INTEGER_LIMIT)) return undefined;
  return { coefficient, scale: digits.length - 1 - value.e };
}

const prototype = Big.prototype as object;

/**
 * coefficient × 10^-scale as a Decimal, for an exact non-negative integer
 * coefficient. Fills big.js' documented normalised fields (sign s, exponent e,
 * digits c without trailing zeros, own constructor) directly: parsing a string costs several
 * times more on the pricing hot path. A property test checks it against Big().
 */
export function fromScaledInteger(coefficient: number, scale: number): Decimal {
  if (coefficient === 0) return ZERO;
  const digits = String(coefficient);
  let end = digits.length;
  while (digits.charCodeAt(end - 1) === 48) end--;
  const c = new Array<number>(end);
  for (let i = 0; i < end; i++) c[i] = digits.charCodeAt(i) - 48;
  const x = Object.create(prototype) as { s: number; e: number; c: number[]; constructor: BigConstructor };
  // big.js reads settings (DP, RM) and makes results through each value's own constructor.
  x.constructor = Big;
  x.s = 1;
  x.e = digits.length - 1 - scale;
  x.c = c;
  return x as unknown as Decimal;
}

const DECIMAL_TEXT = /^[+]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Largest decimal exponent accepted either way (|log10| of a non-zero value). Plain text is
 * how amounts are printed and summed, and "1e999999999" is a few bytes of input but a
 * billion digits of text: reading it from a provider response once took 4 GB and the process.
 * Every double is within it, so only text can be refused for it.
 */
export const DECIMAL_EXPONENT_LIMIT = 1000;

/** True for a finite, non-negative decimal whose exponent is beyond DECIMAL_EXPONENT_LIMIT. */
export function isOutOfDecimalRange(value: unknown): boolean {
  const parsed = parseUnbounded(value);
  return parsed !== undefined && !withinRange(parsed);
}

function withinRange(d: Decimal): boolean {
  return d.c[0] === 0 || Math.abs(d.e) <= DECIMAL_EXPONENT_LIMIT;
}

/**
 * Parses a non-negative decimal from a string or a number. Numbers are taken by
 * their shortest round-trip text, so 0.15 is exactly 0.15. Returns undefined
 * for anything that is not a finite, non-negative decimal within
 * 10^±DECIMAL_EXPONENT_LIMIT (or zero).
 */
export function parseDecimal(value: unknown): Decimal | undefined {
  const parsed = parseUnbounded(value);
  return parsed !== undefined && withinRange(parsed) ? parsed : undefined;
}

function parseUnbounded(value: unknown): Decimal | undefined {
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) return undefined;
    text = String(value);
  } else if (typeof value === 'string') {
    text = value.trim();
    if (!DECIMAL_TEXT.test(text)) return undefined;
    // big.js refuses a leading plus sign (and threw on "+1" from a catalog or a response).
    if (text.startsWith('+')) text = text.slice(1);
  } else {
    return undefined;
  }
  return Big(text);
}

export function decimal(value: string | number): Decimal {
  const parsed = parseDecimal(value);
  if (parsed === undefined) throw new RangeError(`not a non-negative decimal: ${String(value)}`);
  return parsed;
}

/** Plain decimal text: no exponent, no trailing zeros, no float noise. */
export function formatDecimal(value: Decimal): string {
  return value.toFixed();
}

/** Powers of ten a double holds exactly. */
const EXACT_POWERS_OF_TEN = 22;

/**
 * The double nearest a decimal. Given the decimal's scaled form (coefficient × 10^-scale, as the
 * pricing fast path gives it), one division: both operands are exact doubles, and IEEE division
 * rounds the exact quotient to the nearest double, as parsing the decimal's text would.
 */
export function nearestDouble(value: Decimal, scaled?: { readonly coefficient: number; readonly scale: number }): number {
  return scaled !== undefined && scaled.scale >= 0 && scaled.scale <= EXACT_POWERS_OF_TEN && Number.isSafeInteger(scaled.coefficient)
    ? scaled.coefficient / 10 ** scaled.scale
    : Number(value.toFixed());
}

export function sumDecimals(values: Iterable<Decimal>): Decimal {
  let total = ZERO;
  for (const v of values) total = total.plus(v);
  return total;
}

/** True when 1/n has a finite decimal expansion (n's prime factors are 2 and 5). */
export function dividesExactly(n: number): boolean {
  if (!Number.isInteger(n) || n <= 0) return false;
  let m = n;
  while (m % 2 === 0) m /= 2;
  while (m % 5 === 0) m /= 5;
  return m === 1;
}
