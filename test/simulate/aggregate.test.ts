import { strict as assert } from 'node:assert';
import BigImport from 'big.js';
import type { BigConstructor } from 'big.js';
import fc from 'fast-check';
import { decimal, EXACT_INTEGER_LIMIT, formatDecimal } from '../../src/pricing/decimal.js';
import {
  decimalFromBigInt,
  distribution,
  ExactSum,
  formatApproximate,
  GrowableFloat64,
  mean,
  percentileIndex,
  selectInPlace,
  topCount,
} from '../../src/simulate/aggregate.js';

// An independent big.js, untouched by the engine's settings.
const Big = (BigImport as unknown as BigConstructor)();

describe('simulate: exact sums', function () {
  it('adds scaled amounts of mixed scales exactly', function () {
    const sum = new ExactSum();
    sum.addScaled(15, 2); // 0.15
    sum.addScaled(75, 3); // 0.075
    sum.addScaled(6, 1); // 0.6
    sum.addScaled(0, 0);
    sum.addDecimal(decimal('0.0000001'));
    assert.equal(formatDecimal(sum.total()), '0.8250001');
  });

  it('stays exact when the running sum passes 2^53 (moves into a BigInt)', function () {
    const sum = new ExactSum();
    const big = EXACT_INTEGER_LIMIT - 1;
    for (let i = 0; i < 1000; i++) sum.addScaled(big, 9);
    const expected = (BigInt(big) * 1000n).toString();
    assert.equal(formatDecimal(sum.total()), formatDecimal(decimalFromBigInt(BigInt(expected), 9)));
    assert.equal(formatDecimal(sum.total().times(1e9)), expected);
  });

  it('sums amounts past the scales it keeps apart as decimals', function () {
    const sum = new ExactSum();
    sum.addScaled(3, 70);
    sum.addScaled(1, 0);
    assert.equal(formatDecimal(sum.total()), `1.${'0'.repeat(69)}3`);
  });

  it('equals an independent big.js sum for random rates and quantities (property)', function () {
    // A rate as coefficient × 10^-scale, priced per 10^perDigits units; a call's amount is rate × quantity / per.
    const rate = fc.record({
      coefficient: fc.nat(10 ** 9),
      scale: fc.integer({ min: 0, max: 12 }),
      perDigits: fc.constantFrom(0, 1, 3, 6),
    });
    fc.assert(
      fc.property(fc.array(fc.tuple(rate, fc.nat(10 ** 7)), { minLength: 1, maxLength: 200 }), (calls) => {
        const sum = new ExactSum();
        let expected = new Big(0);
        for (const [{ coefficient, scale, perDigits }, quantity] of calls) {
          // The engine's fast path: unit rate coefficient × 10^-(scale + perDigits), times the quantity.
          const product = coefficient * quantity;
          fc.pre(product < EXACT_INTEGER_LIMIT);
          sum.addScaled(product, scale + perDigits);
          expected = expected.plus(
            new Big(coefficient)
              .times(quantity)
              .div(new Big(10).pow(scale))
              .div(10 ** perDigits),
          );
        }
        assert.equal(formatDecimal(sum.total()), expected.toFixed());
      }),
    );
  });
});

