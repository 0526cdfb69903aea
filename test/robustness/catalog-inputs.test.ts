// Hostile catalogs and budgets files: each gets a located, one-line answer from the CLI in
// bounded time, and at run time a broken catalog is left out (said through the diag logger)
// while the built-in prices and the host go on.
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_FLOW_DEPTH, MAX_SOURCE_BYTES } from '../../src/catalog/source.js';
import { PricetagInstrumentation } from '../../src/instrumentation.js';
import { formatDecimal } from '../../src/pricing/decimal.js';
import { pricetag } from '../support/cli.js';
import { withCpuMs } from '../support/cpu-time.js';
import { metricsEndpoint } from '../support/metrics-endpoint.js';
import { captureDiag, parseExposition } from './support.js';

const PLAN = (charge: string) =>
  `catalog: hostile\ncurrency: USD\nplans:\n  - { id: x/chat, provider: x, operations: [chat], charges: [${charge}] }\n`;
const nest = (depth: number) => `catalog: deep\ncurrency: USD\nplans: ${'['.repeat(depth)}${']'.repeat(depth)}\n`;
const aliasBomb = [
  'catalog: bomb',
  'currency: USD',
  'a: &a [x, x, x, x, x, x, x, x, x, x]',
  ...'bcdefgh'.split('').map((k, i) => `${k}: &${k} [${Array(10).fill(`*${'abcdefgh'[i]}`).join(', ')}]`),
  'plans: []',
  '',
].join('\n');

interface Case {
  readonly name: string;
  readonly bytes: string | Buffer;
  /** The message of the (first) problem. */
  readonly message: RegExp;
  /** Its line and column, where the test pins them. */
  readonly at?: readonly [number, number];
}

