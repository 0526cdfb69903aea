import { strict as assert } from 'node:assert';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { resolveConfig } from '../../src/config/resolve.js';
import { replayServerPerSuite, runApp } from '../support/child-process.js';
import { loadFixture, type Fixture } from '../support/fixtures.js';
import { bodyBytes } from '../support/replay-server.js';

const COST_ATTRIBUTES = ['gen_ai.usage.cost.amount', 'gen_ai.usage.cost.currency', 'gen_ai.usage.cost.source'];

describe('span attributes', function () {
  describe('OTEL_SEMCONV_STABILITY_OPT_IN', function () {
    it('opts in to the latest experimental GenAI attributes when its list names gen_ai_latest_experimental', function () {
      const optedIn = (value: string | undefined) => resolveConfig({}, { OTEL_SEMCONV_STABILITY_OPT_IN: value }).genAiLatestExperimental;
      assert.equal(optedIn(undefined), false);
      assert.equal(optedIn(''), false);
      assert.equal(optedIn('http'), false);
      assert.equal(optedIn('gen_ai_latest_experimental'), true);
      assert.equal(optedIn(' http/dup , gen_ai_latest_experimental '), true);
      assert.equal(optedIn('gen_ai_latest_experimental_v2'), false);
    });
  });

  describe('from real adapters, in a process of their own', function () {
    this.timeout(60_000);
    const replay = replayServerPerSuite();
    const openai = loadFixture('openai', 'chat-cached');
    const perplexity = loadFixture('perplexity', 'chat-default-context');
    const gemini = loadFixture('gemini', 'generate-content');
    const calls = [
      { provider: 'openai', base: '/openai/v1', path: '/chat/completions', fixture: openai },
      { provider: 'perplexity', base: '/perplexity', path: '/chat/completions', fixture: perplexity },
      { provider: 'gcp.gemini', base: '/gemini', path: gemini.request.path, fixture: gemini },
    ];

    async function spans(env: Record<string, string>): Promise<Record<string, unknown>[]> {
      const server = replay();
      const byPath = new Map<string, Fixture>(calls.map((c) => [`${c.base}${c.path}`, c.fixture]));
      server.handle((req: IncomingMessage, _body: Buffer, res: ServerResponse) => {
        const fixture = byPath.get(req.url ?? '');
        if (fixture === undefined) return void res.writeHead(404).end();
        res.writeHead(fixture.response.status, fixture.response.headers).end(bodyBytes(fixture));
      });
      const stdout = await runApp('span-attributes-app.ts', {
        PROVIDER_ORIGIN: server.origin,
        CALLS: JSON.stringify(calls.map(({ provider, base, path, fixture }) => ({ provider, base, path, body: fixture.request.body }))),
        ...env,
      });
      const out = JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, unknown>[];
      assert.equal(out.length, calls.length);
      return out;
    }

    it('name providers and operations by the GenAI conventions, count reasoning tokens, carry no gen_ai.usage.cost.*', async function () {
      const [chat, sonar, generate] = await spans({ OTEL_SEMCONV_STABILITY_OPT_IN: '' });
      assert.deepEqual(
        [chat, sonar, generate].map((a) => [a!['gen_ai.provider.name'], a!['gen_ai.operation.name']]),
        [
          ['openai', 'chat'],
          ['perplexity', 'chat'],
          ['gcp.gemini', 'generate_content'],
        ],
      );
      assert.equal(chat!['gen_ai.usage.reasoning.output_tokens'], 0);
      assert.equal(generate!['gen_ai.usage.reasoning.output_tokens'], 951);
      assert.equal(sonar!['gen_ai.usage.reasoning.output_tokens'], undefined, 'Perplexity reports none');
      for (const a of [chat!, sonar!, generate!]) {
        assert.notEqual(a['ai.cost.amount'], undefined);
        for (const name of COST_ATTRIBUTES) assert.equal(a[name], undefined, name);
      }
    });

    it('carry gen_ai.usage.cost.* next to ai.cost.*, the same amount, when opted in', async function () {
      const [chat, sonar, generate] = await spans({ OTEL_SEMCONV_STABILITY_OPT_IN: 'http,gen_ai_latest_experimental' });
      for (const a of [chat!, sonar!, generate!]) {
        assert.equal(typeof a['gen_ai.usage.cost.amount'], 'number');
        assert.equal(a['gen_ai.usage.cost.amount'], a['ai.cost.amount']);
        assert.equal(a['gen_ai.usage.cost.currency'], a['ai.cost.currency']);
      }
      // The exact decimal prices, as the double nearest them.
      assert.deepEqual(
        [chat, sonar, generate].map((a) => [
          a!['gen_ai.usage.cost.amount'],
          a!['gen_ai.usage.cost.currency'],
          a!['gen_ai.usage.cost.source'],
        ]),
        [
          [0.0003369, 'USD', 'local'],
          [0.010536, 'USD', 'provider'],
          [0.0025011, 'USD', 'local'],
        ],
      );
      assert.deepEqual(
        [chat, sonar, generate].map((a) => a!['ai.cost.source']),
        ['catalog', 'provider', 'catalog'],
      );
    });
  });
});
