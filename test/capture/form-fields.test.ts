import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { chars, count, value, VALUE_LIMIT, type FieldSpec } from '../../src/providers/fields.js';
import { boundaryOf, multipartReader, urlEncodedReader, type FieldReader } from '../../src/capture/form-fields.js';
import { writeInPieces } from '../support/chunks.js';

interface Part {
  readonly name: string;
  readonly filename?: string;
  readonly contentType?: string;
  readonly body: string | Uint8Array;
}

/** A multipart/form-data body as RFC 7578 lays it out, built by hand. */
function multipart(boundary: string, parts: readonly Part[], epilogue = '\r\n'): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"`;
    if (part.filename !== undefined) head += `; filename="${part.filename}"`;
    head += '\r\n';
    if (part.contentType !== undefined) head += `Content-Type: ${part.contentType}\r\n`;
    chunks.push(
      Buffer.from(`${head}\r\n`),
      typeof part.body === 'string' ? Buffer.from(part.body, 'utf8') : Buffer.from(part.body),
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--${epilogue}`));
  return Buffer.concat(chunks);
}

/** Feeds `bytes` cut at the given offsets (any order, duplicates allowed), then ends the reader. */
function feed(reader: FieldReader, bytes: Uint8Array, cuts: Iterable<number> = []): Record<string, readonly unknown[]> {
  writeInPieces(reader, bytes, cuts);
  reader.end();
  return Object.fromEntries(reader.result());
}

const range = (from: number, to: number): number[] => Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);

/** A 3 MiB "audio file" full of near-misses of the delimiter, ending in a partial delimiter. */
function trickyFile(boundary: string, size: number): Buffer {
  const file = Buffer.alloc(size);
  const near = Buffer.from(`\r\n--${boundary.slice(0, -1)}X\r\n-\r\n--`);
  for (let i = 0; i < size; i++) file[i] = (i * 31 + 7) % 251;
  for (let at = 0; at + near.length < size; at += 4093) near.copy(file, at);
  // The file's last bytes are the delimiter minus its last byte: a match must not start there.
  Buffer.from(`\r\n--${boundary.slice(0, -1)}`).copy(file, size - boundary.length - 3);
  return file;
}

describe('form fields: multipart/form-data', function () {
  const boundary = '----pricetagBoundary7MA4YWxkTrZu0gW';

  describe('a text field after a 3 MiB file part', function () {
    const fileSize = 3 * 1024 * 1024;
    const file = trickyFile(boundary, fileSize);
    const body = multipart(boundary, [
      { name: 'prompt', body: 'before the file' },
      { name: 'file', filename: 'speech.wav', contentType: 'audio/wav', body: file },
      { name: 'model', body: 'whisper-1' },
      { name: 'language', body: 'de' },
    ]);
    const fileStart = body.indexOf(file.subarray(0, 64));
    const fileEnd = fileStart + fileSize;
    const specs = [value('model'), value('file'), value('language'), chars('prompt')];
    const expected = { prompt: [15], model: ['whisper-1'], language: ['de'] };

    it('is read when the body arrives whole', function () {
      assert.ok(fileStart > 0);
      assert.deepEqual(feed(multipartReader(boundary, specs), body), expected);
    });

    it('is read in 64 KiB chunks', function () {
      const cuts = range(1, Math.ceil(body.length / 65536)).map((k) => k * 65536);
      assert.deepEqual(feed(multipartReader(boundary, specs), body, cuts), expected);
    });

    it('is read in random chunk sizes with 1-byte chunks around every delimiter', function () {
      // Every byte from the file's tail to the end of the body is its own chunk.
      const tail = range(fileEnd - 2 * boundary.length - 16, body.length);
      const head = range(0, fileStart + 8);
      fc.assert(
        fc.property(fc.array(fc.integer({ min: 1, max: body.length - 1 }), { maxLength: 200 }), (random) => {
          assert.deepEqual(feed(multipartReader(boundary, specs), body, [...random, ...head, ...tail]), expected);
        }),
        { numRuns: 12 },
      );
    });

    it('is read when the file part arrives in chunks that each end inside a delimiter near-miss', function () {
      const near = Buffer.from(`\r\n--${boundary.slice(0, 5)}`);
      const cuts: number[] = [];
      for (let at = body.indexOf(near, fileStart); at !== -1 && at < fileEnd; at = body.indexOf(near, at + 1))
        cuts.push(at + 3, at + near.length);
      assert.ok(cuts.length > 100);
      assert.deepEqual(feed(multipartReader(boundary, specs), body, cuts), expected);
    });
  });

  it('keeps a value containing "--", CRLF and a partial delimiter, split at every offset', function () {
    const tricky = `--a--\r\n--\r\n\r\nb\r\n--${boundary.slice(0, 10)}\r\n-`;
    const body = multipart(boundary, [
      { name: 'model', body: tricky },
      { name: 'other', body: 'x' },
    ]);
    const specs = [value('model'), value('other')];
    for (let cut = 0; cut <= body.length; cut++) {
      assert.deepEqual(feed(multipartReader(boundary, specs), body, [cut]), { model: [tricky], other: ['x'] }, `cut at ${cut}`);
    }
    const everyByte = range(1, body.length);
    assert.deepEqual(feed(multipartReader(boundary, specs), body, everyByte), { model: [tricky], other: ['x'] });
  });

  it('keeps an empty value and a value ending in CR', function () {
    const body = multipart(boundary, [
      { name: 'a', body: '' },
      { name: 'b', body: 'ends\r' },
    ]);
    assert.deepEqual(feed(multipartReader(boundary, [value('a'), value('b')]), body, range(1, body.length)), { a: [''], b: ['ends\r'] });
  });

  describe('boundaryOf', function () {
    it('reads quoted and unquoted boundaries', function () {
      assert.equal(boundaryOf('multipart/form-data; boundary=abc123'), 'abc123');
      assert.equal(boundaryOf('multipart/form-data; boundary=abc123; charset=utf-8'), 'abc123');
      assert.equal(boundaryOf('multipart/form-data;boundary="a b:c=d?"'), 'a b:c=d?');
      assert.equal(boundaryOf('Multipart/Form-Data; BOUNDARY="Quoted"; charset=utf-8'), 'Quoted');
      assert.equal(boundaryOf('multipart/form-data'), undefined);
    });

    it('gives a quoted boundary the reader then uses', function () {
      const quoted = 'gc0p4Jq0M2Yt08j34c0p: =?';
      const boundaryFromHeader = boundaryOf(`multipart/form-data; boundary="${quoted}"`);
      assert.equal(boundaryFromHeader, quoted);
      const body = multipart(quoted, [{ name: 'model', body: 'gpt-4o-transcribe' }]);
      assert.deepEqual(feed(multipartReader(boundaryFromHeader!, [value('model')]), body, [7, 50]), { model: ['gpt-4o-transcribe'] });
    });
  });

  it('records the last field when the closing delimiter is split across chunks', function () {
    const body = multipart(boundary, [{ name: 'model', body: 'tts-1-hd' }], '');
    const closing = body.length - (boundary.length + 6); // "\r\n--boundary--"
    for (let a = closing; a <= body.length; a++) {
      for (let b = a; b <= body.length; b++) {
        assert.deepEqual(feed(multipartReader(boundary, [value('model')]), body, [a, b]), { model: ['tts-1-hd'] }, `cuts ${a}, ${b}`);
      }
    }
  });

  it('ignores bytes after the closing delimiter (epilogue), even a look-alike part', function () {
    const body = Buffer.concat([
      multipart(boundary, [{ name: 'model', body: 'm1' }], '\r\n'),
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="model"\r\n\r\nm2\r\n--${boundary}--\r\n`),
    ]);
    assert.deepEqual(feed(multipartReader(boundary, [value('model')]), body), { model: ['m1'] });
  });

  it('ignores a preamble before the first delimiter', function () {
    const body = Buffer.concat([Buffer.from('This is the preamble.\r\n'), multipart(boundary, [{ name: 'model', body: 'm' }])]);
    assert.deepEqual(feed(multipartReader(boundary, [value('model')]), body, range(1, body.length)), { model: ['m'] });
  });

  it('leaves out a field larger than VALUE_LIMIT and keeps one exactly at it', function () {
    const atLimit = 'a'.repeat(VALUE_LIMIT);
    const over = 'b'.repeat(VALUE_LIMIT + 1);
    const body = multipart(boundary, [
      { name: 'text', body: over },
      { name: 'text', body: atLimit },
      { name: 'model', body: 'after' },
    ]);
    const specs = [value('text'), value('model')];
    const cuts = range(1, Math.ceil(body.length / 1000)).map((k) => k * 1000);
    const result = feed(multipartReader(boundary, specs), body, cuts);
    assert.deepEqual(Object.keys(result).sort(), ['model', 'text']);
    assert.equal(result.text!.length, 1);
    assert.equal((result.text![0] as string).length, VALUE_LIMIT);
    assert.deepEqual(result.model, ['after']);
  });

  it('leaves out an oversized multi-byte field counted in bytes, not characters', function () {
    // VALUE_LIMIT / 2 + 1 characters of two UTF-8 bytes each: over the byte limit.
    const over = 'é'.repeat(VALUE_LIMIT / 2 + 1);
    const body = multipart(boundary, [{ name: 'text', body: over }]);
    assert.deepEqual(feed(multipartReader(boundary, [chars('text')]), body, [100, 40000]), {});
  });

  it('counts code points in chars mode, and 1 per value in count mode', function () {
    const body = multipart(boundary, [
      { name: 'text', body: 'héllo 🎉' },
      { name: 'text', body: '𝔘𝔫𝔦' },
      { name: 'text', body: '' },
    ]);
    const everyByte = range(1, body.length);
    assert.deepEqual(feed(multipartReader(boundary, [chars('text')]), body, everyByte), { text: [7, 3, 0] });
    assert.deepEqual(feed(multipartReader(boundary, [count('text')]), body), { text: [1, 1, 1] });
  });

  it('never records file parts, whatever their name', function () {
    const body = multipart(boundary, [
      { name: 'model', filename: 'model.bin', body: 'weights' },
      { name: 'model', body: 'real' },
    ]);
    assert.deepEqual(feed(multipartReader(boundary, [value('model')]), body), { model: ['real'] });
    const star = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="model"; filename*=UTF-8''f%C3%A9.bin\r\n\r\nx\r\n--${boundary}--\r\n`,
    );
    assert.deepEqual(feed(multipartReader(boundary, [value('model')]), star), {});
  });

  it('reads the field name case-insensitively from headers in any order', function () {
    const body = Buffer.from(
      `--${boundary}\r\ncontent-type: text/plain; charset=utf-8\r\n` +
        `CONTENT-DISPOSITION: form-data; name="model"\r\n\r\nm\r\n--${boundary}--\r\n`,
    );
    assert.deepEqual(feed(multipartReader(boundary, [value('model')]), body, range(1, body.length)), { model: ['m'] });
  });

  it('matches the parts a body was built from, however it is cut (property)', function () {
    const names = ['model', 'text', 'other'];
    const specs = [value('model'), value('text')];
    const part = fc.record({
      name: fc.constantFrom(...names),
      file: fc.boolean(),
      body: fc.string({ unit: 'grapheme', maxLength: 40 }).map((s) => s.replace(/\r?\n/g, '\r\n')),
    });
    fc.assert(
      fc.property(fc.array(part, { maxLength: 6 }), fc.array(fc.nat(), { maxLength: 12 }), (parts, rawCuts) => {
        const body = multipart(
          boundary,
          parts.map((p) => (p.file ? { name: p.name, filename: 'f.bin', body: p.body } : { name: p.name, body: p.body })),
        );
        const expected: Record<string, string[]> = {};
        for (const p of parts) if (!p.file && (p.name === 'model' || p.name === 'text')) (expected[p.name] ??= []).push(p.body);
        const cuts = rawCuts.map((c) => c % (body.length + 1));
        assert.deepEqual(feed(multipartReader(boundary, specs), body, cuts), expected);
      }),
      { numRuns: 300 },
    );
  });

  it('reads a body produced by FormData and Request', async function () {
    const audio = new Uint8Array(3 * 1024 * 1024);
    for (let i = 0; i < audio.length; i++) audio[i] = (i * 131) & 0xff;
    const form = new FormData();
    form.append('file', new Blob([audio], { type: 'audio/mpeg' }), 'speech.mp3');
    form.append('model', 'gpt-4o-transcribe');
    form.append('prompt', 'héllo 🎉 -- "quoted"');
    form.append('response_format', 'json');
    form.append('timestamp_granularities[]', 'word');
    form.append('timestamp_granularities[]', 'segment');
    const request = new Request('http://x', { method: 'POST', body: form });
    const contentType = request.headers.get('content-type');
    assert.ok(contentType?.startsWith('multipart/form-data'), String(contentType));
    const bytes = new Uint8Array(await request.arrayBuffer());
    const b = boundaryOf(contentType!);
    assert.ok(b !== undefined);
    const specs = [value('model'), chars('prompt'), value('response_format'), value('timestamp_granularities[]'), value('file')];
    const expected = {
      model: ['gpt-4o-transcribe'],
      prompt: [19],
      response_format: ['json'],
      'timestamp_granularities[]': ['word', 'segment'],
    };
    assert.deepEqual(feed(multipartReader(b, specs), bytes), expected);
    const cuts = range(1, Math.ceil(bytes.length / 7919)).map((k) => k * 7919);
    assert.deepEqual(feed(multipartReader(b, specs), bytes, cuts), expected);
  });
});

describe('form fields: application/x-www-form-urlencoded', function () {
  const body = Buffer.from(
    'text=Hello+world&target_lang=DE&text=caf%C3%A9%20au+lait&text=a%2Bb&text=h%C3%A9llo+%F0%9F%8E%89&text=&empty',
    'utf8',
  );

  it('keeps repeated fields in order, decoding + and %20 as spaces and %2B as +', function () {
    const result = feed(urlEncodedReader([value('text'), value('target_lang')]), body);
    assert.deepEqual(result, { text: ['Hello world', 'café au lait', 'a+b', 'héllo 🎉', ''], target_lang: ['DE'] });
  });

  it('counts code points in chars mode, at every chunk split', function () {
    for (let cut = 0; cut <= body.length; cut++) {
      assert.deepEqual(feed(urlEncodedReader([chars('text')]), body, [cut]), { text: [11, 12, 3, 7, 0] }, `cut at ${cut}`);
    }
  });

  it('reads raw UTF-8 split inside a character', function () {
    const raw = Buffer.from('text=naïve 🎉&model=m', 'utf8');
    const everyByte = range(1, raw.length);
    assert.deepEqual(feed(urlEncodedReader([chars('text'), value('model')]), raw, everyByte), { text: [7], model: ['m'] });
  });

  it('gives 1 per value in count mode, and nothing for fields not asked for', function () {
    assert.deepEqual(feed(urlEncodedReader([count('text'), value('nothing')]), body), { text: [1, 1, 1, 1, 1] });
  });

  it('reads nothing from a body over VALUE_LIMIT × 16 bytes', function () {
    const big = Buffer.from(`text=a&pad=${'x'.repeat(VALUE_LIMIT * 16)}`);
    assert.deepEqual(feed(urlEncodedReader([value('text')]), big, [1000]), {});
    const fits = Buffer.from(`text=a&pad=${'x'.repeat(VALUE_LIMIT * 16 - 11)}`);
    assert.equal(fits.length, VALUE_LIMIT * 16);
    assert.deepEqual(feed(urlEncodedReader([value('text')]), fits, [1000]), { text: ['a'] });
  });

  it('agrees with URLSearchParams for any form (property)', function () {
    const specs: FieldSpec[] = [value('a'), chars('b')];
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c'), fc.string({ unit: 'grapheme', maxLength: 20 })), { maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        (pairs, rawCuts) => {
          const bytes = Buffer.from(new URLSearchParams(pairs).toString(), 'utf8');
          const expected: Record<string, unknown[]> = {};
          for (const [k, v] of pairs) {
            if (k === 'a') (expected.a ??= []).push(v);
            if (k === 'b') (expected.b ??= []).push([...v].length);
          }
          assert.deepEqual(
            feed(
              urlEncodedReader(specs),
              bytes,
              rawCuts.map((c) => c % (bytes.length + 1)),
            ),
            expected,
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});
