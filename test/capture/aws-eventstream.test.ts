import { strict as assert } from 'node:assert';
import zlib from 'node:zlib';
import { EventStreamCodec } from '@smithy/core/event-streams';
import { fromUtf8, toUtf8 } from '@smithy/core/serde';
import { crc32ForTests, EventStreamDecoder, type EventStreamMessage } from '../../src/capture/aws-eventstream.js';
import { EVENT_STREAM_BROKEN, eventStreamEvent, responseBodyReader, responseKind } from '../../src/capture/body-readers.js';
import { encodeMessages, type FixtureMessage } from '../support/aws-eventstream.js';

const codec = new EventStreamCodec(toUtf8, fromUtf8);

const MESSAGES: FixtureMessage[] = [
  {
    headers: { ':event-type': 'messageStart', ':content-type': 'application/json', ':message-type': 'event' },
    payload: { role: 'assistant' },
  },
  {
    headers: { ':event-type': 'contentBlockDelta', ':content-type': 'application/json', ':message-type': 'event' },
    payload: { delta: { text: 'héllo ✓' } },
  },
  {
    headers: { ':event-type': 'metadata', ':content-type': 'application/json', ':message-type': 'event' },
    payload: { usage: { inputTokens: 5, outputTokens: 7 } },
  },
];

function decodeAll(bytes: Uint8Array, cut: number[] = [], max?: number): { messages: EventStreamMessage[]; decoder: EventStreamDecoder } {
  const messages: EventStreamMessage[] = [];
  // Payloads are views valid during the call only: kept as copies.
  const decoder = new EventStreamDecoder((m) => messages.push({ headers: m.headers, payload: m.payload.slice() }), max);
  let at = 0;
  for (const c of [...cut, bytes.length]) {
    decoder.write(bytes.subarray(at, c));
    at = c;
  }
  return { messages, decoder };
}

const named = (ms: EventStreamMessage[]) => ms.map((m) => [eventStreamEvent(m), Buffer.from(m.payload).toString('utf8')]);
const expected = MESSAGES.map((m) => [m.headers[':event-type'], JSON.stringify(m.payload)]);

describe('AWS event-stream decoder', function () {
  it('decodes the frames of the SDK codec, every header type skipped but strings', function () {
    const rich = codec.encode({
      headers: {
        ':message-type': { type: 'string', value: 'event' },
        flag: { type: 'boolean', value: true },
        off: { type: 'boolean', value: false },
        b: { type: 'byte', value: 7 },
        s: { type: 'short', value: 300 },
        i: { type: 'integer', value: 70000 },
        bin: { type: 'binary', value: new Uint8Array([1, 2, 3]) },
        t: { type: 'timestamp', value: new Date(0) },
        u: { type: 'uuid', value: '01234567-89ab-cdef-0123-456789abcdef' },
        ':event-type': { type: 'string', value: 'chunk' },
      },
      body: fromUtf8('{"bytes":"e30="}'),
    });
    const { messages, decoder } = decodeAll(rich);
    assert.equal(decoder.broken, false);
    assert.deepEqual(named(messages), [['chunk', '{"bytes":"e30="}']]);
  });

  it('frames cut at every byte decode the same', function () {
    const bytes = encodeMessages(MESSAGES);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const { messages, decoder } = decodeAll(bytes, [cut]);
      assert.deepEqual(named(messages), expected, `cut at ${cut}`);
      assert.equal(decoder.broken, false);
      assert.equal(decoder.atBoundary, true);
    }
    // And one byte at a time.
    const { messages } = decodeAll(
      bytes,
      Array.from({ length: bytes.length }, (_, i) => i),
    );
    assert.deepEqual(named(messages), expected);
  });

  it('a bad message CRC stops reading at that frame, for good', function () {
    const bytes = encodeMessages(MESSAGES);
    const first = bytes.readUInt32BE(0);
    const second = first + bytes.readUInt32BE(first);
    const bad = Buffer.from(bytes);
    bad[second - 6] = bad[second - 6]! ^ 0x01; // a payload byte of the second message
    const { messages, decoder } = decodeAll(bad);
    assert.deepEqual(named(messages), expected.slice(0, 1));
    assert.equal(decoder.broken, true);
  });

  it('a bad prelude CRC or impossible lengths stop reading before buffering', function () {
    const bytes = encodeMessages(MESSAGES);
    const badPrelude = Buffer.from(bytes);
    badPrelude[9] = badPrelude[9]! ^ 0xff;
    assert.equal(decodeAll(badPrelude).decoder.broken, true);
    assert.deepEqual(decodeAll(badPrelude).messages, []);
    const tooShort = Buffer.from(bytes);
    tooShort.writeUInt32BE(8, 0);
    tooShort.writeUInt32BE(zlib.crc32(tooShort.subarray(0, 8)) >>> 0, 8);
    assert.equal(decodeAll(tooShort).decoder.broken, true);
  });

  it('a frame larger than the bound stops reading (memory stays bounded)', function () {
    const big: FixtureMessage = { headers: { ':message-type': 'event', ':event-type': 'chunk' }, payload: 'x'.repeat(5000) };
    const bytes = encodeMessages([big]);
    const over = decodeAll(bytes, [], 4096);
    assert.equal(over.decoder.broken, true);
    assert.deepEqual(over.messages, []);
    const under = decodeAll(bytes, [], 8192);
    assert.equal(under.decoder.broken, false);
    assert.equal(under.messages.length, 1);
  });

  it('a listener that throws marks the stream broken, never the caller', function () {
    const decoder = new EventStreamDecoder(() => {
      throw new Error('listener');
    });
    decoder.write(encodeMessages(MESSAGES));
    assert.equal(decoder.broken, true);
  });

  it('the table CRC32 fallback agrees with zlib', function () {
    for (const data of [new Uint8Array(0), fromUtf8('123456789'), encodeMessages(MESSAGES)]) {
      assert.equal(crc32ForTests.table(data), zlib.crc32(data) >>> 0);
    }
    assert.equal(crc32ForTests.table(fromUtf8('123456789')), 0xcbf43926);
  });

  it('exceptions and errors get names of their own', function () {
    const ex = {
      headers: new Map([
        [':message-type', 'exception'],
        [':exception-type', 'modelStreamErrorException'],
      ]),
      payload: new Uint8Array(),
    };
    assert.equal(eventStreamEvent(ex), 'exception:modelStreamErrorException');
    const err = {
      headers: new Map([
        [':message-type', 'error'],
        [':error-code', 'InternalFailure'],
      ]),
      payload: new Uint8Array(),
    };
    assert.equal(eventStreamEvent(err), 'error:InternalFailure');
    assert.equal(eventStreamEvent({ headers: new Map(), payload: new Uint8Array() }), undefined);
  });
});

