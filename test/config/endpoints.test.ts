// A bad endpoint entry is left out on its own, with its reason and without the credentials its
// URL may carry; the good entries still route calls. In-process for the registry, and through
// the zero-code entry in a real child process for PRICETAG_ENDPOINTS.
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { diag, DiagLogLevel } from '@opentelemetry/api';
import { PricetagInstrumentation } from '../../src/instrumentation.js';
import { BUILT_IN_ADAPTERS } from '../../src/providers/index.js';
import { ProviderRegistry, redactUrl, type Endpoint } from '../../src/providers/registry.js';
import { replayServerPerSuite, zeroCodeAppEnv } from '../support/child-process.js';
import { loadFixture } from '../support/fixtures.js';

const exec = promisify(execFile);
const SECRETS = /s3cret|sk-live|proxy-user|tok-123/;

const providerAt = (registry: ProviderRegistry, host: string, path: string) =>
  registry.recognize('POST', host, path, () => undefined)?.adapter.provider;

describe('endpoint entries, one by one', function () {
  it('keeps every good endpoint when others name an unknown provider, a malformed URL or no scheme', function () {
    const registry = new ProviderRegistry(BUILT_IN_ADAPTERS, [
      { provider: 'openai', baseUrl: 'http://gw.local/openai/v1' },
      { provider: 'opnai', baseUrl: 'https://proxy-user:s3cret@gw.local/v1?api_key=sk-live-1' },
      { provider: 'anthropic', baseUrl: 'http://[::1' },
      { provider: 'anthropic', baseUrl: 'localhost:8080/anthropic' },
      { provider: 'ghost', baseUrl: 'ftp://tok-123@files.local/x' },
      { provider: 'anthropic', baseUrl: 'http://gw.local/anthropic' },
    ]);
    assert.equal(providerAt(registry, 'gw.local', '/openai/v1/chat/completions'), 'openai');
    assert.equal(providerAt(registry, 'gw.local', '/anthropic/v1/messages'), 'anthropic');
    assert.equal(providerAt(registry, 'gw.local', '/v1/chat/completions'), undefined, 'the unknown provider mounted nothing');
    const rejected = registry.rejectedEndpoints;
    assert.deepEqual(
      rejected.map((r) => r.entry),
      ['opnai=https://gw.local/v1', 'anthropic=http://[::1', 'anthropic=localhost:8080/anthropic', 'ghost=ftp://files.local/x'],
    );
    assert.match(rejected[0]!.reason, /^no provider named "opnai" \(known: .*\banthropic\b.*\bopenai\b/);
    assert.equal(rejected[1]!.reason, 'baseUrl is not a URL');
    assert.equal(rejected[2]!.reason, 'baseUrl does not start with http:// or https://');
    assert.match(rejected[3]!.reason, /^no provider named "ghost" .*; baseUrl does not start with http:\/\/ or https:\/\/$/);
    assert.doesNotMatch(JSON.stringify(rejected), SECRETS);
  });

  it('names entries a JavaScript caller got wrong (missing or non-string fields) without throwing', function () {
    const entries = [null, {}, { provider: 'openai' }, { provider: 42, baseUrl: 'http://x.local' }] as unknown as Endpoint[];
    const registry = new ProviderRegistry(BUILT_IN_ADAPTERS, entries);
    assert.deepEqual(
      registry.rejectedEndpoints.map((r) => `${r.entry} ${r.reason}`),
      [
        '= no provider given; no baseUrl given',
        '= no provider given; no baseUrl given',
        'openai= no baseUrl given',
        '=http://x.local/ no provider given',
      ],
    );
  });

  it('cuts userinfo, query and fragment out of what it shows, URL or not', function () {
    assert.equal(redactUrl('https://user:p%40ss@gw.example:8443/v1?key=sk-live-1#frag'), 'https://gw.example:8443/v1');
    assert.equal(redactUrl('openai:http://proxy-user:s3cret@gw.example/v1'), 'openai:http://gw.example/v1');
    assert.equal(redactUrl('proxy-user:s3cret@gw.example/v1?x'), 'gw.example/v1');
    assert.equal(redactUrl('http://u:p@[::1'), 'http://[::1');
    assert.equal(redactUrl('gcp.gemini'), 'gcp.gemini');
  });
});

describe('the endpoints option with bad entries', function () {
  it('is reported entry by entry through the diag logger and on stderr, never thrown', async function () {
    const lines: string[] = [];
    const keep = (...args: unknown[]) => void lines.push(args.join(' '));
    diag.setLogger(
      { error: keep, warn: keep, info: keep, debug: keep, verbose: keep },
      { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
    );
    const warnings: string[] = [];
    const onWarning = (w: Error) => void warnings.push(w.message);
    process.on('warning', onWarning);
    try {
      // Not enabled: the shared harness's instrumentation is the one capturing in this process.
      const instrumentation = new PricetagInstrumentation({
        enabled: false,
        endpoints: [
          { provider: 'openai', baseUrl: 'http://kept.local/v1' },
          { provider: 'open-ai', baseUrl: 'http://option-test.local/v1?key=sk-live-2' },
        ],
      });
      assert.doesNotThrow(() => instrumentation.pricer);
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
      diag.disable();
    }
    const said = /endpoint open-ai=http:\/\/option-test\.local\/v1 left out: no provider named "open-ai" \(known: /;
    assert.ok(
      lines.some((l) => said.test(l)),
      lines.join('\n'),
    );
    assert.ok(
      warnings.some((w) => w.startsWith('ai-pricetag: ') && said.test(w)),
      warnings.join('\n'),
    );
    assert.doesNotMatch(lines.join('\n') + warnings.join('\n'), SECRETS);
  });
});

describe('PRICETAG_ENDPOINTS with bad entries, through the zero-code entry', function () {
  this.timeout(60_000);
  const replay = replayServerPerSuite();

  it('prices calls to the good endpoint and warns on stderr of each bad entry, without its credentials', async function () {
    const server = replay();
    const fixture = loadFixture('openai', 'chat-cached');
    server.serve(fixture);
    const register = new URL('../../src/register.ts', import.meta.url).pathname;
    const app = new URL('../apps/zero-code-app.mjs', import.meta.url).pathname;
    const good = zeroCodeAppEnv(server, fixture.request);
    const { stdout, stderr } = await exec(process.execPath, ['--import', 'tsx', '--import', register, app], {
      env: {
        ...process.env,
        ...good,
        PRICETAG_ENDPOINTS: `nosuch=http://proxy-user:s3cret@127.0.0.1:9/v1?key=sk-live-1,${good.PRICETAG_ENDPOINTS},garbage`,
        OTEL_TRACES_EXPORTER: 'console',
        OTEL_METRICS_EXPORTER: 'none',
      },
      timeout: 50_000,
    });
    assert.match(stdout, /^app-result 2006$/m, 'the application ran normally');
    assert.match(stdout, /'ai\.cost\.amount': 0\.0003369/, 'the good endpoint still routes the call');
    assert.match(
      stderr,
      /\[AI_PRICETAG_CONFIG\] Warning: ai-pricetag: PRICETAG_ENDPOINTS: "garbage" is not provider=baseUrl; the entry is left out/,
    );
    assert.match(
      stderr,
      /\[AI_PRICETAG_CONFIG\] Warning: ai-pricetag: endpoint nosuch=http:\/\/127\.0\.0\.1:9\/v1 left out: no provider named "nosuch"/,
    );
    assert.doesNotMatch(stdout + stderr, SECRETS);
  });
});
