// Properties of the pricing engine, the stream parsers and the catalog loader, checked with
// fast-check on generated inputs: exact against an independent rational reference, unchanged by
// how bytes are cut, and never throwing whatever the input.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { JsonFieldScanner } from '../../src/capture/json-scanner.js';
import { SseReader } from '../../src/capture/sse.js';
import { compileCatalog } from '../../src/catalog/compile.js';
import { validateCatalogText } from '../../src/catalog/validate.js';
import { DECIMAL_EXPONENT_LIMIT, formatDecimal, parseDecimal } from '../../src/pricing/decimal.js';
import { PlanIndex } from '../../src/pricing/plan-index.js';
import { pricePlan } from '../../src/pricing/price.js';
import { Pricer } from '../../src/pricing/pricer.js';
import type { Plan } from '../../src/pricing/types.js';
import { extractFields, value, type FieldSpec } from '../../src/providers/fields.js';
import { writeInPieces } from '../support/chunks.js';
import { fuzzBudgetMs } from './support.js';

/** Runs per property: more under `npm run fuzz`. */
const RUNS = process.env.FUZZ_SECONDS === undefined ? 200 : 2000;
const params = { numRuns: RUNS, interruptAfterTimeLimit: fuzzBudgetMs(8) };

// ---------------------------------------------------------------------------------------------
// An exact rational reference, with BigInt: nothing shared with the engine but the inputs.

interface Rational {
  readonly n: bigint;
  readonly d: bigint;
}
const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? (a < 0n ? -a : a) : gcd(b, a % b));
const rat = (n: bigint, d = 1n): Rational => {
  const g = gcd(n, d) || 1n;
  return { n: n / g, d: d / g };
};
const add = (a: Rational, b: Rational) => rat(a.n * b.d + b.n * a.d, a.d * b.d);
const mul = (a: Rational, b: Rational) => rat(a.n * b.n, a.d * b.d);
function fromText(text: string): Rational {
  const [int = '0', frac = ''] = text.split('.');
  return rat(BigInt(int + frac), 10n ** BigInt(frac.length));
}

interface ChargeSpec {
  readonly unit: string;
  readonly mantissa: bigint;
  readonly scale: number;
  readonly per: number;
  readonly increment: number;
  readonly minimum: number;
}

const rateText = (c: ChargeSpec) => {
  const digits = c.mantissa.toString().padStart(c.scale + 1, '0');
  return c.scale === 0 ? digits : `${digits.slice(0, -c.scale)}.${digits.slice(-c.scale)}`;
};

const UNITS = ['input_tokens', 'cached_input_tokens', 'output_tokens', 'characters', 'images', 'requests'] as const;

const chargeSpecs = fc.uniqueArray(
  fc.record({
    unit: fc.constantFrom(...UNITS),
    mantissa: fc.bigInt({ min: 0n, max: 10n ** 14n }),
    scale: fc.integer({ min: 0, max: 16 }),
    per: fc.constantFrom(1, 10, 1000, 1_000_000, 60, 3, 7, 3600, 1024),
    increment: fc.constantFrom(1, 1, 10, 100, 1000, 7),
    minimum: fc.constantFrom(0, 0, 1, 300),
  }),
  { minLength: 1, maxLength: 4, selector: (c) => c.unit },
);

const usageOf = fc.record(
  Object.fromEntries(
    UNITS.map((u) => [u, fc.option(fc.oneof(fc.nat(1000), fc.nat(2_000_000), fc.integer({ min: 0, max: 1e15 })), { nil: undefined })]),
  ) as Record<string, fc.Arbitrary<number | undefined>>,
);

function planOf(charges: readonly ChargeSpec[]): Plan {
  const text = stringify({
    catalog: 'prop',
    currency: 'USD',
    plans: [
      {
        id: 'p/x',
        provider: 'p',
        operations: ['chat'],
        charges: charges.map((c) => ({ unit: c.unit, rate: rateText(c), per: c.per, increment: c.increment, minimum: c.minimum })),
      },
    ],
  });
  const result = validateCatalogText(text, 'prop.yaml');
  assert.ok(result.ok, text);
  return compileCatalog(result.document, 'prop.yaml', 0).plans[0]!;
}

function reference(charges: readonly ChargeSpec[], usage: Readonly<Record<string, number | undefined>>): Rational {
  let sum = rat(0n);
  for (const c of charges) {
    const q = BigInt(usage[c.unit] ?? (c.unit === 'requests' ? 1 : 0));
    const inc = BigInt(c.increment);
    const min = BigInt(c.minimum);
    const rounded = q <= 0n ? 0n : ((q + inc - 1n) / inc) * inc;
    const billed = rounded > min ? rounded : min;
    sum = add(sum, mul(fromText(rateText(c)), rat(billed, BigInt(c.per))));
  }
  return sum;
}

const terminates = (n: number) => {
  let m = n;
  while (m % 2 === 0) m /= 2;
  while (m % 5 === 0) m /= 5;
  return m === 1;
};