/** Catalog inputs that must be refused, each with the problem it must be refused for. */
const CATALOG_CASES: readonly Case[] = [
  {
    name: 'malformed YAML',
    bytes: 'catalog: x\ncurrency: USD\nplans: [ { id: a\n',
    message: /Flow map .* must be sufficiently indented and end with a \}/,
    at: [4, 1],
  },
  { name: 'malformed JSON', bytes: '{"catalog": "x", "currency": "USD", "plans": [}\n', message: /./, at: [1, 47] },
  { name: 'wrong types', bytes: 'catalog: 5\ncurrency: [USD]\nplans: {a: 1}\n', message: /catalog: must be a string/, at: [1, 10] },
  { name: 'a scalar document', bytes: '42\n', message: /expected object/, at: [1, 1] },
  { name: 'an empty file', bytes: '', message: /expected object/, at: [1, 1] },
  { name: 'two documents', bytes: 'catalog: a\ncurrency: USD\nplans: []\n---\ncatalog: b\n', message: /one YAML document/, at: [4, 1] },
  { name: 'duplicate keys', bytes: 'catalog: a\ncatalog: b\ncurrency: USD\nplans: []\n', message: /unique/, at: [2, 1] },
  { name: 'a YAML alias bomb', bytes: aliasBomb, message: /alias/i },
  {
    name: `flow nesting ${MAX_FLOW_DEPTH + 1} deep`,
    bytes: nest(MAX_FLOW_DEPTH + 1),
    message: new RegExp(`nested deeper than ${MAX_FLOW_DEPTH}`),
    at: [3, 8 + MAX_FLOW_DEPTH],
  },
  { name: 'flow nesting 1,000,000 deep', bytes: nest(1_000_000), message: /nested deeper/, at: [3, 8 + MAX_FLOW_DEPTH] },
  {
    name: 'block nesting 2,000 deep',
    bytes: Array.from({ length: 2000 }, (_, i) => `${' '.repeat(i)}a:`).join('\n'),
    message: /nested too deeply|expected object|must be/,
  },
  {
    name: 'a file over the size limit',
    bytes: `catalog: big\ncurrency: USD\nplans: []\n#${'x'.repeat(MAX_SOURCE_BYTES)}\n`,
    message: /larger than 4194304 bytes/,
    at: [1, 1],
  },
  {
    name: 'a misspelt unit',
    bytes: PLAN('{ unit: input_token, rate: 1 }'),
    message: /unknown usage unit "input_token" \(did you mean "input_tokens"\?\)/,
    at: [4, 70],
  },
  { name: 'a unit that is not a name', bytes: PLAN('{ unit: Input-Tokens, rate: 1 }'), message: /must be a usage unit name/ },
  { name: 'a negative rate', bytes: PLAN('{ unit: requests, rate: -0.01 }'), message: /rate: must be a non-negative decimal/, at: [4, 86] },
  { name: 'a hexadecimal rate', bytes: PLAN('{ unit: requests, rate: 0x10 }'), message: /rate: must be a non-negative decimal/ },
  { name: 'a fraction as rate', bytes: PLAN('{ unit: requests, rate: "1/3" }'), message: /rate: must be a non-negative decimal/ },
  { name: 'a decimal comma', bytes: PLAN('{ unit: requests, rate: "0,5" }'), message: /rate: must be a non-negative decimal/ },
  { name: 'an infinite rate', bytes: PLAN('{ unit: requests, rate: .inf }'), message: /rate: must be a non-negative decimal/ },
  { name: 'a NaN rate', bytes: PLAN('{ unit: requests, rate: .nan }'), message: /rate: must be a non-negative decimal/ },
  { name: 'a boolean rate', bytes: PLAN('{ unit: requests, rate: true }'), message: /rate: must be a non-negative decimal/ },
  {
    name: 'a rate of a billion digits (1e999999999)',
    bytes: PLAN('{ unit: requests, rate: "1e999999999" }'),
    message: /rate: must be 0 or between 1e-1000 and 1e1000/,
  },
  { name: 'a rate below 1e-1000', bytes: PLAN('{ unit: requests, rate: 1e-1001 }'), message: /rate: must be 0 or between/ },
  {
    name: 'an infinite per, increment and minimum',
    bytes: PLAN('{ unit: requests, rate: 1, per: .inf, increment: .inf, minimum: .inf }'),
    message: /per: must be a positive number/,
  },
  { name: 'a zero per', bytes: PLAN('{ unit: requests, rate: 1, per: 0 }'), message: /per: must be a positive number/ },
  {
    name: 'non-UTF-8 bytes',
    bytes: Buffer.concat([Buffer.from('catalog: caf'), Buffer.from([0xe9]), Buffer.from('\ncurrency: USD\nplans: []\n')]),
    message: /not UTF-8 text \(byte 0xe9 at offset 12\)/,
    at: [1, 13],
  },
  {
    name: 'a stray byte on a later line',
    bytes: Buffer.concat([Buffer.from('catalog: x\ncurrency: USD\nplans: [] # ü '), Buffer.from([0xc3, 0x28])]),
    message: /not UTF-8 text \(byte 0xc3/,
    at: [3, 15],
  },
  { name: 'UTF-16 text', bytes: Buffer.from('\ufeffcatalog: x\n', 'utf16le'), message: /not UTF-8 text/, at: [1, 1] },
  {
    name: 'binary junk',
    bytes: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]),
    message: /not UTF-8 text \(byte 0x89/,
    at: [1, 1],
  },
  {
    name: 'a prototype key',
    bytes: 'catalog: x\ncurrency: USD\n__proto__: { polluted: 1 }\nplans: []\n',
    message: /__proto__: unknown key/,
    at: [3, 1],
  },
];

/** Inputs that look odd but are valid, and must stay valid. */
const VALID_CASES: readonly [string, string | Buffer][] = [
  ['a custom unit (custom routes name their own)', PLAN('{ unit: bananas, rate: 1 }')],
  ['a rate with a plus sign (the decimal parser once threw on it)', PLAN('{ unit: requests, rate: "+1" }')],
  ['a rate at the range limit', PLAN('{ unit: requests, rate: "1e-1000" }')],
  [
    'a UTF-8 byte order mark and non-ASCII names',
    Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('catalog: café-ü-😀\ncurrency: USD\nplans: []\n')]),
  ],
  [
    `brackets inside a quoted string (text, not nesting)`,
    'catalog: x\ncurrency: USD\nplans:\n' +
      `  - { id: a, provider: p, operations: [chat], description: "${'['.repeat(500)}", charges: [{ unit: requests, rate: 1 }] }\n`,
  ],
];

