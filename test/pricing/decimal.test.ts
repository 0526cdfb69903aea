import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { decimal, fromScaledInteger, nearestDouble } from '../../src/pricing/decimal.js';

describe('nearestDouble (a cost as the double on spans and metrics)', function () {
  it('from the scaled form, one division gives the double that parsing the decimal text gives', function () {
    fc.assert(
      fc.property(fc.maxSafeNat(), fc.integer({ min: 0, max: 22 }), (coefficient, scale) => {
        const exact = fromScaledInteger(coefficient, scale);
        assert.equal(nearestDouble(exact, { coefficient, scale }), Number(fromScaledInteger(coefficient, scale).toFixed()));
      }),
      { numRuns: 20_000 },
    );
  });

  it('without a scaled form, or one a double cannot divide exactly, parses the text', function () {
    assert.equal(nearestDouble(decimal('0.000000123456789012345678901')), Number('1.23456789012345678901e-7'));
    const tiny = fromScaledInteger(123456789, 30);
    assert.equal(nearestDouble(tiny, { coefficient: 123456789, scale: 30 }), Number(tiny.toFixed()));
  });
});
