import { strict as assert } from 'node:assert';
import OpenAI from 'openai';
import { parseEndpoints } from '../../src/config/env.js';
import { BUILT_IN_ADAPTERS } from '../../src/providers/index.js';
import { ProviderRegistry } from '../../src/providers/registry.js';
import { PROVIDER_NAMES, PROVIDERS } from '../../examples/emulator/providers/index.js';
import { Random } from '../../examples/emulator/random.js';
import { endpointsFor, startEmulator, type Emulator, type EmulatorOptions } from '../../examples/emulator/server.js';
import { sseData } from './support.js';

async function withEmulator<T>(options: EmulatorOptions, run: (emulator: Emulator) => Promise<T>): Promise<T> {
  const emulator = await startEmulator(options);
  try {
    return await run(emulator);
  } finally {
    await emulator.close();
  }
}

function post(emulator: Emulator, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${emulator.origin}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

/** What a response says, without the fields that are wall-clock time. */
function content(body: Record<string, unknown>): unknown {
  const { created: _created, ...rest } = body;
  return rest;
}

const CHAT = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Tell me about tides.' }] };

describe('the emulator’s randomness, faults and request log', function () {
  it('answers the same requests identically under the same seed, differently under another', async function () {
    const run = (seed: number) =>
      withEmulator({ seed }, async (emulator) => {
        const answers: unknown[] = [];
        for (let i = 0; i < 3; i++)
          answers.push(content((await (await post(emulator, '/openai/v1/chat/completions', CHAT)).json()) as Record<string, unknown>));
        const stream = await (
          await post(emulator, '/anthropic/v1/messages', {
            model: 'claude-haiku-4-5',
            max_tokens: 500,
            stream: true,
            messages: [{ role: 'user', content: 'hi' }],
          })
        ).text();
        answers.push(sseData(stream));
        answers.push(await (await post(emulator, '/tavily/search', { query: 'tides', search_depth: 'advanced' })).json());
        return answers;
      });
    const [a, b, c] = [await run(11), await run(11), await run(12)];
    assert.deepEqual(a, b);
    assert.notDeepEqual(a[0], c[0]);
    // Repeating a request is not replaying it: the n-th identical request gets the n-th answer.
    assert.notDeepEqual(a[0], a[1]);
  });

  it('answers independently of how concurrent requests interleave', async function () {
    const prompts = ['alpha', 'beta', 'gamma', 'delta'].map((w) => ({ ...CHAT, messages: [{ role: 'user', content: w }] }));
    const inOrder = await withEmulator({ seed: 5 }, async (e) => {
      const out: unknown[] = [];
      for (const p of prompts)
        out.push(content((await (await post(e, '/openai/v1/chat/completions', p)).json()) as Record<string, unknown>));
      return out;
    });
    const concurrent = await withEmulator({ seed: 5, latencyMs: 5 }, (e) =>
      Promise.all(
        [...prompts]
          .reverse()
          .map(async (p) => content((await (await post(e, '/openai/v1/chat/completions', p)).json()) as Record<string, unknown>)),
      ),
    );
    assert.deepEqual(concurrent.reverse(), inOrder);
  });

  it('splits the error rate across 429, 500 and dropped connections, each in the provider’s format', async function () {
    await withEmulator({ seed: 9, errorRate: 1 }, async (emulator) => {
      const outcomes = new Map<string, number>();
      for (let i = 0; i < 60; i++) {
        let outcome: string;
        try {
          const response = await post(emulator, '/anthropic/v1/messages', {
            model: 'claude-haiku-4-5',
            max_tokens: 20,
            messages: [{ role: 'user', content: `question ${i}` }],
          });
          const body = (await response.json()) as { type: string; error: { type: string } };
          assert.equal(body.type, 'error');
          outcome = `${response.status} ${body.error.type}`;
          if (response.status === 429) assert.equal(response.headers.get('retry-after'), '1');
        } catch {
          outcome = 'dropped';
        }
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      }
      assert.deepEqual([...outcomes.keys()].sort(), ['429 rate_limit_error', '500 api_error', 'dropped']);
      // Weights 0.5, 0.25, 0.25: with 60 draws each share is well inside these bounds.
      assert.ok(outcomes.get('429 rate_limit_error')! >= 18 && outcomes.get('429 rate_limit_error')! <= 42, JSON.stringify([...outcomes]));
      const stats = emulator.stats();
      assert.equal(stats.total, 60);
      assert.deepEqual(
        stats.byFault,
        Object.fromEntries(
          [...outcomes]
            .map(([k, n]) => [k === 'dropped' ? 'drop' : k.slice(0, 3), n])
            .sort(([a], [b]) => String(a).localeCompare(String(b))),
        ),
      );
      assert.equal(stats.byStatus['0'], outcomes.get('dropped'));
    });
  });

  it('fails about the configured share of requests, and none at rate 0', async function () {
    const failures = (errorRate: number) =>
      withEmulator({ seed: 4, errorRate, faultMix: { '429': 1 } }, async (emulator) => {
        let failed = 0;
        for (let i = 0; i < 200; i++) if ((await post(emulator, '/tavily/search', { query: `q${i}` })).status === 429) failed++;
        return failed;
      });
    assert.equal(await failures(0), 0);
    const share = (await failures(0.2)) / 200;
    assert.ok(share > 0.1 && share < 0.3, `share ${share}`);
  });

  it('cuts a JSON body halfway on drop-mid-stream', async function () {
    await withEmulator({ seed: 1 }, async (emulator) => {
      const response = await post(emulator, '/openai/v1/chat/completions', CHAT, { 'x-emulator-fault': 'drop-mid-stream' });
      assert.equal(response.status, 200);
      await assert.rejects(response.text());
      assert.equal(emulator.requests.at(-1)?.fault, 'drop-mid-stream');
    });
  });

  it('refuses an unknown x-emulator-fault value', async function () {
    await withEmulator({}, async (emulator) => {
      const response = await post(emulator, '/openai/v1/chat/completions', CHAT, { 'x-emulator-fault': 'teapot' });
      assert.equal(response.status, 400);
      assert.match(
        ((await response.json()) as { error: { message: string } }).error.message,
        /429, 500, overloaded, drop, drop-mid-stream/,
      );
    });
  });

  it('never logs prompt text, API keys or headers, in memory or at /_emulator/requests', async function () {
    await withEmulator({ seed: 2 }, async (emulator) => {
      const secret = 'sk-never-log-this-key';
      const marker = 'Zanzibarquux';
      const openai = new OpenAI({ apiKey: secret, baseURL: emulator.baseUrls.openai, maxRetries: 0 });
      await openai.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: `${marker} is my secret prompt` }],
      });
      await post(
        emulator,
        `/google/v1beta/models/gemini-2.5-flash:generateContent?key=${secret}`,
        { contents: [{ parts: [{ text: marker }] }] },
        { 'x-goog-api-key': secret },
      );
      await post(emulator, '/tavily/search', { api_key: secret, query: marker });
      await post(
        emulator,
        '/openai/v1/chat/completions',
        { ...CHAT, messages: [{ role: 'user', content: marker }] },
        { authorization: `Bearer ${secret}`, 'x-emulator-fault': '429' },
      );
      const served = await (await fetch(`${emulator.origin}/_emulator/requests`)).text();
      for (const text of [JSON.stringify(emulator.requests), served]) {
        assert.ok(!text.includes(secret), 'no key');
        assert.ok(!text.toLowerCase().includes(marker.toLowerCase()), 'no prompt');
        assert.ok(!text.includes('authorization') && !text.includes('Bearer'), 'no headers');
      }
      assert.equal(JSON.parse(served).length, 4);
      const gemini = emulator.requests.find((r) => r.provider === 'gcp.gemini');
      assert.equal(gemini?.path, '/google/v1beta/models/gemini-2.5-flash:generateContent');
    });
  });

  it('serves /healthz, /_emulator/stats and /_emulator/endpoints, and clears its log', async function () {
    await withEmulator({ seed: 2 }, async (emulator) => {
      assert.equal((await fetch(`${emulator.origin}/healthz`)).status, 200);
      await post(emulator, '/tavily/search', { query: 'q' });
      await post(emulator, '/tavily/search', { query: 'q' }, { 'x-emulator-fault': '500' });
      const stats = (await (await fetch(`${emulator.origin}/_emulator/stats`)).json()) as Record<string, unknown>;
      assert.deepEqual(stats, {
        total: 2,
        inFlight: 0,
        byProvider: { tavily: 2 },
        byOperation: { 'tavily search': 2 },
        byStatus: { '200': 1, '500': 1 },
        byFault: { '500': 1 },
      });
      const described = (await (await fetch(`${emulator.origin}/_emulator/endpoints`)).json()) as { pricetagEndpoints: string };
      assert.equal(described.pricetagEndpoints, emulator.pricetagEndpoints);
      assert.equal((await fetch(`${emulator.origin}/_emulator/requests`, { method: 'DELETE' })).status, 204);
      assert.equal(emulator.requests.length, 0);
      assert.equal(emulator.stats().total, 0);
    });
  });

  it('keeps at most maxLogEntries requests, oldest dropped first', async function () {
    await withEmulator({ maxLogEntries: 3 }, async (emulator) => {
      for (let i = 0; i < 5; i++) await post(emulator, '/tavily/search', { query: `q${i}` });
      assert.deepEqual(
        emulator.requests.map((r) => r.seq),
        [3, 4, 5],
      );
      assert.equal(emulator.stats().total, 5);
    });
  });

  it('answers with the same content whatever the latency and chunk delay', async function () {
    const body = { model: 'claude-haiku-4-5', max_tokens: 400, stream: true, messages: [{ role: 'user', content: 'hi' }] };
    const fast = await withEmulator({ seed: 8 }, async (e) => sseData(await (await post(e, '/anthropic/v1/messages', body)).text()));
    const slow = await withEmulator({ seed: 8, latencyMs: 20, chunkDelayMs: 2 }, async (e) =>
      sseData(await (await post(e, '/anthropic/v1/messages', body)).text()),
    );
    assert.deepEqual(slow, fast);
  });

  it('closes promptly with a response still waiting out its latency', async function () {
    const emulator = await startEmulator({ latencyMs: 60_000, jitter: 0 });
    const pending = post(emulator, '/tavily/search', { query: 'q' }).then(
      () => 'answered',
      () => 'failed',
    );
    while (emulator.stats().inFlight === 0 && emulator.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
    await emulator.close();
    assert.equal(await pending, 'failed');
  });
});

