// Events too long to hold (a Responses `response.completed` carrying a generated image next to its
// usage): read with bounded memory, their JSON scanned for the fields the listener asked for,
// wherever the chunks are cut, and the events after them read as before.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { EVENT_LIMIT, SseReader } from '../../src/capture/sse.js';
import { value, type Extracted } from '../../src/providers/fields.js';
import { writeInPieces } from '../support/chunks.js';
import { liveBytes } from '../support/retention.js';

const utf8 = (s: string): Buffer => Buffer.from(s, 'utf8');
const FINAL = ['response.completed'] as const;
const FIELDS = [value('response.usage'), value('response.model'), value('response.output.*.type')];

/** A Responses stream whose final event has an image result of `imageBytes` base64 characters; lines ended by `lineBreak`. */
function responsesStream(imageBytes: number, spacing = '', lineBreak = '\n'): Buffer {
  const completed = JSON.stringify({
    type: 'response.completed',
    response: {
      id: 'resp_1',
      model: 'gpt-5',
      output: [
        { type: 'image_generation_call', id: 'ig_1', result: 'A'.repeat(imageBytes) },
        { type: 'message', content: [{ type: 'output_text', text: 'Here it is.' }] },
      ],
      usage: { input_tokens: 1200, output_tokens: 300, total_tokens: 1500 },
    },
  }).replaceAll('":', `":${spacing}`);
  const text =
    'event: response.created\ndata: {"type":"response.created","response":{"model":"gpt-5"}}\n\n' +
    'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","delta":"Here"}\n\n' +
    `event: response.completed\ndata: ${completed}\n\n` +
    'event: response.done.extra\ndata: {"after":true}\n\n';
  // JSON.stringify writes no line break of its own: every one here ends a line.
  return utf8(text.replaceAll('\n', lineBreak));
}

/** Every place a line break of `bytes` can be cut: after each `\r` (between it and a `\n`, when one follows). */
function lineBreakCuts(bytes: Buffer): number[] {
  const cuts: number[] = [];
  for (let i = bytes.indexOf(13); i !== -1; i = bytes.indexOf(13, i + 1)) cuts.push(i + 1);
  return cuts;
}

interface Seen {
  readonly events: string[];
  readonly large: [string, Extracted][];
  readonly reader: SseReader;
}

/** A reader that skips to the final events and scans large ones for FIELDS, noting what it delivers. */
function finalEventsReader(): Seen {
  const events: string[] = [];
  const large: [string, Extracted][] = [];
  const reader = new SseReader(
    (event) => events.push(event),
    () => FINAL,
    { fields: FIELDS, onEvent: (event, fields) => large.push([event, fields]) },
  );
  return { events, large, reader };
}

function read(bytes: Uint8Array, cuts: Iterable<number> = []): Seen {
  const { events, large, reader } = finalEventsReader();
  writeInPieces(reader, bytes, cuts);
  reader.end();
  return { events, large, reader };
}

const expectedFields = new Map<string, unknown[]>([
  ['response.usage', [{ input_tokens: 1200, output_tokens: 300, total_tokens: 1500 }]],
  ['response.model', ['gpt-5']],
  ['response.output.*.type', ['image_generation_call', 'message']],
]);

