import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { hasJsonKey } from '../../src/providers/read.js';

describe('reading provider JSON: the key pre-check of stream events', function () {
  it('finds a key only as a key, followed by what is asked', function () {
    assert.equal(hasJsonKey('{"id":"x","usage":{"prompt_tokens":3}}', 'usage', ':{'), true);
    assert.equal(hasJsonKey('{"id":"x","usage":null}', 'usage', ':{'), false, 'null usage is not an object');
    assert.equal(hasJsonKey('{"prompt_usage":{"a":1}}', 'usage', ':{'), false, 'a longer key that ends the same');
    assert.equal(hasJsonKey('{"prompt_usage":{"a":1},"usage":{"b":2}}', 'usage', ':{'), true, 'found after a near miss');
    assert.equal(hasJsonKey('{"content":"the \\"usage\\":{ word"}', 'usage', ':{'), false, 'escaped inside a string');
    assert.equal(hasJsonKey('usage":{', 'usage', ':{'), false, 'no opening quote at the start');
    assert.equal(hasJsonKey('{"usageMetadata":{}}', 'usageMetadata'), true);
    // Python's json.dumps (", " and ": "), pretty-printers, and whitespace on both sides of the colon.
    assert.equal(hasJsonKey('{"id": "x", "usage": {"prompt_tokens": 3}}', 'usage', ':{'), true);
    assert.equal(hasJsonKey('{ "usage" :\t{}}', 'usage', ':{'), true);
    assert.equal(hasJsonKey('{"usage":\n{}}', 'usage', ':{'), false, 'a line break: not on one data line');
    assert.equal(hasJsonKey('{"id": "x", "usage": null}', 'usage', ':{'), false, 'null usage, spaced');
    assert.equal(hasJsonKey('{"usage" x:{}}', 'usage', ':{'), false, 'not whitespace');
  });

  it('agrees with searching for the quoted key, on any text', function () {
    const alphabet = fc.constantFrom('"', 'u', 's', 'a', 'g', 'e', ':', '{', '\\', 'x', ' ', '\t', '\n');
    fc.assert(
      fc.property(
        fc.array(alphabet, { maxLength: 40 }).map((cs) => cs.join('')),
        (data) => {
          assert.equal(hasJsonKey(data, 'usage', ':{'), /"usage"[ \t]*:[ \t]*\{/.test(data));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
