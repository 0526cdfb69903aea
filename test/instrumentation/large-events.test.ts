// A Responses stream whose `response.completed` carries a generated image (megabytes of base64)
// next to its usage: priced from that event, read for its fields only, through fetch and the
// official client, while the application gets every byte unchanged.
import { strict as assert } from 'node:assert';
import OpenAI from 'openai';
import { EVENT_LIMIT } from '../../src/capture/sse.js';
import { loadFixture } from '../support/fixtures.js';
import { harness, type Harness } from '../support/harness.js';
import { costOf, single } from '../support/spans.js';

describe('stream events longer than the event bound', function () {
  let h: Harness;
  const fixture = loadFixture('openai', 'responses-stream');
  // The recorded stream, its final event given an image result of 3 MiB in its output.
  const image = 'iVBORw0KGgo'.padEnd(3 * 1024 * 1024, 'A');
  const body = Buffer.from(
    (fixture.response.body as string)
      .split('\n\n')
      .map((block) => {
        if (!block.startsWith('event: response.completed')) return block;
        const data = JSON.parse(block.slice(block.indexOf('data: ') + 6)) as { response: { output: unknown[] } };
        data.response.output.unshift({ id: 'ig_1', type: 'image_generation_call', status: 'completed', result: image });
        return `event: response.completed\ndata: ${JSON.stringify(data)}`;
      })
      .join('\n\n'),
  );

  before(async function () {
    h = await harness();
  });
  beforeEach(function () {
    h.reset();
    h.server.serveBytes(200, { 'content-type': 'text/event-stream' }, body);
  });

  it('is priced from a 3 MiB response.completed, fetch reading every byte', async function () {
    assert.ok(body.length > 3 * EVENT_LIMIT);
    const res = await fetch(`${h.baseUrl('openai')}/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(fixture.request.body),
    });
    assert.ok(Buffer.from(await res.arrayBuffer()).equals(body));
    const span = single(await h.aiSpans());
    assert.equal(span.attributes['ai.pricing.unpriced_reason'], undefined);
    // 102 × 0.10/1M + 2048 × 0.025/1M + 11 × 0.40/1M, as the stream without the image
    assert.equal(costOf(span), '0.0000658');
    assert.equal(span.attributes['gen_ai.response.model'], 'gpt-4.1-nano-2025-04-14');
  });

  it('is priced through the openai client streaming the response', async function () {
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: h.baseUrl('openai'), maxRetries: 0 });
    const stream = await client.responses.create({ ...(fixture.request.body as object), stream: true } as never);
    let completed: { response: { output: { type: string }[] } } | undefined;
    for await (const event of stream as unknown as AsyncIterable<{ type: string }>) {
      if (event.type === 'response.completed') completed = event as unknown as typeof completed;
    }
    assert.equal(completed?.response.output[0]?.type, 'image_generation_call', 'the client got the image');
    assert.equal(costOf(single(await h.aiSpans())), '0.0000658');
  });
});