describe('the emulator’s endpoints for ai-pricetag', function () {
  it('names one endpoint per emulated provider, each a built-in adapter', function () {
    assert.deepEqual(
      PROVIDERS.map((p) => p.provider),
      [...PROVIDER_NAMES],
    );
    const adapters = new Set(BUILT_IN_ADAPTERS.map((a) => a.provider));
    for (const name of PROVIDER_NAMES) assert.ok(adapters.has(name), name);
  });

  it('writes PRICETAG_ENDPOINTS that parses back to the same endpoints', async function () {
    await withEmulator({}, async (emulator) => {
      assert.deepEqual(parseEndpoints(emulator.pricetagEndpoints), emulator.endpoints);
      assert.equal(emulator.baseUrls.openai, `${emulator.origin}/openai/v1`);
      assert.equal(emulator.baseUrls.anthropic, `${emulator.origin}/anthropic`);
      assert.equal(emulator.baseUrls['gcp.gemini'], `${emulator.origin}/google`);
    });
  });

  it('mounts every route where ai-pricetag’s registry recognises it', function () {
    const origin = 'http://emulator:8080';
    const registry = new ProviderRegistry(BUILT_IN_ADAPTERS, endpointsFor(origin));
    const header = (target?: string) => (name: string) => (name === 'x-amz-target' ? target : undefined);
    const routes: [string, string, string?][] = [
      ['openai', '/openai/v1/chat/completions'],
      ['openai', '/openai/v1/responses'],
      ['openai', '/openai/v1/embeddings'],
      ['openai', '/openai/v1/images/generations'],
      ['anthropic', '/anthropic/v1/messages'],
      ['gcp.gemini', '/google/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse'],
      ['gcp.gemini', '/google/v1beta/models/gemini-embedding-001:embedContent'],
      ['mistral_ai', '/mistral/v1/chat/completions'],
      ['perplexity', '/perplexity/chat/completions'],
      ['gcp.vision', '/google-cloud-vision/v1/images:annotate'],
      ['gcp.translate', '/google-cloud-translate/language/translate/v2'],
      ['deepl', '/deepl/v2/translate'],
      ['aws.comprehend', '/aws-comprehend', 'Comprehend_20171127.DetectSentiment'],
      ['aws.comprehend', '/aws-comprehend/', 'Comprehend_20171127.BatchDetectSentiment'],
      ['aws.translate', '/aws-translate', 'AWSShineFrontendService_20170701.TranslateText'],
      ['aws.rekognition', '/aws-rekognition', 'RekognitionService.DetectLabels'],
      ['tavily', '/tavily/search'],
      ['exa', '/exa/search'],
    ];
    for (const [provider, path, target] of routes) {
      assert.equal(registry.recognize('POST', 'emulator:8080', path, header(target))?.adapter.provider, provider, path);
    }
  });

  it('draws lognormal lengths around their median', function () {
    const rng = new Random(1);
    const draws = Array.from({ length: 2001 }, () => rng.lognormal(180, 0.8)).sort((a, b) => a - b);
    assert.ok(draws[1000]! > 160 && draws[1000]! < 200, `median ${draws[1000]}`);
    assert.ok(draws.every((x) => x > 0));
  });
});
