import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { applyCharge, billedQuantity } from '../../src/pricing/charge.js';
import { decimal, dividesExactly, formatDecimal } from '../../src/pricing/decimal.js';
import type { Charge } from '../../src/pricing/types.js';

function charge(rate: string, per = 1, increment = 1, minimum = 0): Charge {
  return { unit: 'x', rate: decimal(rate), per, increment, minimum, unitRate: dividesExactly(per) ? decimal(rate).div(per) : undefined };
}

describe('billed quantity', function () {
  it('rounds up to the increment and applies the minimum (AWS Comprehend: 100-char units, 3 units minimum)', function () {
    assert.equal(billedQuantity(1, 100, 300), 300);
    assert.equal(billedQuantity(300, 100, 300), 300);
    assert.equal(billedQuantity(301, 100, 300), 400);
    assert.equal(billedQuantity(1000, 100, 300), 1000);
    assert.equal(billedQuantity(0, 100, 300), 300);
  });

  it('rounds fractional quantities up without float error', function () {
    assert.equal(billedQuantity(0.3, 0.1, 0), 0.3);
    assert.equal(billedQuantity(12.01, 15, 0), 15);
    assert.equal(billedQuantity(2.5, 1, 0), 3);
    assert.equal(billedQuantity(0.7, 0.1, 0), 0.7);
  });

  it('is a multiple of the increment, at least the quantity and the minimum, and less than one increment above them', function () {
    fc.assert(
      fc.property(fc.nat(10_000_000), fc.integer({ min: 1, max: 5000 }), fc.nat(10_000), (q, inc, min) => {
        const billed = billedQuantity(q, inc, min);
        assert.ok(billed >= q && billed >= min);
        if (billed !== min) {
          assert.equal(billed % inc, 0);
          assert.ok(billed - q < inc);
        }
      }),
    );
  });
});

describe('charge amount', function () {
  it('is rate × billed / per, exactly', function () {
    assert.equal(formatDecimal(applyCharge(charge('0.15', 1_000_000), 1200).amount), '0.00018');
    assert.equal(formatDecimal(applyCharge(charge('0.0001', 100, 100, 300), 123).amount), '0.0003');
  });

  it('divides by a per that is not a power of ten exactly when the result terminates', function () {
    // $0.016 per minute billed in 15-second increments: 0.016 × 15 / 60 = 0.004
    assert.equal(formatDecimal(applyCharge(charge('0.016', 60, 15), 14).amount), '0.004');
    assert.equal(formatDecimal(applyCharge(charge('0.006', 60), 30).amount), '0.003');
  });

  it('matches an independent integer computation for random quantities', function () {
    fc.assert(
      fc.property(fc.nat(50_000_000), fc.integer({ min: 0, max: 100_000 }), (q, milliRate) => {
        // rate = milliRate / 1000 per 1e6 units  =>  amount × 1e9 = milliRate × q
        const rate = formatDecimal(decimal(milliRate).div(1000));
        const amount = applyCharge(charge(rate, 1_000_000), q).amount;
        assert.equal(amount.times(1e9).toFixed(), (BigInt(milliRate) * BigInt(q)).toString());
      }),
    );
  });
});