describe('hostile catalog and budgets files', function () {
  this.timeout(60_000);
  let dir: string;
  const file = (name: string, bytes: string | Buffer) => {
    const path = join(dir, `${name.replace(/[^a-z0-9]+/gi, '-')}.yaml`);
    writeFileSync(path, bytes);
    return path;
  };

  before(function () {
    dir = mkdtempSync(join(tmpdir(), 'pricetag-robustness-'));
  });
  after(function () {
    rmSync(dir, { recursive: true, force: true });
  });

  describe('pricetag validate', function () {
    for (const c of CATALOG_CASES) {
      it(`refuses ${c.name} with a located problem, quickly`, async function () {
        const path = file(c.name, c.bytes);
        // CPU time, not wall time: bounded work, however busy the machine.
        const { result: run, cpuMs } = await withCpuMs(() => pricetag('validate', path));
        assert.equal(run.code, 1, run.stdout);
        const lines = run.stdout.trimEnd().split('\n');
        for (const line of lines) assert.match(line, /^.+:\d+:\d+: \S.*: .+$/, 'FILE:LINE:COL: path: message');
        const first = lines.find((l) => c.message.test(l));
        assert.ok(first !== undefined, `no problem matches ${c.message}: ${run.stdout.slice(0, 600)}`);
        if (c.at !== undefined) assert.ok(first.startsWith(`${path}:${c.at[0]}:${c.at[1]}: `), first);
        assert.ok(lines.length <= 20, `${lines.length} problems for one fault`);
        assert.ok(cpuMs < 3000, `took ${cpuMs.toFixed(0)} ms of CPU`);
      });
    }

    for (const [name, bytes] of VALID_CASES) {
      it(`accepts ${name}`, async function () {
        const run = await pricetag('validate', file(name, bytes));
        assert.equal(run.code, 0, run.stdout);
      });
    }

    it('refuses a directory and an endless device without reading them, and a missing file as unreadable', async function () {
      const run = await pricetag('validate', dir, join(dir, 'missing.yaml'), ...(existsSync('/dev/zero') ? ['/dev/zero'] : []));
      assert.equal(run.code, 1);
      assert.match(run.stdout, new RegExp(`^${dir}:1:1: \\$: is a directory, not a regular file$`, 'm'));
      assert.match(run.stdout, /missing\.yaml:1:1: \$: cannot read file \(ENOENT\)$/m);
      if (existsSync('/dev/zero')) assert.match(run.stdout, /^\/dev\/zero:1:1: \$: is a character device, not a regular file$/m);
    });
  });

  describe('pricetag rules --budgets', function () {
    const BUDGET_CASES: readonly Case[] = [
      { name: 'budgets: malformed YAML', bytes: 'budgets:\n  - { name: a, amount: 1\n', message: /./ },
      {
        name: 'budgets: wrong types',
        bytes: 'budgets:\n  - { name: a, amount: lots, currency: USD, window: 30d }\n',
        message: /amount: must be a positive number/,
        at: [2, 24],
      },
      {
        name: 'budgets: negative amount',
        bytes: 'budgets:\n  - { name: a, amount: -1, currency: USD, window: 30d }\n',
        message: /amount: must be a positive number/,
      },
      {
        name: 'budgets: infinite amount',
        bytes: 'budgets:\n  - { name: a, amount: .inf, currency: USD, window: 30d }\n',
        message: /amount: must be a positive number/,
      },
      { name: 'budgets: alias bomb', bytes: aliasBomb.replace('catalog: bomb\ncurrency: USD', 'budgets: []'), message: /alias/i },
      { name: 'budgets: deep nesting', bytes: `budgets: ${'{a: '.repeat(100_000)}`, message: /nested deeper/ },
      {
        name: 'budgets: non-UTF-8',
        bytes: Buffer.concat([Buffer.from('budgets:\n  - { name: caf'), Buffer.from([0xe9, 0x20]), Buffer.from('}\n')]),
        message: /not UTF-8 text/,
        at: [2, 16],
      },
      { name: 'budgets: over the size limit', bytes: `budgets: []\n#${'x'.repeat(MAX_SOURCE_BYTES)}`, message: /larger than/ },
      {
        name: 'budgets: label injection in a selector',
        bytes: 'budgets:\n  - { name: a, amount: 1, currency: USD, window: 30d, selector: { "job\\"}": x } }\n',
        message: /selector\["job\\"}"\]: Invalid key in record/,
        at: [2, 77],
      },
    ];
    for (const c of BUDGET_CASES) {
      it(`refuses ${c.name.slice('budgets: '.length)} with a located problem`, async function () {
        const path = file(c.name, c.bytes);
        const { result: run, cpuMs } = await withCpuMs(() => pricetag('rules', '--budgets', path));
        assert.equal(run.code, 1, run.stdout);
        assert.equal(run.stdout, '', 'no rules written');
        assert.match(run.stderr, c.message);
        if (c.at !== undefined)
          assert.match(run.stderr, new RegExp(`${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${c.at[0]}:${c.at[1]}: `));
        assert.ok(cpuMs < 3000, `took ${cpuMs.toFixed(0)} ms of CPU`);
      });
    }
  });

  describe('at run time', function () {
    it('leaves a broken catalog out, says which and why through the diag logger, and prices from the rest', async function () {
      const broken = file('runtime-broken', PLAN('{ unit: requests, rate: "1e999999999" }'));
      const good = file(
        'runtime-good',
        'catalog: acme-override\ncurrency: USD\nplans:\n' +
          '  - { id: acme/chat, provider: acme, operations: [chat], charges: [{ unit: requests, rate: "0.5" }] }\n',
      );
      const diag = captureDiag();
      let instrumentation: PricetagInstrumentation;
      try {
        // Not enabled: the shared harness's instrumentation is the one capturing in this process.
        instrumentation = new PricetagInstrumentation({
          enabled: false,
          catalogs: [broken, good, { name: 'inline', document: { catalog: 7 } }],
        });
        assert.deepEqual(instrumentation.catalogLabels, ['ai-pricetag-default-2026-11', 'acme-override']);
      } finally {
        diag.restore();
      }
      const said = diag.lines.filter((l) => l.startsWith('error ')).join('\n');
      assert.match(
        said,
        new RegExp(
          `catalog left out, its prices are not used:\\n${broken}:4:\\d+: plans\\[0\\]\\.charges\\[0\\]\\.rate: must be 0 or between`,
        ),
      );
      assert.match(said, /inline: catalog: must be a string/);
      const priced = instrumentation.pricer.price({ provider: 'acme', operation: 'chat', usage: {} });
      assert.ok(priced.priced);
      assert.equal(formatDecimal(priced.cost), '0.5');
      assert.equal(
        instrumentation.pricer.price({ provider: 'x', operation: 'chat', usage: {} }).priced,
        false,
        'the broken file prices nothing',
      );
      assert.ok(
        instrumentation.pricer.price({ provider: 'openai', operation: 'chat', model: 'gpt-4o-mini', usage: { input_tokens: 1 } }).priced,
        'built-in prices stay',
      );

      // ai_pricing_catalog_info lists the catalogs in use, and the ones left out with status="invalid".
      assert.deepEqual(instrumentation.invalidCatalogs, [broken, 'inline']);
      const endpoint = await metricsEndpoint();
      instrumentation.setMeterProvider(endpoint.meterProvider);
      try {
        const info = parseExposition(await endpoint.scrape()).samples.filter((s) => s.name === 'ai_pricing_catalog_info');
        assert.deepEqual(
          info.map((s) => [s.labels.ai_pricing_catalog, s.labels.ai_pricing_catalog_status, s.value]),
          [
            ['ai-pricetag-default-2026-11', undefined, 1],
            ['acme-override', undefined, 1],
            [broken, 'invalid', 1],
            ['inline', 'invalid', 1],
          ],
        );
      } finally {
        await endpoint.close();
      }
    });
  });
});
