// The packed tarball installed into a fresh app with plain `npm install` (from the npm
// registry), as a user installs it: what it pulls in, and that every entry point works or
// says what is missing.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installInto, packTarball, peerSpec, ZERO_CODE_PEERS } from '../../scripts/packed-install.mjs';
import { freePort } from '../support/prometheus.js';

/** The goal of the lean package: an app with its own SDK adds at most this much. */
const CORE_FOOTPRINT_BYTES = 15e6;

function node(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, args, { cwd, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });
}

describe('the packed package installed into a fresh app', function () {
  this.timeout(300_000);
  const scratch = mkdtempSync(join(tmpdir(), 'pricetag-install-'));
  let tarball: string;

  before(function () {
    tarball = packTarball(scratch);
  });
  after(function () {
    rmSync(scratch, { recursive: true, force: true });
  });

  describe('the core, beside @opentelemetry/api alone (an app with its own SDK)', function () {
    let app: ReturnType<typeof installInto>;
    before(function () {
      app = installInto([tarball, peerSpec('@opentelemetry/api')], mkdtempSync(join(scratch, 'core-')));
    });

    it(`stays within ${CORE_FOOTPRINT_BYTES / 1e6} MB of node_modules and runs no install script`, function () {
      assert.ok(
        app.diskBytes <= CORE_FOOTPRINT_BYTES,
        `node_modules takes ${(app.diskBytes / 1e6).toFixed(1)} MB: ${app.packages.join(', ')}`,
      );
      assert.deepEqual(app.installScripts, []);
      for (const heavy of [
        '@opentelemetry/sdk-node',
        '@opentelemetry/exporter-prometheus',
        '@grafana/grafana-foundation-sdk',
        'protobufjs',
        '@grpc/grpc-js',
      ]) {
        assert.ok(!app.packages.includes(heavy), `${heavy} is installed`);
      }
    });

    it('prices a call with the built-in catalog and exposes the instrumentation', function () {
      const script =
        `
        import { loadCatalogs, formatDecimal, PricetagInstrumentation } from 'ai-pricetag';
        const { pricer } = loadCatalogs([]);
        const r = pricer.price({ provider: 'openai', operation: 'chat', model: 'gpt-4o-mini', ` +
        `usage: { input_tokens: 1200, output_tokens: 100 } });
        console.log(formatDecimal(r.cost), typeof PricetagInstrumentation);`;
      const run = node(app.dir, ['--input-type=module', '-e', script]);
      assert.equal(run.status, 0, run.stderr);
      assert.equal(run.stdout.trim(), '0.00024 function');
    });

    it('zero-code names the packages to install on stderr and leaves the application running', function () {
      // A service that runs past start-up (the entry settles its SDK, or finds the peers missing, then).
      const run = node(app.dir, ['--import', 'ai-pricetag/register', '-e', 'setTimeout(() => console.log("app ran"), 800)']);
      assert.equal(run.status, 0, run.stderr);
      assert.equal(run.stdout.trim(), 'app ran');
      assert.match(run.stderr, /ai-pricetag: cost tracking is off: ai-pricetag\/register needs the optional packages/);
      for (const peer of ZERO_CODE_PEERS.filter((p) => p !== '@opentelemetry/exporter-prometheus'))
        assert.ok(run.stderr.includes(peer), `${peer} not named`);
      assert.match(run.stderr, /npm install @opentelemetry\/sdk-metrics /);
      assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
    });

    it('pricetag dashboards names the Grafana SDK to install, in one line; the other commands work', function () {
      const bin = join(app.dir, 'node_modules', '.bin', 'pricetag');
      const dashboards = spawnSync(bin, ['dashboards'], { cwd: app.dir, encoding: 'utf8' });
      assert.equal(dashboards.status, 2);
      assert.equal(
        dashboards.stderr,
        'pricetag: pricetag dashboards needs the optional package @grafana/grafana-foundation-sdk: ' +
          'npm install @grafana/grafana-foundation-sdk\n',
      );
      const price = spawnSync(bin, ['price', '--plan', 'tavily/search', '--dim', 'search_depth=advanced', '--json'], {
        cwd: app.dir,
        encoding: 'utf8',
      });
      assert.equal(price.status, 0, price.stderr);
      assert.equal(JSON.parse(price.stdout).cost, '0.016');
    });
  });

  describe('zero-code with its optional peers', function () {
    let app: ReturnType<typeof installInto>;
    before(function () {
      app = installInto([tarball, peerSpec('@opentelemetry/api'), ...ZERO_CODE_PEERS.map(peerSpec)], mkdtempSync(join(scratch, 'zero-')));
    });

    it('serves the cost metrics for Prometheus, with no install script', async function () {
      assert.deepEqual(app.installScripts, []);
      const port = await freePort();
      const script = `setTimeout(async () => {
        const text = await (await fetch('http://127.0.0.1:${port}/metrics')).text();
        console.log(text.split('\\n').filter((l) => l.startsWith('ai_pricing_catalog_info')).length);
      }, 800);`;
      const run = node(app.dir, ['--import', 'ai-pricetag/register', '-e', script], {
        OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
        OTEL_EXPORTER_PROMETHEUS_PORT: String(port),
      });
      assert.equal(run.status, 0, run.stderr);
      assert.equal(run.stderr, '');
      assert.equal(run.stdout.trim(), '1');
    });
  });
});
