import { parseDecimal, isOutOfDecimalRange, formatDecimal } from '../src/pricing/decimal.ts';
for (const v of ['+1', '+.5', '1.', '1e99999999999999999999', '1e-99999999999999999999', '0e999999999', '1e100', '1e101', '1e-100', '1e-101', 1e300, 5e-324, '00000.000', ' 3 ']) {
  try { const d = parseDecimal(v); console.log(JSON.stringify(v), d === undefined ? 'undef' : formatDecimal(d).slice(0, 30), isOutOfDecimalRange(v)); } catch (e) { console.log(JSON.stringify(v), 'THREW', (e as Error).message); }
}
