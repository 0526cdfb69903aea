import { strict as assert } from 'node:assert';
import type { ObservableResult } from '@opentelemetry/api';
import fc from 'fast-check';
import { decimal, formatDecimal, fromScaledInteger, ZERO } from '../../src/pricing/decimal.js';
import { addTo, ExactSeries } from '../../src/telemetry/exact-series.js';

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
            addTo(
              series.entry('k', () => ({})),
              a.n,
            );
            exact = exact.plus(a.n);
          } else if (a.kind === 'scaled') {
            const d = fromScaledInteger(a.c, a.s);
            addTo(
              series.entry('k', () => ({})),
              d,
              { coefficient: a.c, scale: a.s },
            );
            exact = exact.plus(d);
          } else {
            addTo(
              series.entry('k', () => ({})),
              decimal(a.d),
            );
            exact = exact.plus(decimal(a.d));
          }
        }
        assert.deepEqual(observed(series), [Number(exact.toFixed())]);
      }),
    );
  });

  it('falls back to decimals when integer sums would leave exact doubles', function () {
    const series = new ExactSeries();
    addTo(
      series.entry('k', () => ({})),
      Number.MAX_SAFE_INTEGER,
    );
    addTo(
      series.entry('k', () => ({})),
      Number.MAX_SAFE_INTEGER,
    );
    addTo(
      series.entry('k', () => ({})),
      fromScaledInteger(Number.MAX_SAFE_INTEGER, 3),
      { coefficient: Number.MAX_SAFE_INTEGER, scale: 3 },
    );
    addTo(
      series.entry('k', () => ({})),
      fromScaledInteger(Number.MAX_SAFE_INTEGER, 3),
      { coefficient: Number.MAX_SAFE_INTEGER, scale: 3 },
    );
    const exact = decimal(Number.MAX_SAFE_INTEGER).times(2).plus(fromScaledInteger(Number.MAX_SAFE_INTEGER, 3).times(2));
    assert.deepEqual(observed(series), [Number(exact.toFixed())]);
  });

  it('keeps one series per key and builds its attributes once; a second scale adds exactly beside the first', function () {
    const series = new ExactSeries();
    let built = 0;
    for (let i = 0; i < 10; i++)
      addTo(
        series.entry(i % 2 ? 'x' : 'y', () => ({ n: ++built })),
        1,
      );
    assert.equal(series.size, 2);
    assert.equal(built, 2);
    const mixed = new ExactSeries();
    const entry = mixed.entry('k', () => ({}));
    addTo(entry, fromScaledInteger(15, 2), { coefficient: 15, scale: 2 });
    addTo(entry, fromScaledInteger(7, 9), { coefficient: 7, scale: 9 });
    addTo(entry, 3);
    assert.deepEqual(observed(mixed), [3.150000007]);
  });
});
