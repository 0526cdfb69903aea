import { strict as assert } from 'node:assert';
import { createHook } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import zlib from 'node:zlib';
import fc from 'fast-check';
import { decodingSink, isSupportedEncoding, MAX_CODINGS, PENDING_LIMIT } from '../../src/capture/decompress.js';

interface Decoded {
  readonly ok: boolean;
  readonly bytes: Buffer;
  readonly ended: boolean;
  readonly doneCalls: number;
}

/** Writes `input` cut at `cuts` through a decoding sink and waits for onDone. */
function decode(header: string | undefined, input: Uint8Array, cuts: readonly number[] = []): Promise<Decoded> {
  return new Promise((resolve, reject) => {
    const out: Buffer[] = [];
    let ended = false;
    let doneCalls = 0;
    const sink = decodingSink(
      header,
      {
        write: (c) => {
          if (ended) reject(new Error('write after end'));
          out.push(Buffer.from(c));
        },
        end: () => {
          ended = true;
        },
      },
      (ok) => {
        doneCalls++;
        // Let any late callback show up before resolving.
        setTimeout(() => resolve({ ok, bytes: Buffer.concat(out), ended, doneCalls }), 20);
      },
    );
    const sorted = [...new Set(cuts)].filter((c) => c > 0 && c < input.length).sort((a, b) => a - b);
    let from = 0;
    for (const cut of sorted) {
      sink.write(input.subarray(from, cut));
      from = cut;
    }
    if (from < input.length) sink.write(input.subarray(from));
    sink.end();
  });
}

const text = Buffer.from(
  JSON.stringify({ model: 'gpt-4o-mini', usage: { prompt_tokens: 12, completion_tokens: 34 }, note: 'héllo 🎉'.repeat(200) }),
);

const encoders: Record<string, (b: Buffer) => Buffer> = {
  gzip: (b) => zlib.gzipSync(b),
  br: (b) => zlib.brotliCompressSync(b),
  deflate: (b) => zlib.deflateSync(b),
};

