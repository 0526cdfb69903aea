import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { extractFields, VALUE_LIMIT, type FieldSpec } from '../../src/providers/fields.js';
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

/**
 * The scanner's result for `text` cut once at every byte position (and, with `pairs`, at every position and the
 * next one: a one-byte chunk), as Buffer pieces and as plain Uint8Array copies, equals the reference extraction.
 */
function agreesAtEveryCut(text: string, specs: readonly FieldSpec[], pairs = true): void {
  const bytes = Buffer.from(text, 'utf8');
  const expected = asObject(extractFields(JSON.parse(text), specs));
  for (let cut = 0; cut <= bytes.length; cut++) {
    for (const cuts of pairs ? [[cut], [cut, cut + 1]] : [[cut]]) {
      const where = `cut at ${cuts.join(', ')} of ${text.length > 120 ? `${text.slice(0, 120)}…` : text}`;
      const { result, malformed } = scan(bytes, specs, cuts);
      assert.equal(malformed, false, where);
      assert.deepEqual(asObject(result), expected, where);
      const copies = new JsonFieldScanner(specs);
      writeInPieces({ write: (c) => copies.write(new Uint8Array(c)) }, bytes, cuts);
      assert.deepEqual(asObject(copies.result()), expected, `${where} (Uint8Array chunks)`);
    }
  }
}

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

  describe('fast paths', function () {
    // JSON text of a string long enough that the scanner leaves its byte-by-byte loop for indexOf, with escaped
    // quotes and backslash runs of both parities on both sides of that point, and a backslash just before the end.
    const longText = String.raw`${'word '.repeat(12)}say \"stop\" \\ then \\\" and \n${'x'.repeat(40)}\\\\\"é 🎉 \u00e9 end\\`;
    const specs: FieldSpec[] = [
      { path: 'model', mode: 'value' },
      { path: 'stream', mode: 'value' },
      { path: 'messages.*.role', mode: 'value' },
      { path: 'messages.*.content', mode: 'chars' },
      { path: 'usage', mode: 'value' },
    ];

    it('finds the same fields wherever a chunk cuts a long string, an escape or a backslash run', function () {
      const text =
        `{"messages":[{"role":"system","content":"${longText}"},{"content":"${longText}","role":"user"},` +
        `{"role":"x","name":"${longText}"}],"model":"gpt-4o-mini","note":"${longText}",` +
        `"usage":{"text":"${longText}","n":1},"stream":false}`;
      assert.equal((JSON.parse(text) as { note: string }).note.endsWith('end\\'), true);
      agreesAtEveryCut(text, specs);
    });

    it('compares keys as bytes only where that decides: escaped, near-miss, non-ASCII and cut keys', function () {
      const text =
        String.raw`{"modelx":1,"mode":2,"mod\\u0065l":3,"mod\u0065l":"escaped","m\u00f6del":4,"é":{"x":5},"usage\"":6,` +
        String.raw`"${'k'.repeat(256)}":{"x":7},"${'k'.repeat(257)}":{"x":8},"stream":true,"usag\u0065":{"a":[1,{"b":2}]}}`;
      const keySpecs: FieldSpec[] = [
        { path: 'model', mode: 'value' },
        { path: 'stream', mode: 'value' },
        { path: 'usage', mode: 'value' },
        { path: 'é.x', mode: 'value' },
        { path: 'mödel', mode: 'value' },
        { path: `${'k'.repeat(256)}.x`, mode: 'value' },
        { path: '*.x', mode: 'count' },
      ];
      assert.deepEqual(asObject(scan(text, keySpecs).result), {
        model: ['escaped'],
        stream: [true],
        usage: [{ a: [1, { b: 2 }] }],
        'é.x': [5],
        mödel: [4],
        [`${'k'.repeat(256)}.x`]: [7],
        '*.x': [1, 1, 1],
      });
      agreesAtEveryCut(text, keySpecs);
      // A key over the limit (257 bytes) is not compared: it reads as '' and only `*` matches it.
      const long = scan(`{"${'k'.repeat(257)}":1,"":2}`, [
        { path: 'k'.repeat(257), mode: 'value' },
        { path: '', mode: 'count' },
        { path: '*', mode: 'value' },
      ]);
      assert.deepEqual(asObject(long.result), { '': [1], '*': [1, 2] });
    });

    it('reads only what is asked inside deeply nested containers it skips, and where they close', function () {
      const deep = (levels: number) => `${'[{"a":'.repeat(levels)}"${longText}"${'}]'.repeat(levels)}`;
      const text = `{"messages":${deep(2000)},"model":"m","usage":{"deep":${deep(50)},"n":2},"stream":null}`;
      const deepSpecs: FieldSpec[] = [
        { path: 'model', mode: 'value' },
        { path: 'usage', mode: 'value' },
        { path: 'stream', mode: 'value' },
      ];
      const { result, malformed } = scan(text, deepSpecs);
      assert.equal(malformed, false);
      assert.deepEqual(asObject(result), asObject(extractFields(JSON.parse(text), deepSpecs)));
      assert.equal(result.get('model')?.length, 1);
      for (const cut of [7, 13, 12_000, text.length - 40, text.length - 3]) {
        assert.deepEqual(asObject(scan(text, deepSpecs, [cut, cut + 1, cut + 5]).result), asObject(result), `cut at ${cut}`);
      }
      // A bracket that does not match, deep inside a skipped container, is still malformed input.
      const broken = scan('{"model":"m","messages":[{"a":[1,{"b":[2}]}],"stream":true}', deepSpecs);
      assert.equal(broken.malformed, true);
      assert.deepEqual(asObject(broken.result), { model: ['m'] });
    });

    it('keeps values of up to VALUE_LIMIT bytes and leaves out larger ones, however they are cut', function () {
      const of = (size: number) => `"${'v'.repeat(size - 2)}"`;
      const limitSpecs: FieldSpec[] = [
        { path: 'usage', mode: 'value' },
        { path: 'model', mode: 'value' },
        { path: 'stream', mode: 'value' },
      ];
      for (const size of [VALUE_LIMIT - 1, VALUE_LIMIT, VALUE_LIMIT + 1]) {
        // usage ({"a":…}) and model are each `size` bytes of JSON.
        const text = `{"usage":{"a":${of(size - 6)}},"model":${of(size)},"stream":true}`;
        const expected = asObject(extractFields(JSON.parse(text), limitSpecs));
        assert.equal('model' in expected && 'usage' in expected, size <= VALUE_LIMIT);
        for (const cuts of [[], [1], [9], [10, 11], [20, 30_000, VALUE_LIMIT - 1, VALUE_LIMIT, VALUE_LIMIT + 1], [size + 8, size + 9]]) {
          assert.deepEqual(asObject(scan(text, limitSpecs, cuts).result), expected, `${size} bytes, cut at ${cuts.join(', ')}`);
        }
      }
    });

    it('reads scalars and plain strings as JSON.parse does, and leaves out what it would reject', function () {
      const values = [
        ...['0', '-0', '7', '-12', '123456789012345', '-999999999999999', '1234567890123456', '12345678901234567890', '1.5', '-0.0'],
        ...['1e3', '2E-2', 'true', 'false', 'null', '"plain"', '""', String.raw`"tab\there"`, '"é"', String.raw`"\u00e9\ud83c\udf89"`],
        String.raw`"a\/b"`,
      ];
      const { result } = scan(`{"v":[${values.join(',')}]}`, [{ path: 'v.*', mode: 'value' }]);
      const found = result.get('v.*')!;
      assert.equal(found.length, values.length);
      values.forEach((v, i) => assert.ok(Object.is(found[i], JSON.parse(v)), `${v} read as ${String(found[i])}`));
      // What JSON.parse rejects (the scanner does not validate scalars or string contents) is left out, not guessed.
      for (const bad of ['01', '-', '1-', 'tru', 'nul', 'falsey', '"a\u0001b"', String.raw`"a\qb"`]) {
        const out = scan(`{"v":[${bad},1]}`, [{ path: 'v.*', mode: 'value' }]);
        assert.deepEqual(out.result.get('v.*'), [1], bad);
      }
    });
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
