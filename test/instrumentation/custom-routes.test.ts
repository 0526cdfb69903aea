// Custom routes for zero-code users: routes from a file named by PRICETAG_ROUTES, priced from a
// catalog of PRICETAG_CATALOGS, over JSON and SSE responses, with the model in a path segment. A
// response that does not tell a billed quantity is unpriced (no_usage), never priced at zero.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { replayServerPerSuite } from '../support/child-process.js';

const exec = promisify(execFile);
const APP = new URL('../apps/custom-routes-app.ts', import.meta.url).pathname;

const CATALOG = `catalog: acme-test
currency: USD
plans:
  - id: acme/big-2
    provider: acme.llm
    operations: [chat]
    models: [acme/big-2]
    source: https://llm.internal.example/pricing
    as_of: 2026-12-03
    charges:
      - { unit: input_tokens, rate: "0.30", per: 1000000 }
      - { unit: output_tokens, rate: "1.20", per: 1000000 }
`;

const routesFile = (host: string) => `routes:
  - host: ${host}
    path: /v1/models/*/generate
    provider: acme.llm
    operation: chat
    model: { pathSegment: 2 }
    usage:
      input_tokens: { response: usage.input_tokens }
      output_tokens: { response: usage.output_tokens }
  - host: ${host}
    path: /v1/broken
    provider: acme.llm
    operation: chat
    usage:
      input_tokens: { respone: usage.input_tokens }
`;

interface Out {
  readonly bodies: readonly string[];
  readonly spans: readonly Record<string, unknown>[];
}

describe('custom routes from PRICETAG_ROUTES (zero-code)', function () {
  this.timeout(60_000);
  const replay = replayServerPerSuite();
  let dir: string;

  before(function () {
    dir = mkdtempSync(join(tmpdir(), 'pricetag-routes-'));
  });
  after(function () {
    rmSync(dir, { recursive: true, force: true });
  });

  async function run(calls: readonly { path: string; body: unknown }[]): Promise<{ out: Out; stderr: string }> {
    const server = replay();
    const host = new URL(server.origin).host;
    writeFileSync(join(dir, 'routes.yaml'), routesFile(host));
    writeFileSync(join(dir, 'catalog.yaml'), CATALOG);
    const { stdout, stderr } = await exec(process.execPath, ['--import', 'tsx', APP], {
      env: {
        ...process.env,
        PRICETAG_ROUTES: join(dir, 'routes.yaml'),
        PRICETAG_CATALOGS: join(dir, 'catalog.yaml'),
        CALLS: JSON.stringify(calls.map((c) => ({ url: `${server.origin}${c.path}`, body: c.body }))),
      },
    });
    return { out: JSON.parse(stdout.trim().split('\n').at(-1)!) as Out, stderr };
  }

  it('prices a JSON call and an SSE stream exactly, and leaves a call without usage unpriced', async function () {
    const sse =
      'event: delta\ndata: {"text":"Hel"}\n\n' +
      'event: delta\ndata: {"text": "lo"}\n\n' +
      'event: done\ndata: {"usage": {"input_tokens": 1000, "output_tokens": 250}}\n\n';
    replay().handle((req, _body, res) => {
      if (req.url?.includes('stream')) {
        res.writeHead(200, { 'content-type': 'text/event-stream' }).end(sse);
      } else if (req.url?.includes('nousage')) {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"r2","text":"hi"}');
      } else {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"r1","usage":{"input_tokens":2000,"output_tokens":500}}');
      }
    });
    const { out, stderr } = await run([
      { path: '/v1/models/acme%2Fbig-2/generate', body: { prompt: 'secret prompt' } },
      { path: '/v1/models/acme%2Fbig-2/generate?stream', body: { prompt: 'secret prompt' } },
      { path: '/v1/models/acme%2Fbig-2/generate?nousage', body: { prompt: 'secret prompt' } },
      { path: '/v1/broken', body: {} },
    ]);
    // Said once, located in the file, naming the route field with the misspelt key.
    assert.match(stderr, /PRICETAG_ROUTES: routes with problems are left out:\n.*routes\.yaml:15:\d+: routes\[1\]\.usage\.input_tokens/);
    assert.equal(out.bodies[1], sse, 'the application read the stream unchanged');
    assert.equal(out.spans.length, 3, 'the route with a problem is left out: its call is not an AI call');
    const [json, stream, none] = out.spans as [Record<string, unknown>, Record<string, unknown>, Record<string, unknown>];
    // 2000 × 0.30/1M + 500 × 1.20/1M = 0.0012; 1000 × 0.30/1M + 250 × 1.20/1M = 0.0006
    assert.equal(json['ai.cost.amount'], 0.0012);
    assert.equal(json['ai.pricing.plan'], 'acme/big-2');
    assert.equal(json['gen_ai.request.model'], 'acme/big-2');
    assert.equal(stream['ai.cost.amount'], 0.0006);
    assert.equal(stream['ai.pricing.plan'], 'acme/big-2');
    assert.equal(none['ai.pricing.unpriced_reason'], 'no_usage');
    assert.equal(none['ai.cost.amount'], undefined, 'not priced at zero');
    assert.doesNotMatch(JSON.stringify(out.spans), /secret prompt/);
  });
});
