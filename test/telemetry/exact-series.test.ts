import { strict as assert } from 'node:assert';
import type { ObservableResult } from '@opentelemetry/api';
import fc from 'fast-check';
import { decimal, formatDecimal, fromScaledInteger, ZERO } from '../../src/pricing/decimal.js';
import { ExactSeries } from '../../src/telemetry/exact-series.js';

function observed(series: ExactSeries): number[] {
  const values: number[] = [];
  series.observe({ observe: (v: number) => void values.push(v) } as ObservableResult);
  return values;
}

describe('exact series', function () {
  it('reports the nearest double to the exact sum of mixed counts, scaled amounts and decimals', function () {
    const amount = fc.oneof(
      fc.nat(1_000_000).map((n) => ({ kind: 'count' as const, n })),
      fc.tuple(fc.nat(10 ** 12), fc.integer({ min: 0, max: 15 })).map(([c, s]) => ({ kind: 'scaled' as const, c, s })),
      fc
        .tuple(fc.nat(10 ** 9), fc.integer({ min: 0, max: 20 }))
        .map(([c, s]) => ({ kind: 'decimal' as const, d: formatDecimal(decimal(c).div(decimal(10).pow(s))) })),
    );
    fc.assert(
      fc.property(fc.array(amount, { minLength: 1, maxLength: 200 }), (amounts) => {
        const series = new ExactSeries();
        let exact = ZERO;
        for (const a of amounts) {
          if (a.kind === 'count') {
            series.add('k', 'u', () => ({}), a.n);
            exact = exact.plus(a.n);
          } else if (a.kind === 'scaled') {
            const d = fromScaledInteger(a.c, a.s);
            series.add('k', 'u', () => ({}), d, { coefficient: a.c, scale: a.s });
            exact = exact.plus(d);
          } else {
            series.add('k', 'u', () => ({}), decimal(a.d));
            exact = exact.plus(decimal(a.d));
          }
        }
        assert.deepEqual(observed(series), [Number(exact.toFixed())]);
      }),
    );
  });

  it('falls back to decimals when integer sums would leave exact doubles', function () {
    const series = new ExactSeries();
    series.add('k', 'u', () => ({}), Number.MAX_SAFE_INTEGER);
    series.add('k', 'u', () => ({}), Number.MAX_SAFE_INTEGER);
    series.add('k', 'u', () => ({}), fromScaledInteger(Number.MAX_SAFE_INTEGER, 3), { coefficient: Number.MAX_SAFE_INTEGER, scale: 3 });
    series.add('k', 'u', () => ({}), fromScaledInteger(Number.MAX_SAFE_INTEGER, 3), { coefficient: Number.MAX_SAFE_INTEGER, scale: 3 });
    const exact = decimal(Number.MAX_SAFE_INTEGER).times(2).plus(fromScaledInteger(Number.MAX_SAFE_INTEGER, 3).times(2));
    assert.deepEqual(observed(series), [Number(exact.toFixed())]);
  });

  it('keeps one series per key pair and builds its attributes once', function () {
    const series = new ExactSeries();
    let built = 0;
    for (let i = 0; i < 10; i++) series.add('a', i % 2 ? 'x' : 'y', () => ({ n: ++built }), 1);
    assert.equal(series.size, 2);
    assert.equal(built, 2);
  });
});
