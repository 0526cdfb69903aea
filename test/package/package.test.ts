import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const root = new URL('../../', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as {
  bin: Record<string, string>;
  types: string;
  engines: { node: string };
};

describe('the published package', function () {
  this.timeout(120_000);

  before(function () {
    execFileSync(`${root}node_modules/.bin/tsc`, ['-p', 'tsconfig.build.json'], { cwd: root });
  });

  it('ships compiled code, type declarations, the pricetag binary and the default catalog', function () {
    const [report] = JSON.parse(
      execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' }),
    ) as [{ files: { path: string }[] }];
    const files = new Set(report.files.map((f) => f.path));
    for (const f of [
      'dist/index.js',
      'dist/index.d.ts',
      'dist/register.js',
      'dist/instrumentation.d.ts',
      'dist/cli/main.js',
      'dist/pricing/price.d.ts',
      'catalogs/default.yaml',
      'README.md',
    ]) {
      assert.ok(files.has(f), `missing ${f}`);
    }
    assert.ok(![...files].some((f) => f.startsWith('test/') || f.startsWith('src/')), 'tests and sources stay out of the package');
    assert.equal(pkg.bin.pricetag, 'dist/cli/main.js');
    assert.equal(pkg.types, './dist/index.d.ts');
    assert.equal(pkg.engines.node, '>=22.15.0');
  });

  it('runs the built pricetag binary with the built-in catalog', function () {
    const run = spawnSync(
      process.execPath,
      [`${root}${pkg.bin.pricetag}`, 'price', '--json', '--plan', 'aws/comprehend-sentiment', '--usage', 'characters=250'],
      {
        encoding: 'utf8',
        cwd: '/',
      },
    );
    assert.equal(run.status, 0, run.stderr);
    assert.equal(JSON.parse(run.stdout).cost, '0.0003');
    const help = spawnSync(process.execPath, [`${root}${pkg.bin.pricetag}`, '--help'], { encoding: 'utf8' });
    assert.equal(help.status, 0);
    assert.match(help.stdout, /Usage: pricetag/);
  });

  it('exposes the pricing core from the package entry point', async function () {
    const api = (await import(`${root}dist/index.js`)) as typeof import('../../src/index.js');
    const loaded = api.loadCatalogs([]);
    assert.ok(loaded.ok);
    const result = loaded.pricer.price({ provider: 'tavily', operation: 'search', usage: {}, dimensions: { search_depth: 'basic' } });
    assert.ok(result.priced);
    assert.equal(api.formatDecimal(result.cost), '0.008');
    assert.equal(typeof api.PricetagInstrumentation, 'function');
    assert.equal(api.attributes.ATTR_AI_COST_AMOUNT, 'ai.cost.amount');
  });
});

describe('package metadata', function () {
  it('reports the package version as the instrumentation version', async function () {
    const { PACKAGE_NAME, PACKAGE_VERSION } = await import('../../src/version.js');
    const meta = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { name: string; version: string };
    assert.deepEqual([PACKAGE_NAME, PACKAGE_VERSION], [meta.name, meta.version]);
  });
});