describe('SseReader: events longer than EVENT_LIMIT, read for their fields', function () {
  it('scans a 3 MiB final event for usage, model and output types instead of giving up', function () {
    const seen = read(responsesStream(3 * 1024 * 1024), [100, 5000, 70_000, 1_500_000]);
    assert.equal(seen.reader.overflowed, false);
    assert.deepEqual(seen.events, ['response.created'], 'the first event, before the listener said what it needs');
    assert.deepEqual(seen.large, [['response.completed', expectedFields]]);
  });

  it('delivers a final event under the limit whole, as before', function () {
    const seen = read(responsesStream(1000));
    assert.deepEqual(seen.events, ['response.created', 'response.completed']);
    assert.deepEqual(seen.large, []);
  });

  it('finds the same fields wherever the chunks are cut, and with spaced JSON (property)', function () {
    const size = EVENT_LIMIT + 10_000;
    const streams = [responsesStream(size), responsesStream(size, ' ')];
    fc.assert(
      fc.property(fc.constantFrom(0, 1), fc.array(fc.nat({ max: size + 2000 }), { maxLength: 12 }), (which, cuts) => {
        const seen = read(streams[which]!, cuts);
        assert.deepEqual(seen.large, [['response.completed', expectedFields]]);
        assert.equal(seen.reader.overflowed, false);
      }),
      { numRuns: 40 },
    );
  });

  it('holds far less than the event while reading it', async function () {
    const events: string[] = [];
    const large: string[] = [];
    const reader = new SseReader(
      (event) => events.push(event),
      () => FINAL,
      { fields: FIELDS, onEvent: (event) => large.push(event) },
    );
    reader.write(utf8('event: response.created\ndata: {}\n\nevent: response.completed\ndata: {"response":{"output":[{"result":"'));
    const chunk = utf8('B'.repeat(64 * 1024));
    const before = await liveBytes();
    for (let i = 0; i < 96; i++) reader.write(Buffer.from(chunk)); // 6 MiB
    const retained = (await liveBytes()) - before;
    assert.ok(retained < 2 * EVENT_LIMIT, `retained ${retained} bytes of a 6 MiB event`);
    reader.write(utf8('"}],"usage":{"input_tokens":1}}}\n\nevent: response.completed\ndata: {"again":1}\n\n'));
    reader.end();
    assert.deepEqual(large, ['response.completed']);
    assert.deepEqual(events, ['response.created', 'response.completed'], 'a later small event is delivered as usual');
  });

  it('counts a large event the stream ends in, without its blank line', function () {
    const bytes = responsesStream(EVENT_LIMIT + 5000);
    const cut = bytes.indexOf('\n\nevent: response.done.extra');
    const seen = read(bytes.subarray(0, cut), [4096, 600_000]);
    assert.deepEqual(seen.large, [['response.completed', expectedFields]]);
  });

  describe('on streams with CRLF or lone-CR line breaks', function () {
    for (const [name, lineBreak] of [
      ['CRLF', '\r\n'],
      ['lone CR', '\r'],
    ] as const) {
      it(`scans a 5 MiB final event for its fields (${name}), cut at every line break and every 64 KiB`, function () {
        const bytes = responsesStream(5 * 1024 * 1024, '', lineBreak);
        const cuts = [...lineBreakCuts(bytes), ...Array.from({ length: Math.ceil(bytes.length / 65_536) }, (_, i) => i * 65_536 + 7)];
        assert.ok(cuts.length > 90);
        const seen = read(bytes, cuts);
        assert.equal(seen.reader.overflowed, false);
        assert.deepEqual(seen.events, ['response.created'], 'the others have no pattern, or are the large one');
        assert.deepEqual(seen.large, [['response.completed', expectedFields]]);
        // The same as the stream with \n line breaks.
        assert.deepEqual(seen, { ...read(responsesStream(5 * 1024 * 1024)), reader: seen.reader });
      });
    }

    it('finds the same fields wherever the chunks are cut, a CRLF cut in two or not (property)', function () {
      const size = EVENT_LIMIT + 10_000;
      const streams = ['\r\n', '\r'].flatMap((lineBreak) => [responsesStream(size, '', lineBreak), responsesStream(size, ' ', lineBreak)]);
      const breaks = streams.map(lineBreakCuts);
      fc.assert(
        fc.property(
          fc.nat({ max: streams.length - 1 }),
          fc.array(fc.nat({ max: size + 2000 }), { maxLength: 12 }),
          fc.array(fc.nat(), { maxLength: 6 }),
          (which, cuts, atBreaks) => {
            const inBreaks = atBreaks.map((k) => breaks[which]![k % breaks[which]!.length]!);
            const seen = read(streams[which]!, [...cuts, ...inBreaks]);
            assert.deepEqual(seen.large, [['response.completed', expectedFields]]);
            assert.equal(seen.reader.overflowed, false);
          },
        ),
        { numRuns: 40 },
      );
    });

    it('holds far less than the event while reading it, with chunks cut between CR and LF', async function () {
      const { events, large, reader } = finalEventsReader();
      for (const part of [
        'event: response.created\r',
        '\ndata: {}\r',
        '\n\r',
        '\nevent: response.completed\r',
        '\ndata: {"response":{"output":[{"result":"',
      ]) {
        reader.write(utf8(part));
      }
      const chunk = utf8('B'.repeat(64 * 1024));
      const before = await liveBytes();
      for (let i = 0; i < 96; i++) reader.write(Buffer.from(chunk)); // 6 MiB
      const retained = (await liveBytes()) - before;
      assert.ok(retained < 2 * EVENT_LIMIT, `retained ${retained} bytes of a 6 MiB event`);
      reader.write(utf8('"}],"usage":{"input_tokens":1}}}\r'));
      reader.write(utf8('\n\r'));
      reader.write(utf8('\nevent: response.completed\r\ndata: {"again":1}\r\n\r\n'));
      reader.end();
      assert.deepEqual(large, [['response.completed', new Map([['response.usage', [{ input_tokens: 1 }]]])]]);
      assert.deepEqual(events, ['response.created', 'response.completed'], 'a later small event is delivered as usual');
    });

    it('reads a CRLF stream of small events longer than the limit to its final event', function () {
      // Every delta skipped unread, however many: none is taken for the start of one long event.
      const deltas = Array.from(
        { length: 20_000 },
        (_, i) => `event: response.output_text.delta\r\ndata: {"type":"response.output_text.delta","delta":"word ${i}"}\r\n\r\n`,
      ).join('');
      const bytes = utf8(
        'event: response.created\r\ndata: {}\r\n\r\n' +
          deltas +
          'event: response.completed\r\ndata: {"response":{"usage":{"input_tokens":7}}}\r\n\r\n',
      );
      assert.ok(bytes.length > 1.5 * EVENT_LIMIT);
      const events: [string, string][] = [];
      const large: string[] = [];
      const reader = new SseReader(
        (event, data) => events.push([event, data]),
        () => FINAL,
        { fields: FIELDS, onEvent: (event) => large.push(event) },
      );
      writeInPieces(
        reader,
        bytes,
        Array.from({ length: Math.ceil(bytes.length / 16_384) }, (_, i) => i * 16_384),
      );
      reader.end();
      assert.deepEqual(events, [
        ['response.created', '{}'],
        ['response.completed', '{"response":{"usage":{"input_tokens":7}}}'],
      ]);
      assert.deepEqual(large, []);
    });
  });

  it('without large-event fields, still gives the stream up at the limit', function () {
    const events: string[] = [];
    const reader = new SseReader(
      (event) => events.push(event),
      () => FINAL,
    );
    // In the pieces a network delivers (the parser bounds what it holds across writes).
    const bytes = responsesStream(2 * EVENT_LIMIT);
    writeInPieces(
      reader,
      bytes,
      Array.from({ length: Math.ceil(bytes.length / 65_536) }, (_, i) => i * 65_536),
    );
    reader.end();
    assert.equal(reader.overflowed, true);
    assert.deepEqual(events, ['response.created']);
  });
});
