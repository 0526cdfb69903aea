// Fetch capture follows the dispatcher that carries the request, not Node's own undici: an npm
// undici 6, 7 or 8 Agent, ProxyAgent or EnvHttpProxyAgent as the global dispatcher (the usual
// corporate-proxy setup, through a real CONNECT proxy on loopback), and npm undici's own
// request(), stream() and fetch(). Each call priced once, exactly, with the bytes unchanged.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type * as Undici7 from 'undici7';
import { loadFixture } from '../support/fixtures.js';
import { harness, type Harness } from '../support/harness.js';
import { costOf, single } from '../support/spans.js';

/** Where fetch (and undici 6, 7) find the global dispatcher, and where undici 8 keeps its own. */
const GLOBAL_DISPATCHERS = [Symbol.for('undici.globalDispatcher.1'), Symbol.for('undici.globalDispatcher.2')] as const;
type Undici = typeof Undici7;
const MAJORS = ['6', '7', '8'] as const;

const globals = globalThis as unknown as Record<symbol, unknown>;
/** The process's global dispatchers as they were: importing undici 8 sets its own (wrapped for fetch). */
let saved: unknown[] = [];
function restoreDispatchers(): void {
  GLOBAL_DISPATCHERS.forEach((key, i) => (globals[key] = saved[i]));
}

/** test/support/forward-proxy.mjs in a process of its own; counts the requests that went through it. */
async function connectProxy(): Promise<{ url: string; tunnels: () => number; close: () => Promise<void> }> {
  const child = spawn(process.execPath, [fileURLToPath(new URL('../support/forward-proxy.mjs', import.meta.url))], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (c: string) => (out += c));
  while (!/listening \d+/.test(out)) await new Promise((r) => setTimeout(r, 10));
  const port = /listening (\d+)/.exec(out)![1];
  return {
    url: `http://127.0.0.1:${port}`,
    tunnels: () => out.split('\n').filter((l) => l.startsWith('via ')).length,
    close: async () => {
      child.kill();
      await once(child, 'exit');
    },
  };
}

describe('fetch and undici through the dispatcher in use (npm undici 6, 7, 8)', function () {
  let h: Harness;
  let proxy: Awaited<ReturnType<typeof connectProxy>>;
  const majors = new Map<string, Undici>();
  const fixture = loadFixture('openai', 'chat-cached');
  const stream = loadFixture('openai', 'chat-stream-usage');

  before(async function () {
    // Imported here, not at the top: the file is loaded with every other test file, whose fetch
    // must keep Node's own global dispatcher. Node's undici sets it up on its first fetch (a
    // data: URL needs no network), before it is saved.
    await (await fetch('data:,ready')).text();
    saved = GLOBAL_DISPATCHERS.map((key) => globals[key]);
    majors.set('6', (await import('undici6')) as unknown as Undici);
    majors.set('7', (await import('undici7')) as unknown as Undici);
    majors.set('8', (await import('undici8')) as unknown as Undici);
    restoreDispatchers();
    h = await harness();
    proxy = await connectProxy();
  });
  after(async function () {
    restoreDispatchers();
    await proxy.close();
  });
  beforeEach(function () {
    h.reset();
  });
  afterEach(function () {
    restoreDispatchers();
  });

  const url = () => `${h.baseUrl('openai')}/chat/completions`;
  const post = (body: unknown) => ({
    method: 'POST' as const,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

  async function assertPricedOnce(expected: string): Promise<void> {
    const span = single(await h.aiSpans());
    assert.equal(costOf(span), expected);
    assert.equal(span.attributes['ai.pricing.unpriced_reason'], undefined);
  }

  for (const major of MAJORS) {
    describe(`undici ${major}`, function () {
      let undici: Undici;
      before(function () {
        undici = majors.get(major)!;
      });

      it("Node's fetch with an npm Agent as the global dispatcher", async function () {
        const sent = h.server.serve(fixture);
        undici.setGlobalDispatcher(new undici.Agent());
        const res = await fetch(url(), post(fixture.request.body));
        assert.ok(Buffer.from(await res.arrayBuffer()).equals(sent), 'the same bytes');
        await assertPricedOnce('0.0003369');
      });

      it("Node's fetch through a ProxyAgent set as the global dispatcher, streamed", async function () {
        const sent = h.server.serve(stream, { chunkSize: 7 });
        const before = proxy.tunnels();
        undici.setGlobalDispatcher(new undici.ProxyAgent(proxy.url));
        const res = await fetch(url(), post(stream.request.body));
        assert.ok(Buffer.from(await res.arrayBuffer()).equals(sent));
        // stdout of the proxy may trail the response by a moment.
        while (proxy.tunnels() === before) await new Promise((r) => setTimeout(r, 5));
        assert.equal(proxy.tunnels(), before + 1, 'the call went through the proxy');
        await assertPricedOnce('0.00000885');
      });

      it('EnvHttpProxyAgent (HTTP_PROXY, as the environment sets it) as the global dispatcher', async function () {
        h.server.serve(fixture);
        const before = proxy.tunnels();
        undici.setGlobalDispatcher(new undici.EnvHttpProxyAgent({ httpProxy: proxy.url, noProxy: '' }));
        const res = await fetch(url(), post(fixture.request.body));
        await res.arrayBuffer();
        while (proxy.tunnels() === before) await new Promise((r) => setTimeout(r, 5));
        assert.equal(proxy.tunnels(), before + 1);
        await assertPricedOnce('0.0003369');
      });

      it("npm undici's own fetch, request and stream", async function () {
        // As the application that imports only this undici has it: its own Agent, global.
        undici.setGlobalDispatcher(new undici.Agent());
        const sent = h.server.serve(fixture);
        const viaFetch = await undici.fetch(url(), post(fixture.request.body));
        assert.ok(Buffer.from(await viaFetch.arrayBuffer()).equals(sent));
        await assertPricedOnce('0.0003369');

        h.reset();
        h.server.serve(fixture);
        const viaRequest = await undici.request(url(), post(fixture.request.body));
        assert.ok(Buffer.from(await viaRequest.body.arrayBuffer()).equals(sent));
        await assertPricedOnce('0.0003369');

        h.reset();
        h.server.serve(fixture);
        const parts: Buffer[] = [];
        await undici.stream(url(), post(fixture.request.body), () => new Writable({ write: (c: Buffer, _e, cb) => (parts.push(c), cb()) }));
        assert.ok(Buffer.concat(parts).equals(sent));
        await assertPricedOnce('0.0003369');
      });
    });
  }
});
