// SseReader skipping events its listener does not need: the events delivered are exactly those
// the plain reader delivers whose bytes hold a pattern, plus those before the listener said what
// it needs, whatever the cuts between chunks, line breaks, comments or event sizes.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { EVENT_LIMIT, SseReader } from '../../src/capture/sse.js';
import { writeInPieces } from '../support/chunks.js';
import { liveBytes } from '../support/retention.js';

type Event = readonly [event: string, data: string];
type Answer = readonly string[] | undefined;

const RUNS = process.env.FUZZ_SECONDS === undefined ? 300 : 3000;

/** Pattern lists as adapters declare them: constants, asked for by identity. */
const LISTS: readonly (readonly string[])[] = [
  ['"usage":{', '[DONE]'],
  ['message_'],
  ['é🎉'],
  [],
  ['"usage":{', '"usage": {', '[DONE]', 'message_', 'response.completed'],
];

const utf8 = (s: string): Buffer => Buffer.from(s, 'utf8');

/**
 * Reads `bytes` cut at `cuts`; with `answers`, the listener answers the i-th event delivered with
 * answers[i] (the last one from then on). Without, the plain reader.
 */
function read(bytes: Uint8Array, cuts: Iterable<number>, answers?: readonly Answer[]): { events: Event[]; reader: SseReader } {
  const events: Event[] = [];
  const skip = answers && (() => answers[Math.min(events.length, answers.length) - 1]);
  const reader = new SseReader((event, data) => events.push([event, data]), skip);
  writeInPieces(reader, bytes, cuts);
  reader.end();
  return { events, reader };
}

const contains = (block: Buffer, patterns: readonly string[]) => patterns.some((p) => block.includes(utf8(p)));

// ---------------------------------------------------------------------------------------------
// Generated streams: blocks of lines, each block ended by a blank line.

const text = fc
  .array(
    fc.constantFrom(
      'a',
      'é',
      '🎉',
      ' ',
      '"',
      ':',
      '{',
      'usage',
      '"usage"',
      '"usage":',
      '"usage":{',
      '"usage": {',
      '\\"usage\\":{',
      '[DONE]',
      '[DON',
      'E]',
      'message_',
      'messag',
      'response.completed',
      'x'.repeat(40),
      'y'.repeat(3000),
    ),
    { maxLength: 8 },
  )
  .map((parts) => parts.join(''));

const line = fc.oneof(
  { weight: 5, arbitrary: text.map((t) => `data: ${t}`) },
  { weight: 1, arbitrary: text.map((t) => `data:${t}`) },
  { weight: 1, arbitrary: fc.constant('data') },
  { weight: 2, arbitrary: fc.constantFrom('message_delta', 'delta', 'response.completed', '').map((n) => `event: ${n}`) },
  { weight: 1, arbitrary: text.map((t) => `id: ${t}`) },
  { weight: 1, arbitrary: fc.constantFrom('retry: 100', 'retry: soon') },
  { weight: 2, arbitrary: text.map((t) => `: ${t}`) },
  { weight: 1, arbitrary: text.map((t) => `other: ${t}`) },
);

const isData = (l: string) => l === 'data' || l.startsWith('data:');

interface Stream {
  readonly bytes: Buffer;
  /** Each block's own bytes (its lines) and whether the plain reader gets an event from it. */
  readonly blocks: readonly { bytes: Buffer; event: boolean }[];
}

/** An LF-only stream; its last block may lack its blank line (or all of its line break). */
const lfStream: fc.Arbitrary<Stream> = fc
  .record({
    bom: fc.boolean(),
    blocks: fc.array(fc.record({ lines: fc.array(line, { minLength: 1, maxLength: 4 }), extra: fc.nat({ max: 2 }) }), {
      maxLength: 12,
    }),
    ending: fc.constantFrom('\n\n', '\n', ''),
  })
  .map(({ bom, blocks, ending }) => {
    let s = bom ? '\uFEFF' : '';
    blocks.forEach((b, i) => {
      s += b.lines.join('\n');
      s += i === blocks.length - 1 ? ending : `\n\n${'\n'.repeat(b.extra)}`;
    });
    return {
      bytes: utf8(s),
      blocks: blocks.map((b) => ({ bytes: utf8(b.lines.join('\n')), event: b.lines.some(isData) })),
    };
  });