describe('simulate: distribution', function () {
  it('pins nearest-rank percentiles on hand-checked inputs', function () {
    // 1..10: p50 is the 5th value, p90 the 9th, p99 the 10th; the top 10% is one call (10 of 55).
    const d = distribution(Float64Array.from([7, 3, 10, 1, 9, 2, 8, 4, 6, 5]));
    assert.deepEqual(d, { count: 10, p50: 5, p90: 9, p99: 10, max: 10, topShare: 10 / 55 });

    // 1..100: p99 is the 99th value; the top 10% are 91..100 = 955 of 5050.
    const hundred = distribution(Float64Array.from({ length: 100 }, (_, i) => 100 - i));
    assert.deepEqual([hundred.p50, hundred.p90, hundred.p99, hundred.max], [50, 90, 99, 100]);
    assert.equal(hundred.topShare, 955 / 5050);

    // 11 values: ceil(0.5 × 11) = 6th, ceil(0.9 × 11) = 10th, and the top share counts ceil(1.1) = 2 values.
    const eleven = distribution(Float64Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 100]));
    assert.deepEqual([eleven.p50, eleven.p90, eleven.p99, eleven.max], [5, 9, 100, 100]);
    assert.equal(eleven.topShare, 109 / 145);
  });

  it('handles one value, ties, zeros and no values', function () {
    assert.deepEqual(distribution(Float64Array.from([0.25])), { count: 1, p50: 0.25, p90: 0.25, p99: 0.25, max: 0.25, topShare: 1 });
    assert.deepEqual(distribution(Float64Array.from([2, 2, 2, 2])), { count: 4, p50: 2, p90: 2, p99: 2, max: 2, topShare: 0.25 });
    assert.equal(distribution(Float64Array.from([0, 0, 0])).topShare, undefined);
    assert.deepEqual(distribution(new Float64Array(0)), {
      count: 0,
      p50: undefined,
      p90: undefined,
      p99: undefined,
      max: undefined,
      topShare: undefined,
    });
  });

  it('ranks by selection exactly as a full sort would (property)', function () {
    const values = fc.oneof(
      fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 400 }),
      fc.array(fc.nat(3), { minLength: 1, maxLength: 400 }),
    );
    fc.assert(
      fc.property(values, (list) => {
        const sorted = Float64Array.from(list).sort();
        const n = sorted.length;
        const d = distribution(Float64Array.from(list));
        assert.equal(d.p50, sorted[Math.ceil(0.5 * n) - 1]);
        assert.equal(d.p90, sorted[Math.ceil((90 * n) / 100) - 1]);
        assert.equal(d.p99, sorted[Math.ceil((99 * n) / 100) - 1]);
        assert.equal(d.max, sorted[n - 1]);
        const k = Math.max(1, Math.ceil(n / 10));
        const all = sorted.reduce((a, b) => a + b, 0);
        const top = sorted.subarray(n - k).reduce((a, b) => a + b, 0);
        if (all === 0) assert.equal(d.topShare, undefined);
        else assert.ok(Math.abs(d.topShare! - top / all) < 1e-9);
      }),
    );
  });

  it('selects the k-th smallest into place', function () {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -50, max: 50 }), { minLength: 1, maxLength: 300 }), fc.nat(), (list, at) => {
        const values = Float64Array.from(list);
        const k = at % values.length;
        selectInPlace(values, k, 0, values.length);
        const sorted = Float64Array.from(list).sort();
        assert.equal(values[k], sorted[k]);
        for (let i = 0; i < k; i++) assert.ok(values[i]! <= values[k]!);
        for (let i = k + 1; i < values.length; i++) assert.ok(values[i]! >= values[k]!);
      }),
    );
  });

  it('defines ranks and the top count', function () {
    assert.deepEqual([percentileIndex(1, 50), percentileIndex(2, 50), percentileIndex(3, 50), percentileIndex(1000, 99)], [0, 0, 1, 989]);
    assert.deepEqual([topCount(1), topCount(10), topCount(11), topCount(1000)], [1, 1, 2, 100]);
  });

  it('prints distribution figures as plain decimals of 12 significant digits', function () {
    assert.equal(formatApproximate(0.1 + 0.2), '0.3');
    assert.equal(formatApproximate(1.8e-7), '0.00000018');
    assert.equal(formatApproximate(123456.7890123456), '123456.789012');
    assert.equal(formatApproximate(0), '0');
  });

  it('rounds the mean of an exact total to 12 significant digits', function () {
    assert.equal(formatDecimal(mean(decimal('1'), 3)!), '0.333333333333');
    assert.equal(formatDecimal(mean(decimal('0.00018'), 2)!), '0.00009');
    assert.equal(mean(decimal('0'), 0), undefined);
  });

  it('grows its per-call arrays without losing values', function () {
    const a = new GrowableFloat64(2);
    for (let i = 0; i < 100; i++) a.push(i);
    a.addAt(150, 2);
    a.addAt(150, 3);
    assert.equal(a.length, 151);
    assert.equal(a.values()[99], 99);
    assert.equal(a.values()[120], 0);
    assert.equal(a.values()[150], 5);
  });
});
