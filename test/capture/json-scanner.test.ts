import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { extractFields, type FieldSpec } from '../../src/providers/fields.js';
import { JsonFieldScanner } from '../../src/capture/json-scanner.js';
import { writeInPieces } from '../support/chunks.js';
import { describeLeft, liveBytes, medianIncrease, Retained } from '../support/retention.js';

function scan(text: string | Uint8Array, specs: readonly FieldSpec[], cuts: readonly number[] = []) {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const scanner = new JsonFieldScanner(specs);
  writeInPieces(scanner, bytes, cuts);
  return { result: scanner.result(), malformed: scanner.malformed };
}

/**
 * Rounds of writes of one huge body, and what a write may add for good: under any object kept per write
 * (a copy of the chunk is ~2.3 KB).
 */
const ROUNDS = 6;
const WRITES_PER_ROUND = 4000;
const GROWTH_PER_WRITE = 8;

const asObject = (m: ReadonlyMap<string, readonly unknown[]>) => Object.fromEntries(m);

describe('streaming JSON field scanner', function () {
  it('extracts top-level and nested values, counts and character lengths', function () {
    const body = {
      model: 'gpt-4o-mini',
      data: [{ b64_json: 'A'.repeat(5000), revised: 'x' }, { b64_json: 'B' }],
      usage: { prompt_tokens: 12, prompt_tokens_details: { cached_tokens: 4 } },
      q: ['héllo', 'wörld 🎉', 'a\\"b\n'],
      requests: [
        { image: { content: 'Zm9v' }, features: [{ type: 'LABEL_DETECTION' }, { type: 'TEXT_DETECTION' }] },
        { features: [{ type: 'LABEL_DETECTION' }] },
      ],
    };
    const specs: FieldSpec[] = [
      { path: 'model', mode: 'value' },
      { path: 'usage', mode: 'value' },
      { path: 'usage.prompt_tokens_details.cached_tokens', mode: 'value' },
      { path: 'data.*', mode: 'count' },
      { path: 'q.*', mode: 'chars' },
      { path: 'requests.*.features.*.type', mode: 'value' },
    ];
    const { result } = scan(JSON.stringify(body), specs);
    assert.deepEqual(asObject(result), asObject(extractFields(body, specs)));
    assert.deepEqual(result.get('q.*'), [5, 7, 5]);
    assert.deepEqual(result.get('data.*'), [1, 1]);
    assert.deepEqual(result.get('requests.*.features.*.type'), ['LABEL_DETECTION', 'TEXT_DETECTION', 'LABEL_DETECTION']);
  });

  it('finds the same fields as JSON.parse whatever the document and wherever the chunks are cut', function () {
    const key = fc.constantFrom('model', 'usage', 'data', 'x', 'q', 'a"b', 'é');
    const json = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.string({ unit: 'grapheme' }),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.boolean(),
        fc.constant(null),
        tie('array'),
        tie('object'),
      ),
      array: fc.array(tie('value'), { maxLength: 4 }),
      object: fc.dictionary(key, tie('value'), { maxKeys: 4 }),
    })).object;
    const specs: FieldSpec[] = [
      { path: 'model', mode: 'value' },
      { path: 'usage', mode: 'value' },
      { path: 'usage.x', mode: 'value' },
      { path: 'data.*', mode: 'count' },
      { path: 'q', mode: 'chars' },
      { path: 'q.*', mode: 'chars' },
      { path: '*.model', mode: 'value' },
      { path: 'data.*.*', mode: 'value' },
    ];
    fc.assert(
      fc.property(json, fc.array(fc.nat(4000), { maxLength: 12 }), fc.boolean(), (doc, cuts, pretty) => {
        const text = JSON.stringify(doc, null, pretty ? 2 : undefined);
        const { result, malformed } = scan(text, specs, cuts);
        assert.equal(malformed, false);
        assert.deepEqual(asObject(result), asObject(extractFields(JSON.parse(text), specs)));
      }),
      { numRuns: 500 },
    );
  });

  it('handles an array of records (Gemini streams JSON arrays) and escapes split across chunks', function () {
    const body = [
      { usageMetadata: { promptTokenCount: 1 } },
      { text: 'a\\\\"\u00e9', usageMetadata: { promptTokenCount: 9 }, modelVersion: 'gemini-2.5-pro' },
    ];
    const text = JSON.stringify(body);
    const specs: FieldSpec[] = [
      { path: '*.usageMetadata', mode: 'value' },
      { path: '*.modelVersion', mode: 'value' },
    ];
    for (let cut = 0; cut <= text.length; cut++) {
      const { result } = scan(text, specs, [cut]);
      assert.deepEqual(result.get('*.usageMetadata'), [{ promptTokenCount: 1 }, { promptTokenCount: 9 }]);
      assert.deepEqual(result.get('*.modelVersion'), ['gemini-2.5-pro']);
    }
  });

  it('skips values larger than the capture limit and keeps memory flat on huge bodies', async function () {
    // Full collections each round: about 4 s alone, 20 s under coverage; the time says nothing here.
    this.timeout(180_000);
    const scanner = new JsonFieldScanner([
      { path: 'usage', mode: 'value' },
      { path: 'data', mode: 'value' },
    ]);
    scanner.write(Buffer.from('{"data":['));
    const vector = Buffer.from(`{"embedding":[${Array.from({ length: 256 }, (_, i) => (i / 7).toFixed(6)).join(',')}]},`);
    // Chunks with memory of their own, followed by weak reference: one the scanner kept stays reachable.
    const retained = new Retained();
    // Not inline in this async function: a suspended async function can keep its last chunk in a register.
    const writeRound = (round: number) => {
      for (let i = 0; i < WRITES_PER_ROUND; i++) {
        const chunk = new Uint8Array(vector);
        retained.track('chunks', chunk, round);
        scanner.write(chunk);
      }
    };
    const live: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      writeRound(round);
      const earlier = (r: number) => r < round;
      const left = await retained.collected(earlier);
      assert.deepEqual(left, {}, `chunks of earlier rounds the scanner still holds: ${describeLeft(left, retained.tracked(earlier))}`);
      retained.forget(earlier);
      live.push(await liveBytes());
    }
    // What weak references cannot see (copies, strings, counters): what a round adds, the median over the rounds.
    const perWrite = medianIncrease(live) / WRITES_PER_ROUND;
    const body = ROUNDS * WRITES_PER_ROUND * vector.length;
    assert.ok(
      perWrite < GROWTH_PER_WRITE,
      `memory grew ${perWrite.toFixed(1)} bytes per ${vector.length}-byte chunk (median of ${ROUNDS - 1} rounds) ` +
        `over ${(body / 1e6).toFixed(0)} MB of body (bound ${GROWTH_PER_WRITE}); ` +
        `MB after each round: ${live.map((b) => (b / 1e6).toFixed(3)).join(', ')}`,
    );
    scanner.write(Buffer.from('{"embedding":[]}],"usage":{"prompt_tokens":7}}'));
    assert.deepEqual(asObject(scanner.result()), { usage: [{ prompt_tokens: 7 }] });
  });

  it('reports malformed input without throwing and keeps what came before', function () {
    const { result, malformed } = scan('{"model":"m","usage":{"a":1}, ]', [
      { path: 'model', mode: 'value' },
      { path: 'usage', mode: 'value' },
    ]);
    assert.equal(malformed, true);
    assert.deepEqual(asObject(result), { model: ['m'], usage: [{ a: 1 }] });
    assert.equal(scan('<html>error</html>', [{ path: 'model', mode: 'value' }]).malformed, true);
  });
});
