import { strict as assert } from 'node:assert';
import OpenAI from 'openai';
import { loadFixture } from '../support/fixtures.js';
import { harness, type Harness } from '../support/harness.js';

describe('the official openai client, instrumented', function () {
  let h: Harness;
  let client: OpenAI;

  before(async function () {
    h = await harness();
    client = new OpenAI({ apiKey: 'sk-test-marker-key', baseURL: h.baseUrl('openai'), maxRetries: 0 });
  });
  beforeEach(function () {
    h.reset();
  });

  it('prices a chat completion on its span, with cached tokens billed once', async function () {
    const fixture = loadFixture('openai', 'chat-cached');
    h.server.serve(fixture);
    const completion = await client.chat.completions.create(fixture.request.body as OpenAI.ChatCompletionCreateParamsNonStreaming);
    assert.deepEqual(completion, fixture.response.body, 'the application gets the same body');
    const [span] = await h.aiSpans();
    assert.ok(span);
    console.log(span.name, span.attributes);
  });
});