describe('decodingSink', function () {
  for (const [name, encode] of Object.entries(encoders)) {
    it(`decodes ${name}, whole and byte by byte`, async function () {
      const encoded = encode(text);
      const whole = await decode(name, encoded);
      assert.deepEqual({ ok: whole.ok, ended: whole.ended, doneCalls: whole.doneCalls }, { ok: true, ended: true, doneCalls: 1 });
      assert.ok(whole.bytes.equals(text));
      const everyByte = Array.from({ length: encoded.length }, (_, i) => i);
      const split = await decode(name, encoded, everyByte);
      assert.ok(split.ok);
      assert.ok(split.bytes.equals(text));
    });
  }

  it('reads the header case-insensitively with spaces, and x-gzip as gzip', async function () {
    for (const header of [' GZIP ', 'x-gzip', 'Gzip, identity', 'identity, gzip']) {
      const result = await decode(header, zlib.gzipSync(text));
      assert.ok(result.ok, header);
      assert.ok(result.bytes.equals(text), header);
    }
  });

  it('passes identity (and no header, and an empty header) through unchanged', async function () {
    for (const header of ['identity', undefined, '', ' , identity ,']) {
      const result = await decode(header, text, [5, 100]);
      assert.deepEqual(
        { ok: result.ok, ended: result.ended, doneCalls: result.doneCalls },
        { ok: true, ended: true, doneCalls: 1 },
        String(header),
      );
      assert.ok(result.bytes.equals(text), String(header));
    }
  });

  it('undoes stacked "gzip, br" from the last applied to the first', async function () {
    const encoded = zlib.brotliCompressSync(zlib.gzipSync(text));
    const result = await decode('gzip, br', encoded, [3, 10, 11, 50]);
    assert.ok(result.ok);
    assert.ok(result.bytes.equals(text));
    // The other order is a different encoding: decoding it as "gzip, br" fails.
    const wrongOrder = await decode('gzip, br', zlib.gzipSync(zlib.brotliCompressSync(text)));
    assert.equal(wrongOrder.ok, false);
    assert.equal(wrongOrder.ended, false);
  });

  it('undoes three stacked encodings', async function () {
    const encoded = zlib.gzipSync(zlib.brotliCompressSync(zlib.deflateSync(text)));
    const result = await decode('deflate, br, gzip', encoded, [1, 2, 3]);
    assert.ok(result.ok);
    assert.ok(result.bytes.equals(text));
  });

  it(`undoes up to MAX_CODINGS (${MAX_CODINGS}) stacked codings and gives up on more without building a decoder`, async function () {
    let encoded: Buffer = text;
    for (let i = 0; i < MAX_CODINGS; i++) encoded = zlib.gzipSync(encoded);
    const five = await decode(Array(MAX_CODINGS).fill('gzip').join(', '), encoded, [1, 7]);
    assert.ok(five.ok);
    assert.ok(five.bytes.equals(text));

    // A hostile header: thousands of codings. No zlib handle is made for it (async resources counted).
    const input = zlib.gzipSync(encoded);
    let handles = 0;
    const hook = createHook({
      init: (_id, type) => {
        if (type === 'ZLIB') handles++;
      },
    }).enable();
    try {
      const header = Array(5000).fill('gzip').join(', ');
      assert.equal(isSupportedEncoding(header), false);
      assert.equal(
        isSupportedEncoding(
          Array(MAX_CODINGS + 1)
            .fill('gzip')
            .join(','),
        ),
        false,
      );
      const result = await decode(header, input);
      assert.deepEqual(result, { ok: false, bytes: Buffer.alloc(0), ended: false, doneCalls: 1 });
      assert.equal(handles, 0);
    } finally {
      hook.disable();
    }
  });

  it('reports an unknown encoding as not ok and writes nothing', async function () {
    for (const header of ['compress', 'gzip, compress', 'br, x-custom']) {
      const result = await decode(header, zlib.gzipSync(text));
      assert.deepEqual(result, { ok: false, bytes: Buffer.alloc(0), ended: false, doneCalls: 1 }, header);
    }
  });

  it('reports corrupt gzip as not ok without throwing, and does not end the next sink', async function () {
    const corrupt = zlib.gzipSync(text);
    corrupt[corrupt.length >> 1]! ^= 0xff;
    corrupt[(corrupt.length >> 1) + 1]! ^= 0x55;
    const result = await decode('gzip', corrupt, [4, 30]);
    assert.equal(result.ok, false);
    assert.equal(result.ended, false);
    assert.equal(result.doneCalls, 1);
    const garbage = await decode('gzip', Buffer.from('this is not gzip at all'));
    assert.deepEqual({ ok: garbage.ok, ended: garbage.ended, doneCalls: garbage.doneCalls }, { ok: false, ended: false, doneCalls: 1 });
  });

  it('reports a truncated gzip body as not ok', async function () {
    const encoded = zlib.gzipSync(text);
    const result = await decode('gzip', encoded.subarray(0, encoded.length - 10));
    assert.equal(result.ok, false);
    assert.equal(result.ended, false);
    assert.equal(result.doneCalls, 1);
  });

  it('reports corrupt brotli inside a stack as not ok', async function () {
    const result = await decode('gzip, br', Buffer.from('definitely not brotli data, no no no'));
    assert.deepEqual({ ok: result.ok, ended: result.ended, doneCalls: result.doneCalls }, { ok: false, ended: false, doneCalls: 1 });
  });

  it('decodes raw deflate sent as "deflate" (as the module comment promises)', async function () {
    const result = await decode('deflate', zlib.deflateRawSync(text));
    assert.equal(result.ok, true, 'raw deflate under Content-Encoding: deflate was not decoded');
    assert.ok(result.bytes.equals(text));
  });

  it('gives up (not ok) when more than PENDING_LIMIT bytes wait for the decoder', async function () {
    // Incompressible data stays large once gzipped; written synchronously, none of it is decoded yet.
    const random = randomBytes(PENDING_LIMIT + 1024 * 1024);
    const encoded = zlib.gzipSync(random, { level: 1 });
    assert.ok(encoded.length > PENDING_LIMIT + 65536);
    const cuts = Array.from({ length: Math.ceil(encoded.length / 65536) }, (_, i) => i * 65536);
    const result = await decode('gzip', encoded, cuts);
    assert.equal(result.ok, false);
    assert.equal(result.ended, false);
    assert.equal(result.doneCalls, 1);
  });

  it('decodes zstd when this Node has it', async function () {
    const z = zlib as unknown as { zstdCompressSync?: (b: Buffer) => Buffer; createZstdDecompress?: unknown };
    if (typeof z.zstdCompressSync !== 'function' || typeof z.createZstdDecompress !== 'function') this.skip();
    const result = await decode('zstd', z.zstdCompressSync!(text), [7]);
    assert.ok(result.ok);
    assert.ok(result.bytes.equals(text));
  });

  it('returns the input bytes for any payload, encoding and cut points (property)', async function () {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 20000 }),
        fc.constantFrom('gzip', 'br', 'deflate', 'gzip, br', 'br, deflate', 'identity'),
        fc.array(fc.nat(), { maxLength: 20 }),
        async (payload, header, rawCuts) => {
          let encoded: Buffer = Buffer.from(payload);
          for (const e of header.split(',').map((s) => s.trim())) if (e !== 'identity') encoded = encoders[e]!(encoded);
          const result = await decode(
            header,
            encoded,
            rawCuts.map((c) => c % (encoded.length + 1)),
          );
          assert.ok(result.ok);
          assert.equal(result.doneCalls, 1);
          assert.ok(result.bytes.equals(Buffer.from(payload)));
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('isSupportedEncoding', function () {
  it('accepts no header, identity, the zlib encodings and stacks of them', function () {
    for (const header of [
      undefined,
      '',
      'identity',
      'gzip',
      'x-gzip',
      'GZIP',
      'br',
      'deflate',
      'gzip, br',
      ' br , gzip ',
      'identity, deflate',
    ]) {
      assert.equal(isSupportedEncoding(header), true, String(header));
    }
  });

  it('rejects a header with any encoding it cannot decode', function () {
    for (const header of ['compress', 'gzip, compress', 'x-custom, br', 'gzip;q=1', 'sdch']) {
      assert.equal(isSupportedEncoding(header), false, header);
    }
  });

  it('says zstd is supported exactly when Node can decode it', function () {
    const has = typeof (zlib as unknown as { createZstdDecompress?: unknown }).createZstdDecompress === 'function';
    assert.equal(isSupportedEncoding('zstd'), has);
  });

  it('agrees with decodingSink: a supported header decodes, an unsupported one gives up at once', async function () {
    for (const header of ['gzip', 'compress', 'br, zz']) {
      const result = await decode(header, zlib.gzipSync(text));
      assert.equal(result.ok, isSupportedEncoding(header), header);
    }
  });
});
