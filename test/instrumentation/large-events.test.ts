// A Responses stream whose `response.completed` carries a generated image (megabytes of base64)
// next to its usage: priced from that event, read for its fields only, through fetch and the
// official client, while the application gets every byte unchanged; with `\n` line breaks, and
// with `\r\n` or lone `\r` ones (Python's sse-starlette, some proxies) sent in many pieces.
import { strict as assert } from 'node:assert';
import { setImmediate as turn } from 'node:timers/promises';
import OpenAI from 'openai';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { EVENT_LIMIT } from '../../src/capture/sse.js';
import { loadFixture } from '../support/fixtures.js';
import { harness, type Harness } from '../support/harness.js';
import { costOf, single } from '../support/spans.js';

describe('stream events longer than the event bound', function () {
  let h: Harness;
  const fixture = loadFixture('openai', 'responses-stream');
  // The recorded stream, its final event given an image result of 3 MiB in its output.
  const image = 'iVBORw0KGgo'.padEnd(3 * 1024 * 1024, 'A');
  const text = (fixture.response.body as string)
    .split('\n\n')
    .map((block) => {
      if (!block.startsWith('event: response.completed')) return block;
      const data = JSON.parse(block.slice(block.indexOf('data: ') + 6)) as { response: { output: unknown[] } };
      data.response.output.unshift({ id: 'ig_1', type: 'image_generation_call', status: 'completed', result: image });
      return `event: response.completed\ndata: ${JSON.stringify(data)}`;
    })
    .join('\n\n');
  const body = Buffer.from(text);
  // The recording's data lines are JSON on one line each: every \n in it ends a line.
  const withBreaks = (lineBreak: string) => Buffer.from(text.replaceAll('\n', lineBreak));

  /** Serves `bytes` as an event stream written in pieces: cut after every \r (so between \r and \n) and every 40,000 bytes. */
  function serveInPieces(bytes: Buffer): void {
    const cuts = new Set<number>();
    for (let i = bytes.indexOf(13); i !== -1; i = bytes.indexOf(13, i + 1)) cuts.add(i + 1);
    for (let i = 40_000; i < bytes.length; i += 40_000) cuts.add(i);
    const at = [0, ...[...cuts].sort((a, b) => a - b), bytes.length];
    h.server.handle(async (_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (let k = 1; k < at.length; k++) {
        res.write(bytes.subarray(at[k - 1], at[k]));
        await turn();
      }
      res.end();
    });
  }

  before(async function () {
    h = await harness();
  });
  beforeEach(function () {
    h.reset();
    h.server.serveBytes(200, { 'content-type': 'text/event-stream' }, body);
  });

  /** POSTs the request by fetch, checks the application read `sent` byte for byte, returns our span. */
  async function fetchedSpan(sent: Buffer): Promise<ReadableSpan> {
    const res = await fetch(`${h.baseUrl('openai')}/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(fixture.request.body),
    });
    assert.ok(Buffer.from(await res.arrayBuffer()).equals(sent));
    return single(await h.aiSpans());
  }

  /** Streams the response through the official client, checks it got the image, returns the cost. */
  async function clientStreamCost(): Promise<string | undefined> {
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: h.baseUrl('openai'), maxRetries: 0 });
    const stream = await client.responses.create({ ...(fixture.request.body as object), stream: true } as never);
    let completed: { response: { output: { type: string }[] } } | undefined;
    for await (const event of stream as unknown as AsyncIterable<{ type: string }>) {
      if (event.type === 'response.completed') completed = event as unknown as typeof completed;
    }
    assert.equal(completed?.response.output[0]?.type, 'image_generation_call', 'the client got the image');
    return costOf(single(await h.aiSpans()));
  }

  it('is priced from a 3 MiB response.completed, fetch reading every byte', async function () {
    assert.ok(body.length > 3 * EVENT_LIMIT);
    const span = await fetchedSpan(body);
    assert.equal(span.attributes['ai.pricing.unpriced_reason'], undefined);
    // 102 × 0.10/1M + 2048 × 0.025/1M + 11 × 0.40/1M, as the stream without the image
    assert.equal(costOf(span), '0.0000658');
    assert.equal(span.attributes['gen_ai.response.model'], 'gpt-4.1-nano-2025-04-14');
  });

  for (const [name, lineBreak] of [
    ['\\r\\n', '\r\n'],
    ['lone \\r', '\r'],
  ] as const) {
    it(`is priced from a 3 MiB response.completed on a stream with ${name} line breaks, sent in pieces`, async function () {
      const crlf = withBreaks(lineBreak);
      serveInPieces(crlf);
      const span = await fetchedSpan(crlf);
      assert.equal(span.attributes['ai.pricing.unpriced_reason'], undefined);
      assert.equal(costOf(span), '0.0000658', 'the same as with \\n line breaks');
      assert.equal(span.attributes['gen_ai.response.model'], 'gpt-4.1-nano-2025-04-14');
      assert.equal(span.attributes['gen_ai.usage.input_tokens'], 2150);
    });
  }

  it('is priced through the openai client streaming a CRLF response', async function () {
    serveInPieces(withBreaks('\r\n'));
    assert.equal(await clientStreamCost(), '0.0000658');
  });

  it('is priced through the openai client streaming the response', async function () {
    assert.equal(await clientStreamCost(), '0.0000658');
  });
});