const answers = fc.array(fc.option(fc.constantFrom(...LISTS), { nil: undefined }), { minLength: 1, maxLength: 4 });

/** Cut points for a stream of `length` bytes: random ones, or every byte. */
const cutsFor = fc.oneof(
  { weight: 4, arbitrary: fc.array(fc.nat(), { maxLength: 40 }).map((cs) => (length: number) => cs.map((c) => c % (length + 1))) },
  { weight: 1, arbitrary: fc.constant((length: number) => Array.from({ length }, (_, i) => i)) },
);

/** What the skipping reader must deliver: the plain events, less those of blocks without a pattern once patterns were given. */
function expected(stream: Stream, plain: readonly Event[], answersOf: readonly Answer[]): Event[] {
  assert.equal(plain.length, stream.blocks.filter((b) => b.event).length, 'one event per block with data');
  const out: Event[] = [];
  let needs: Answer;
  let e = 0;
  for (const block of stream.blocks) {
    if (!block.event) continue;
    const event = plain[e++]!;
    if (needs !== undefined && !contains(block.bytes, needs)) continue;
    out.push(event);
    needs = answersOf[Math.min(out.length, answersOf.length) - 1];
  }
  return out;
}

describe('SseReader skipping unneeded events', function () {
  it('delivers exactly the plain events that hold a pattern, and all before patterns were given (property)', function () {
    fc.assert(
      fc.property(lfStream, answers, cutsFor, (stream, answersOf, cuts) => {
        const plain = read(stream.bytes, []).events;
        const skipping = read(stream.bytes, cuts(stream.bytes.length), answersOf);
        assert.deepEqual(skipping.events, expected(stream, plain, answersOf));
        assert.equal(skipping.reader.overflowed, false);
      }),
      { numRuns: RUNS },
    );
  });

  it('delivers every event when the listener never gives patterns (property)', function () {
    fc.assert(
      fc.property(lfStream, cutsFor, (stream, cuts) => {
        const plain = read(stream.bytes, []).events;
        assert.deepEqual(read(stream.bytes, cuts(stream.bytes.length), [undefined]).events, plain);
      }),
      { numRuns: RUNS },
    );
  });

  describe('a stream with patterns across chunk boundaries', function () {
    const stream = utf8(
      [
        'data: {"model":"m"}',
        '',
        ': keep-alive "usage":{ in a comment',
        '',
        'data: {"usage":null,"text":"é🎉"}',
        '',
        'id: 1',
        'event: chunk',
        'data: {"a":1,',
        'data: "usage":{"total_tokens":5}}',
        '',
        '',
        '',
        'data: {"usage":null}',
        '',
        'data: [DONE]',
        '',
        '',
      ].join('\n'),
    );
    const want: Event[] = [
      ['message', '{"model":"m"}'],
      ['chunk', '{"a":1,\n"usage":{"total_tokens":5}}'],
      ['message', '[DONE]'],
    ];
    const patterns = [LISTS[0]];

    it('finds them cut at any one or two places', function () {
      assert.deepEqual(read(stream, [], patterns).events, want);
      for (let i = 0; i <= stream.length; i++) {
        for (let j = i; j <= stream.length; j++) assert.deepEqual(read(stream, [i, j], patterns).events, want, `cut at ${i} and ${j}`);
      }
    });

    it('finds them fed one byte at a time', function () {
      assert.deepEqual(
        read(
          stream,
          Array.from({ length: stream.length }, (_, i) => i),
          patterns,
        ).events,
        want,
      );
    });

    it('delivers an event with a pattern only in its id line', function () {
      const s = utf8('data: first\n\nid: [DONE]\ndata: plain\n\ndata: other\n\n');
      for (let cut = 0; cut <= s.length; cut++) {
        assert.deepEqual(
          read(s, [cut], patterns).events,
          [
            ['message', 'first'],
            ['message', 'plain'],
          ],
          `cut at ${cut}`,
        );
      }
    });
  });

  describe('other line breaks', function () {
    /** Blocks whose first data line numbers them, so each event can be told apart; `own` is each block's lines. */
    const numbered = (breaks: fc.Arbitrary<string>) =>
      fc
        .array(fc.record({ lines: fc.array(line, { maxLength: 3 }), ends: fc.array(breaks, { minLength: 6, maxLength: 6 }) }), {
          minLength: 1,
          maxLength: 10,
        })
        .map((blocks) => {
          let s = '';
          const own: Buffer[] = [];
          blocks.forEach(({ lines, ends }, i) => {
            const all = [`data: #${i}`, ...lines];
            const block = all.map((l, j) => l + (j < all.length - 1 ? ends[j]! : '')).join('');
            own.push(utf8(block));
            // The blank line: a line break, then another; a bare CR and the LF after it would be one.
            const [first, second] = [ends[4]!, ends[5]!];
            s += block + first + (first === '\r' && second.startsWith('\n') ? '\r' : second);
          });
          return { bytes: utf8(s), own };
        });

    it('skips on CRLF and lone-CR streams exactly as on LF ones, wherever a CRLF is cut (property)', function () {
      const oneBreak = fc.constantFrom('\r\n', '\r').chain((b) => numbered(fc.constant(b)));
      fc.assert(
        fc.property(oneBreak, answers, cutsFor, ({ bytes, own }, answersOf, cuts) => {
          const plain = read(bytes, []).events;
          const stream = { bytes, blocks: own.map((b) => ({ bytes: b, event: true })) };
          const skipping = read(bytes, cuts(bytes.length), answersOf);
          assert.deepEqual(skipping.events, expected(stream, plain, answersOf));
          assert.equal(skipping.reader.overflowed, false);
        }),
        { numRuns: RUNS },
      );
    });

    it('with mixed line breaks, delivers exactly the plain events that hold a pattern (property)', function () {
      fc.assert(
        fc.property(numbered(fc.constantFrom('\n', '\r\n', '\r')), answers, cutsFor, ({ bytes, own }, answersOf, cuts) => {
          const plain = read(bytes, []).events;
          assert.equal(plain.length, own.length);
          const stream = { bytes, blocks: own.map((b) => ({ bytes: b, event: true })) };
          assert.deepEqual(read(bytes, cuts(bytes.length), answersOf).events, expected(stream, plain, answersOf));
        }),
        { numRuns: RUNS },
      );
    });

    it('skips as on LF streams once a stream turns to CRLF, wherever it is cut', function () {
      const s = utf8('data: first\n\ndata: a\r\n\r\ndata: b\r\n\r\ndata: [DONE]\r\n\r\ndata: c\r\n\r\n');
      const want: Event[] = [
        ['message', 'first'],
        ['message', '[DONE]'],
      ];
      for (let cut = 0; cut <= s.length; cut++) {
        for (const cuts of [[cut], [cut, cut + 1], [cut, cut + 20]])
          assert.deepEqual(read(s, cuts, [LISTS[0]]).events, want, `cut at ${cuts}`);
      }
      // Nothing with a pattern after the switch: nothing after the first event, however held.
      const none = utf8('data: first\n\ndata: a\r\n\r\ndata: b\r\n\r\n: c\r\ndata: c\r\n\r\n');
      for (let cut = 0; cut <= none.length; cut++)
        assert.deepEqual(read(none, [cut, cut + 20], [LISTS[0]]).events, [['message', 'first']], `cut at ${cut}`);
    });
  });

  describe('events longer than EVENT_LIMIT', function () {
    const big = (prefix: string, n: number) => utf8(`${prefix}${'z'.repeat(n)}`);

    it('overflows on an endless data line without a pattern, as the plain reader does', function () {
      for (const answersOf of [undefined, [LISTS[0]]]) {
        const events: Event[] = [];
        const reader = new SseReader((event, data) => events.push([event, data]), answersOf && (() => answersOf[0]));
        reader.write(utf8('data: ok\n\n'));
        reader.write(utf8('data: '));
        const chunk = utf8('y'.repeat(64 * 1024));
        let overflowedAt = -1;
        for (let i = 0; i < 32; i++) {
          reader.write(chunk);
          if (overflowedAt === -1 && reader.overflowed) overflowedAt = (i + 1) * chunk.length;
        }
        assert.ok(overflowedAt > EVENT_LIMIT - 64 * 1024 && overflowedAt <= EVENT_LIMIT + 64 * 1024, `overflowed after ${overflowedAt}`);
        reader.write(utf8('\n\ndata: [DONE]\n\n'));
        reader.end();
        assert.deepEqual(events, [['message', 'ok']]);
      }
    });

    it('holds no more than the limit of a skipped endless line, and reads on after it', async function () {
      const events: Event[] = [];
      const reader = new SseReader(
        (event, data) => events.push([event, data]),
        () => LISTS[0],
      );
      reader.write(utf8('data: ok\n\n'));
      const chunk = utf8('{"junk":1}'.repeat(6554));
      const before = await liveBytes();
      for (let i = 0; i < 128; i++) reader.write(Buffer.from(chunk));
      const retained = (await liveBytes()) - before;
      assert.ok(retained < EVENT_LIMIT, `retained ${retained} bytes`);
      reader.write(utf8('\n\ndata: skipped\n\ndata: [DONE]\n\n'));
      reader.end();
      assert.deepEqual(events, [
        ['message', 'ok'],
        ['message', '[DONE]'],
      ]);
      assert.equal(reader.overflowed, false);
    });

    it('gives the same events and overflow as the plain reader for events around the limit', function () {
      const cases = [
        // Many comment lines: not held by the parser, so never past its bound.
        Buffer.concat([
          utf8('data: a\n\n'),
          ...Array.from({ length: 1100 }, () => utf8(`: ${'c'.repeat(1000)}\n`)),
          utf8('data: b\n\ndata: [DONE]\n\n'),
        ]),
        // Data lines adding up past the limit, with and without a pattern in them.
        Buffer.concat([
          utf8('data: a\n\n'),
          ...Array.from({ length: 1100 }, () => big('data: ', 1000)).flatMap((b) => [b, utf8('\n')]),
          utf8('\n'),
        ]),
        Buffer.concat([utf8('data: a\n\n'), big('data: [DONE]', EVENT_LIMIT), utf8('\n\ndata: c\n\n')]),
        // Exactly the limit, then more.
        Buffer.concat([utf8('data: a\n\n'), big('data: ', EVENT_LIMIT - 'data: '.length), utf8('\n\ndata: [DONE]\n\n')]),
      ];
      for (const [i, bytes] of cases.entries()) {
        const cuts = Array.from({ length: Math.ceil(bytes.length / 16384) }, (_, k) => k * 16384);
        const plain = read(bytes, cuts);
        const skipping = read(bytes, cuts, [LISTS[0]]);
        assert.equal(skipping.reader.overflowed, plain.reader.overflowed, `case ${i}: overflow`);
        // Bytes past the limit are read after all, so its events may come too; never others.
        const kept = plain.events.filter((e) => skipping.events.some((s) => s[0] === e[0] && s[1] === e[1]));
        assert.deepEqual(skipping.events, kept, `case ${i}: events`);
        for (const e of plain.events)
          if (e[1].includes('[DONE]') || e[1] === 'a') assert.ok(kept.includes(e), `case ${i}: ${e[1].slice(0, 20)}`);
      }
    });
  });

  it('reads a CRLF and CR stream as the plain reader does when every event is needed, on any cut', function () {
    const s = utf8('event: a\r\ndata: 1 é\r\n\r\ndata: 2\r\n\r\nevent: c\rdata: 3\r\r');
    const plain = read(s, []).events;
    assert.equal(plain.length, 3);
    for (let cut = 0; cut <= s.length; cut++) {
      assert.deepEqual(read(s, [cut], [undefined]).events, plain, `cut at ${cut}, no patterns`);
      assert.deepEqual(read(s, [cut, cut + 3], [['data']]).events, plain, `cut at ${cut}, a pattern in every event`);
      assert.deepEqual(read(s, [cut], [['3']]).events, [plain[0], plain[2]], `cut at ${cut}, the last one needed`);
    }
  });
});