describe('event-stream response reader', function () {
  function read(bytes: Uint8Array, chunk: number) {
    const events: [string, string][] = [];
    let done = 0;
    const reader = responseBodyReader(
      responseKind('application/vnd.amazon.eventstream'),
      undefined,
      [],
      {
        onEvent: (e, d) => events.push([e, d]),
        onDone: () => done++,
      },
      true,
    );
    for (let i = 0; i < bytes.length; i += chunk) reader.write(bytes.subarray(i, i + chunk));
    reader.end();
    return { events, done, ok: reader.ok };
  }

  it('is its own response kind, delivering each event to the listener', function () {
    assert.equal(responseKind('application/vnd.amazon.eventstream'), 'eventstream');
    const { events, done, ok } = read(encodeMessages(MESSAGES), 3);
    assert.deepEqual(events, expected);
    assert.equal(done, 1);
    assert.equal(ok, true);
  });

  it('with skipping allowed, events whose names hold none of the patterns are not delivered', function () {
    const events: string[] = [];
    let asked = 0;
    const listener = {
      onEvent: (e: string) => events.push(e),
      skipPatterns: () => {
        asked++;
        return ['metadata'];
      },
      onDone: () => undefined,
    };
    const reader = responseBodyReader('eventstream', undefined, [], listener, true, true);
    reader.write(encodeMessages([...MESSAGES.slice(0, 2), ...MESSAGES]));
    reader.end();
    // The first is delivered before any pattern is known; then only metadata.
    assert.deepEqual(events, ['messageStart', 'metadata']);
    assert.equal(asked, 2);
    // Without skipping allowed, every event is delivered.
    const all: string[] = [];
    const plain = responseBodyReader('eventstream', undefined, [], { ...listener, onEvent: (e: string) => all.push(e) }, true, false);
    plain.write(encodeMessages(MESSAGES));
    assert.deepEqual(all, ['messageStart', 'contentBlockDelta', 'metadata']);
  });

  it('a body that ends inside a message is not ok', function () {
    const bytes = encodeMessages(MESSAGES);
    const { events, ok } = read(bytes.subarray(0, bytes.length - 3), 5);
    assert.deepEqual(events, expected.slice(0, 2));
    assert.equal(ok, false);
  });

  it('a broken frame is told once and the reader is not ok', function () {
    const bad = Buffer.from(encodeMessages(MESSAGES));
    bad[bad.length - 1] = bad[bad.length - 1]! ^ 0x01;
    const { events, ok } = read(bad, 7);
    assert.deepEqual(events, [...expected.slice(0, 2), [EVENT_STREAM_BROKEN, '']]);
    assert.equal(ok, false);
  });
});
