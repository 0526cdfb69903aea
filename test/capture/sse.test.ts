import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { EVENT_LIMIT, SseReader } from '../../src/capture/sse.js';
import { writeInPieces } from '../support/chunks.js';
import { liveBytes } from '../support/retention.js';

type Event = readonly [event: string, data: string];

function read(bytes: Uint8Array, cuts: Iterable<number> = [], end = true): { events: Event[]; reader: SseReader } {
  const events: Event[] = [];
  const reader = new SseReader((event, data) => events.push([event, data]));
  writeInPieces(reader, bytes, cuts);
  if (end) reader.end();
  return { events, reader };
}

const utf8 = (s: string): Buffer => Buffer.from(s, 'utf8');

describe('SseReader', function () {
  const stream = utf8(
    [
      'event: message_start',
      'data: {"type":"message_start","text":"héllo 🎉 wörld"}',
      '',
      ': a comment line',
      'data: 👩‍👩‍👧 family',
      '',
      'id: 7',
      'event: delta',
      'data: 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ✓',
      '',
      '',
    ].join('\n'),
  );
  const expected: Event[] = [
    ['message_start', '{"type":"message_start","text":"héllo 🎉 wörld"}'],
    ['message', '👩‍👩‍👧 family'],
    ['delta', '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ✓'],
  ];

  it('reads named and unnamed events with multi-byte data', function () {
    assert.deepEqual(read(stream).events, expected);
  });

  it('gives the same events when split at every byte boundary', function () {
    for (let cut = 0; cut <= stream.length; cut++) {
      assert.deepEqual(read(stream, [cut]).events, expected, `split at byte ${cut}`);
    }
  });

  it('gives the same events fed one byte at a time', function () {
    assert.deepEqual(
      read(
        stream,
        Array.from({ length: stream.length }, (_, i) => i),
      ).events,
      expected,
    );
  });

  it('gives the same events for any cut points (property)', function () {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: stream.length }), { maxLength: 30 }), (cuts) => {
        assert.deepEqual(read(stream, cuts).events, expected);
      }),
      { numRuns: 300 },
    );
  });

  it('reads CRLF (and bare CR) line endings, even with the CRLF split across chunks', function () {
    const crlf = utf8('event: a\r\ndata: 1 é\r\n\r\ndata: 2\r\n\r\nevent: c\rdata: 3\r\r');
    const want: Event[] = [
      ['a', '1 é'],
      ['message', '2'],
      ['c', '3'],
    ];
    for (let cut = 0; cut <= crlf.length; cut++) assert.deepEqual(read(crlf, [cut]).events, want, `split at ${cut}`);
    assert.deepEqual(
      read(
        crlf,
        Array.from({ length: crlf.length }, (_, i) => i),
      ).events,
      want,
    );
  });

  it('joins multi-line data with \\n', function () {
    const multi = utf8('data: line one\ndata:line two\ndata: \ndata:  indented\n\n');
    assert.deepEqual(read(multi).events, [['message', 'line one\nline two\n\n indented']]);
    const crlf = utf8('data: a\r\ndata: b\r\n\r\n');
    assert.deepEqual(read(crlf, [9, 10]).events, [['message', 'a\nb']]);
  });

  it('strips a leading BOM split across chunks', function () {
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8('data: x\n\n')]);
    for (let cut = 0; cut <= 4; cut++) assert.deepEqual(read(bom, [cut]).events, [['message', 'x']], `split at ${cut}`);
  });

  it('delivers a final event without its trailing blank line at end()', function () {
    const noBlank = utf8('data: first\n\ndata: last 🎉');
    const { events, reader } = read(noBlank, [], false);
    assert.deepEqual(events, [['message', 'first']]);
    reader.end();
    assert.deepEqual(events, [
      ['message', 'first'],
      ['message', 'last 🎉'],
    ]);
  });

  it('delivers a final event ended by a single line break at end()', function () {
    assert.deepEqual(read(utf8('event: done\ndata: {"usage":{"total_tokens":5}}\n')).events, [['done', '{"usage":{"total_tokens":5}}']]);
    assert.deepEqual(read(utf8('data: last\r\n')).events, [['message', 'last']]);
  });

  it('does not deliver twice when a stream ending in a blank line is ended', function () {
    assert.deepEqual(read(utf8('data: a\n\n')).events, [['message', 'a']]);
  });

  it('delivers an event of exactly EVENT_LIMIT buffered characters', function () {
    const payload = 'x'.repeat(EVENT_LIMIT - 'data: '.length);
    const bytes = utf8(`data: ${payload}`);
    const cuts = Array.from({ length: Math.ceil(bytes.length / 65536) }, (_, i) => i * 65536);
    const { events, reader } = read(Buffer.concat([bytes, utf8('\n\n')]), cuts);
    assert.equal(reader.overflowed, false);
    assert.equal(events.length, 1);
    assert.equal(events[0]![1].length, payload.length);
  });

  describe('a line longer than EVENT_LIMIT', function () {
    // Each chunk a copy with memory of its own, so that chunks kept show as well as text kept;
    // live bytes are read after full collections, with nothing else allocating in between.
    it('sets overflowed, stops delivering, and holds no more than the limit (8 MiB in 64 KiB chunks)', async function () {
      const events: Event[] = [];
      const reader = new SseReader((event, data) => events.push([event, data]));
      reader.write(utf8('data: ok\n\n'));
      const chunk = utf8('y'.repeat(64 * 1024));
      const before = await liveBytes();
      reader.write(utf8('data: '));
      let overflowedAt = -1;
      for (let i = 0; i < 128; i++) {
        reader.write(Buffer.from(chunk));
        if (overflowedAt === -1 && reader.overflowed) overflowedAt = (i + 1) * chunk.length;
      }
      const retained = (await liveBytes()) - before;
      assert.equal(reader.overflowed, true);
      assert.ok(
        overflowedAt > EVENT_LIMIT - 64 * 1024 && overflowedAt <= EVENT_LIMIT + 64 * 1024,
        `overflowed after ${overflowedAt} bytes`,
      );
      assert.ok(retained < EVENT_LIMIT, `retained ${retained} bytes after 8 MiB of one line`);
      // Nothing more is delivered, not even a well-formed event after the line ends.
      reader.write(utf8('\n\ndata: after\n\n'));
      reader.end();
      assert.deepEqual(events, [['message', 'ok']]);
      assert.equal(reader.overflowed, true);
    });

    it('sets overflowed for an event whose data lines add up past the limit', function () {
      const line = utf8(`data: ${'z'.repeat(1000)}\n`);
      const events: Event[] = [];
      const reader = new SseReader((event, data) => events.push([event, data]));
      for (let i = 0; i < Math.ceil(EVENT_LIMIT / 1000) + 10; i++) reader.write(line);
      reader.write(utf8('\n'));
      reader.end();
      assert.equal(reader.overflowed, true);
      assert.deepEqual(events, []);
    });

    it('holds nothing of an endless line that cannot be an SSE field', async function () {
      const events: Event[] = [];
      const reader = new SseReader((event, data) => events.push([event, data]));
      const chunk = utf8('{"junk":1}'.repeat(6554));
      const before = await liveBytes();
      for (let i = 0; i < 128; i++) reader.write(Buffer.from(chunk));
      const retained = (await liveBytes()) - before;
      assert.ok(retained < EVENT_LIMIT, `retained ${retained} bytes`);
      reader.write(utf8('\n\ndata: fine\n\n'));
      reader.end();
      assert.deepEqual(events, [['message', 'fine']]);
    });
  });
});