describe('properties', function () {
  this.timeout(120_000);

  describe('the pricing engine', function () {
    it('equals an exact rational reference: exactly when rates divide evenly, within 1e-30 a charge otherwise', function () {
      fc.assert(
        fc.property(chargeSpecs, usageOf, (charges, usage) => {
          const result = pricePlan(planOf(charges), usage as Record<string, number>);
          assert.ok(result.priced);
          const got = fromText(formatDecimal(result.cost));
          const want = reference(charges, usage);
          const diff = add(got, rat(-want.n, want.d));
          if (charges.every((c) => terminates(c.per))) assert.equal(diff.n, 0n, `${formatDecimal(result.cost)} ≠ ${want.n}/${want.d}`);
          else assert.ok((diff.n < 0n ? -diff.n : diff.n) * 10n ** 30n <= BigInt(charges.length) * diff.d, 'rounded at 30 places');
          assert.ok(result.breakdown.every((line) => line.amount.gte(0)));
        }),
        params,
      );
    });

    it('gives the integer fast path and the decimal path the very same cost', function () {
      fc.assert(
        fc.property(chargeSpecs, usageOf, (charges, usage) => {
          const plan = planOf(charges);
          const slow: Plan = { ...plan, tiers: plan.tiers.map((t) => ({ ...t, scaled: undefined })) };
          const fast = pricePlan(plan, usage as Record<string, number>);
          const decimal = pricePlan(slow, usage as Record<string, number>);
          assert.ok(fast.priced && decimal.priced);
          assert.ok(fast.cost.eq(decimal.cost), `${formatDecimal(fast.cost)} vs ${formatDecimal(decimal.cost)}`);
        }),
        params,
      );
    });

    it('never costs less when any quantity grows', function () {
      fc.assert(
        fc.property(chargeSpecs, usageOf, fc.constantFrom(...UNITS), fc.nat(1_000_000), (charges, usage, unit, more) => {
          const plan = planOf(charges);
          const before = pricePlan(plan, usage as Record<string, number>);
          const after = pricePlan(plan, { ...(usage as Record<string, number>), [unit]: (usage[unit] ?? 0) + more });
          assert.ok(before.priced && after.priced && after.cost.gte(before.cost));
        }),
        params,
      );
    });
  });

  describe('decimal text', function () {
    it('parses any string without throwing, and what it accepts prints back to itself in bounded text', function () {
      const decimalish = fc.oneof(
        fc.string(),
        fc.stringMatching(/^[+-]?\d{0,30}(\.\d{0,30})?([eE][+-]?\d{1,12})?$/),
        fc.tuple(fc.nat(99999), fc.integer({ min: -5000, max: 5000 })).map(([m, e]) => `${m}e${e}`),
      );
      fc.assert(
        fc.property(decimalish, (text) => {
          const d = parseDecimal(text);
          if (d === undefined) return;
          const printed = formatDecimal(d);
          assert.ok(printed.length <= text.length + DECIMAL_EXPONENT_LIMIT + 2, `${text} printed as ${printed.length} characters`);
          assert.ok(parseDecimal(printed)!.eq(d));
        }),
        { numRuns: RUNS * 5 },
      );
    });
  });

  describe('the JSON field scanner', function () {
    const SPECS: readonly FieldSpec[] = [
      value('model'),
      value('usage'),
      value('choices.*.finish_reason'),
      { path: 'choices.*.message.content', mode: 'chars' },
      { path: 'data.*', mode: 'count' },
    ];
    const doc = fc
      .record({
        model: fc.string(),
        choices: fc.array(
          fc.record({
            message: fc.record({ content: fc.string({ unit: 'grapheme' }) }),
            finish_reason: fc.constantFrom('stop', 'length', null),
          }),
          { maxLength: 4 },
        ),
        data: fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 5 }),
        usage: fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.integer(), fc.double(), fc.constant(null))),
        extra: fc.jsonValue({ maxDepth: 3 }),
      })
      .map((d) => JSON.parse(JSON.stringify(d)) as unknown);
    const cuts = fc.array(fc.nat(2000), { maxLength: 16 });

    it('never invents a value: a body cut anywhere yields a prefix of what the whole body yields', function () {
      fc.assert(
        fc.property(doc, fc.nat(), cuts, (d, at, pieces) => {
          const bytes = Buffer.from(JSON.stringify(d));
          const whole = extractFields(d, SPECS);
          const scanner = new JsonFieldScanner(SPECS);
          writeInPieces(scanner, bytes.subarray(0, at % (bytes.length + 1)), pieces);
          for (const [path, values] of scanner.result()) {
            const all = whole.get(path) ?? [];
            assert.deepEqual(values, all.slice(0, values.length), path);
          }
        }),
        params,
      );
    });

    it('reads the same fields however the body is cut, with or without whitespace', function () {
      fc.assert(
        fc.property(doc, cuts, fc.boolean(), (d, pieces, pretty) => {
          const bytes = Buffer.from(JSON.stringify(d, null, pretty ? 2 : undefined));
          const scanner = new JsonFieldScanner(SPECS);
          writeInPieces(scanner, bytes, pieces);
          assert.deepEqual(scanner.result(), extractFields(d, SPECS));
          assert.equal(scanner.malformed, false);
        }),
        params,
      );
    });
  });

  describe('the SSE reader', function () {
    const field = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 40 }).map((s) => `data: ${s.replace(/[\r\n]/g, ' ')}`),
      fc.constantFrom('event: message_delta', 'event: ping', ': keep-alive', 'id: 7', 'retry: 100', 'data', 'data:', 'nonsense: x'),
    );
    const stream = fc
      .tuple(fc.array(fc.array(field, { minLength: 1, maxLength: 4 }), { maxLength: 8 }), fc.constantFrom('\n', '\r\n', '\r'))
      .map(([events, eol]) => Buffer.from(events.map((lines) => lines.join(eol) + eol + eol).join('')));
    const read = (bytes: Buffer, pieces: readonly number[]) => {
      const events: [string, string][] = [];
      const reader = new SseReader((event, data) => events.push([event, data]));
      writeInPieces(reader, bytes, pieces);
      reader.end();
      return events;
    };

    it('delivers the same events however the stream is cut, at any line ending', function () {
      fc.assert(
        fc.property(stream, fc.array(fc.nat(4000), { maxLength: 24 }), (bytes, pieces) => {
          assert.deepEqual(read(bytes, pieces), read(bytes, []));
        }),
        params,
      );
    });

    it('never throws on arbitrary bytes, and delivers at most one event per blank line (plus the last)', function () {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 600 }), fc.array(fc.nat(600), { maxLength: 10 }), (raw, pieces) => {
          const bytes = Buffer.from(raw);
          const events = read(bytes, pieces);
          const blank = (bytes.toString('utf8').match(/(\r\n|\r|\n)(\r\n|\r|\n)/g) ?? []).length;
          assert.ok(events.length <= blank + 1);
        }),
        params,
      );
    });
  });

  describe('the catalog loader', function () {
    const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,12}$/);
    const charge = fc.record({
      unit: fc.constantFrom(...UNITS),
      rate: fc.tuple(fc.nat(10_000_000), fc.nat(9)).map(([m, s]) => (m / 10 ** s).toString()),
      per: fc.constantFrom(1, 1000, 1_000_000),
    });
    const plan = fc.record({
      id: name.map((n) => `acme/${n}`),
      provider: fc.constantFrom('openai', 'anthropic', 'acme'),
      operations: fc.constantFrom(['chat'], ['embeddings'], ['chat', 'search']),
      models: fc.option(
        fc.array(
          fc.oneof(
            name,
            name.map((n) => `${n}*`),
          ),
          { minLength: 1, maxLength: 3 },
        ),
        { nil: undefined },
      ),
      charges: fc.uniqueArray(charge, { minLength: 1, maxLength: 3, selector: (c) => c.unit }),
    });
    const catalog = fc
      .record({
        catalog: name,
        currency: fc.constantFrom('USD', 'EUR'),
        plans: fc.uniqueArray(plan, { maxLength: 6, selector: (p) => p.id }),
      })
      .map((c) => JSON.parse(JSON.stringify(c)) as unknown);

    it('accepts every well-formed catalog, as YAML and as JSON, and prices any call against it without throwing', function () {
      fc.assert(
        fc.property(catalog, name, fc.constantFrom('chat', 'embeddings', 'search'), usageOf, (doc, model, operation, usage) => {
          for (const text of [stringify(doc), JSON.stringify(doc)]) {
            const result = validateCatalogText(text, 'gen.yaml');
            assert.ok(result.ok, result.ok ? '' : JSON.stringify(result.problems));
            const compiled = compileCatalog(result.document, 'gen.yaml', 0);
            const pricer = new Pricer(new PlanIndex(compiled.plans));
            for (const provider of ['openai', 'anthropic', 'acme'])
              pricer.price({ provider, operation, model, usage: usage as Record<string, number> });
          }
        }),
        params,
      );
    });

    it('answers any damaged catalog text with problems located inside the file, never a throw', function () {
      const damage = fc.array(fc.tuple(fc.nat(), fc.nat(8), fc.string({ unit: 'binary', maxLength: 6 })), { minLength: 1, maxLength: 6 });
      fc.assert(
        fc.property(catalog, damage, fc.boolean(), (doc, edits, json) => {
          let text = json ? JSON.stringify(doc, null, 1) : stringify(doc);
          for (const [at, remove, insert] of edits) {
            const i = at % (text.length + 1);
            text = text.slice(0, i) + insert + text.slice(i + remove);
          }
          const result = validateCatalogText(text, 'damaged.yaml');
          if (result.ok) return;
          const lines = text.split(/\r\n|\r|\n/).length;
          for (const p of result.problems) {
            assert.ok(p.line !== undefined && p.line >= 1 && p.line <= lines + 1, `line ${p.line} of ${lines}`);
            assert.ok(p.col !== undefined && p.col >= 1);
            assert.ok(p.message.length > 0 && !p.message.includes('\n'));
          }
        }),
        params,
      );
    });
  });
});
