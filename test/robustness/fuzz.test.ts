// Fuzzing the usage extractors: recorded provider exchanges of every adapter, damaged at random
// (bytes flipped, cut, spliced, hostile numbers and names put in, compressed or not) and fed in
// random pieces through the same readers capture uses, then finished, priced and checked. A few
// seconds in CI; `npm run fuzz` (FUZZ_SECONDS, default 60) runs longer. FUZZ_SEED replays a run.
import { strict as assert } from 'node:assert';
import { readdirSync } from 'node:fs';
import zlib from 'node:zlib';
import { requestBodyReader, responseBodyReader, responseKind } from '../../src/capture/body-readers.js';
import { priceFacts, type PricingContext } from '../../src/record/price-facts.js';
import { loadCatalogs } from '../../src/catalog/load.js';
import { formatDecimal } from '../../src/pricing/decimal.js';
import { UNPRICED_REASONS } from '../../src/pricing/vocabulary.js';
import { BUILT_IN_ADAPTERS } from '../../src/providers/index.js';
import { COUNT_LIMIT, MODEL_NAME_LIMIT } from '../../src/providers/read.js';
import { ProviderRegistry, type Recognition } from '../../src/providers/registry.js';
import { cpuMsSince } from '../support/cpu-time.js';
import { loadFixture, type Fixture } from '../support/fixtures.js';
import { forBudget, fuzzBudgetMs } from './support.js';

/** Where each fixture folder's calls go, as the provider tests address them. */
const BASES: Readonly<Record<string, string>> = {
  openai: 'https://api.openai.com',
  'azure-openai': 'https://contoso-eastus.openai.azure.com',
  anthropic: 'https://api.anthropic.com',
  gemini: 'https://generativelanguage.googleapis.com',
  mistral: 'https://api.mistral.ai',
  perplexity: 'https://api.perplexity.ai',
  'google-cloud-vision': 'https://vision.googleapis.com',
  'google-cloud-translate': 'https://translation.googleapis.com',
  deepl: 'https://api.deepl.com',
  'aws-comprehend': 'https://comprehend.us-east-1.amazonaws.com',
  'aws-translate': 'https://translate.eu-west-1.amazonaws.com',
  'aws-rekognition': 'https://rekognition.us-east-1.amazonaws.com',
  'azure-ai-language': 'https://contoso.cognitiveservices.azure.com',
  tavily: 'https://api.tavily.com',
  exa: 'https://api.exa.ai',
  'aws-bedrock': 'https://bedrock-runtime.us-east-1.amazonaws.com',
  'vertex-ai': 'https://aiplatform.googleapis.com',
  cohere: 'https://api.cohere.com',
  'vercel.ai_gateway': 'https://ai-gateway.vercel.sh',
  groq: 'https://api.groq.com',
  deepseek: 'https://api.deepseek.com',
  x_ai: 'https://api.x.ai',
  together_ai: 'https://api.together.xyz',
  fireworks_ai: 'https://api.fireworks.ai',
  openrouter: 'https://openrouter.ai',
};

interface Exchange {
  readonly name: string;
  readonly recognition: Recognition;
  readonly fixture: Fixture;
  readonly request: Buffer;
  readonly response: Buffer;
  readonly contentType: string;
}

function exchanges(): Exchange[] {
  const registry = new ProviderRegistry(BUILT_IN_ADAPTERS);
  const out: Exchange[] = [];
  const root = new URL('../mock-responses/', import.meta.url);
  for (const dir of readdirSync(root)) {
    const known = BASES[dir];
    if (known === undefined) throw new Error(`fuzz: no base URL for test/mock-responses/${dir} in BASES`);
    const base = new URL(known);
    for (const file of readdirSync(new URL(`${dir}/`, root))) {
      const fixture = loadFixture(dir, file.replace(/\.json$/, ''));
      const headers = new Map(Object.entries(fixture.request.headers).map(([k, v]) => [k.toLowerCase(), v]));
      const recognition = registry.recognize(fixture.request.method, base.host, fixture.request.path, (n) => headers.get(n));
      if (recognition === undefined) continue;
      const { body } = fixture.response;
      out.push({
        name: `${dir}/${file}`,
        recognition,
        fixture,
        request: Buffer.from(fixture.request.body === undefined ? '' : JSON.stringify(fixture.request.body)),
        response: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
        contentType: Object.entries(fixture.response.headers).find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? 'application/json',
      });
    }
  }
  return out;
}

/** xorshift32: small, seedable, good enough to pick mutations. */
class Rng {
  constructor(private state: number) {
    if (this.state === 0) this.state = 0x9e3779b9;
  }
  next(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state / 2 ** 32;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(list: readonly T[]): T {
    return list[this.int(list.length)]!;
  }
}

/** Tokens a hostile or broken provider might send, put in at random. */
const HOSTILE = [
  '-1',
  '-0',
  '1e300',
  '1e999999999',
  '"1e999999999"',
  '99999999999999999999999',
  'NaN',
  'Infinity',
  'null',
  'true',
  '""',
  '"\\u0000"',
  '"\\ud800"',
  `"${'m'.repeat(10_000)}"`,
  '"a\\"b\\\\c\\nd"',
  '[[[[[[[[[[[[[[[[',
  ']]]]',
  '{{{{',
  '}}}}',
  ',,,',
  ':',
  '"usage":{"prompt_tokens":-5,"completion_tokens":1e300}',
  '"usageMetadata":{"promptTokenCount":"7"}',
  '"costDollars":{"total":"1e999"}',
  '"+1"',
  '"+.5e-3"',
  '\n\n',
  '\r\n\r\n',
  '\r',
  'data: ',
  'event: message_delta\n',
  'data: [DONE]\n\n',
  'event: message_start\ndata: {"message":{"usage":{"input_tokens":-1}}}\n\n',
  ': comment\n',
  '\u00ff\u00fe',
  '\ufeff',
  '\u2028',
  '😀',
];

/** Values put in place of a JSON number or short string. */
const SWAPS = [
  '"+1"',
  '"+.5e-3"',
  '"1e999999999"',
  '"1e-999999999"',
  '-1',
  '-0.5',
  '1e300',
  '1e16',
  '"7"',
  'null',
  'true',
  '[]',
  '{}',
  '"NaN"',
  `"${'9'.repeat(5000)}"`,
  '0.1e1',
];

function mutate(bytes: Buffer, rng: Rng, pool: readonly Exchange[]): Buffer {
  let b = bytes;
  const edits = 1 + rng.int(5);
  for (let e = 0; e < edits; e++) {
    const at = rng.int(b.length + 1);
    switch (rng.int(10)) {
      case 0: {
        const c = Buffer.from(b);
        if (c.length > 0) c[at % c.length] = rng.int(256);
        b = c;
        break;
      }
      case 1:
        b = Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + rng.int(64)))]);
        break;
      case 2:
      case 3:
        b = Buffer.concat([b.subarray(0, at), Buffer.from(rng.pick(HOSTILE)), b.subarray(at)]);
        break;
      case 4: {
        const text = b
          .toString('latin1')
          .replace(/\d+/g, (m) => (rng.next() < 0.2 ? rng.pick(['-7', '1e309', '0.5', '4503599627370497', '1E1000', '']) : m));
        b = Buffer.from(text, 'latin1');
        break;
      }
      case 5:
        b = b.subarray(0, at);
        break;
      case 8:
      case 9: {
        // A JSON value swapped for a hostile one, where a usage count or a cost would be.
        const text = b
          .toString('latin1')
          .replace(/(:\s*)(-?\d[\d.eE+-]*|"[^"\\]{0,40}")/g, (m, colon: string) => (rng.next() < 0.15 ? colon + rng.pick(SWAPS) : m));
        b = Buffer.from(text, 'latin1');
        break;
      }
      case 6: {
        const other = rng.pick(pool).response;
        const from = rng.int(other.length + 1);
        b = Buffer.concat([b.subarray(0, at), other.subarray(from, from + rng.int(400)), b.subarray(at)]);
        break;
      }
      default: {
        const noise = Buffer.alloc(rng.int(32));
        for (let i = 0; i < noise.length; i++) noise[i] = rng.int(256);
        b = Buffer.concat([b.subarray(0, at), noise, b.subarray(at)]);
      }
    }
  }
  return b;
}

function feed(sink: { write(c: Uint8Array): void }, bytes: Buffer, rng: Rng): void {
  let i = 0;
  while (i < bytes.length) {
    const n = rng.next() < 0.2 ? 1 : 1 + rng.int(rng.next() < 0.5 ? 16 : 4096);
    sink.write(bytes.subarray(i, i + n));
    i += n;
  }
}

/** Inputs each fuzz loop runs at least, whatever its time budget: enough to reach priced and unpriced outcomes. */
const MIN_INPUTS = 200;

const loaded = loadCatalogs([]);
assert.ok(loaded.ok);
const pricer = loaded.pricer;

function checkModel(name: unknown, where: string): void {
  if (name === undefined) return;
  assert.equal(typeof name, 'string', where);
  assert.ok(
    // eslint-disable-next-line no-control-regex -- control characters are what must not get through
    (name as string).length <= MODEL_NAME_LIMIT && !/[\u0000-\u001f\u007f]/.test(name as string),
    `${where}: model ${JSON.stringify(name).slice(0, 60)}`,
  );
}

interface Tally {
  inputs: number;
  bytes: number;
  priced: number;
  unpriced: number;
}

/** One damaged exchange through request reader, response reader, adapter and pricing; throws on a broken invariant. */
async function runOne(x: Exchange, rng: Rng, pool: readonly Exchange[], tally: Tally, forceStream: boolean): Promise<void> {
  const { route, adapter, head } = { ...x.recognition, route: x.recognition.route };
  const request = rng.next() < 0.3 ? mutate(x.request, rng, pool) : x.request;
  const requestReader = requestBodyReader(x.fixture.request.headers['content-type'] ?? 'application/json', route.requestFields);
  feed(requestReader, request, rng);
  requestReader.end();
  const reader = route.begin(requestReader.result(), head);
  checkModel(reader.requestModel, 'requestModel');

  const status = rng.pick([x.fixture.response.status, x.fixture.response.status, 200, 400, 429, 500]);
  const kind = forceStream
    ? 'sse'
    : responseKind(rng.next() < 0.1 ? rng.pick(['text/html', 'application/json', 'text/event-stream', '']) : x.contentType);
  let body = mutate(x.response, rng, pool);
  let encoding: string | undefined;
  if (rng.next() < 0.15) {
    encoding = rng.pick(['gzip', 'br', 'deflate']);
    body = encoding === 'gzip' ? zlib.gzipSync(body) : encoding === 'br' ? zlib.brotliCompressSync(body) : zlib.deflateSync(body);
    if (rng.next() < 0.5) body = mutate(body, rng, pool);
  }
  let done!: () => void;
  const drained = new Promise<void>((resolve) => (done = resolve));
  const response = responseBodyReader(
    kind,
    encoding,
    status < 400 ? reader.responseFields : [],
    { onEvent: (event, data) => reader.onEvent?.(event, data), skipPatterns: () => reader.skipEventsWithout?.(), onDone: () => done() },
    reader.onEvent !== undefined,
    // Half the time with the adapter's skipping, as capture reads streams.
    reader.skipEventsWithout !== undefined && rng.next() < 0.5,
  );
  feed(response, body, rng);
  response.end();
  await drained;
  tally.inputs++;
  tally.bytes += body.length + request.length;

  const facts = reader.finish({
    status,
    response: response.result(),
    aborted: !response.ok || rng.next() < 0.1,
    requestBytes: request.length,
  });
  checkModel(facts.responseModel, 'responseModel');
  for (const item of facts.items) {
    checkModel(item.model, 'item model');
    for (const [unit, q] of Object.entries(item.usage)) assert.ok(Number.isFinite(q) && q >= 0 && q <= 4 * COUNT_LIMIT, `${unit} = ${q}`);
  }
  if (facts.providerCost !== undefined) assert.ok(facts.providerCost.amount.length <= 2100, 'provider cost text bounded');
  const ctx: PricingContext = {
    pricer,
    provider: adapter.provider,
    pricedAs: adapter.pricedAs,
    shadowPlans: new Map(),
    defaultCurrency: 'USD',
  };
  const priced = priceFacts(ctx, facts, status < 400 ? 'success' : 'error');
  if (priced.unpricedReason !== undefined) assert.ok((UNPRICED_REASONS as readonly string[]).includes(priced.unpricedReason));
  if (priced.cost !== undefined) {
    const amount = Number(formatDecimal(priced.cost.amount));
    assert.ok(Number.isFinite(amount) && amount >= 0, `cost ${formatDecimal(priced.cost.amount).slice(0, 40)}`);
    tally.priced++;
  } else tally.unpriced++;
}

describe('fuzzing the usage extractors', function () {
  const all = exchanges();
  const seed = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 32));
  const budget = fuzzBudgetMs(2);
  this.timeout(budget * 2 + 60_000);

  it('recognises every recorded exchange it fuzzes from', function () {
    assert.ok(all.length >= 60, `${all.length} exchanges`);
    // One provider per fixture folder: every adapter with recorded exchanges is fuzzed.
    assert.equal(new Set(all.map((x) => x.recognition.adapter.provider)).size, Object.keys(BASES).length, 'every adapter');
  });

  for (const [label, streams] of [
    ['JSON bodies and every other recorded response', false],
    ['SSE streams (any bytes read as an event stream)', true],
  ] as const) {
    it(`survives damaged ${label}: bounded usage, clean names, finite costs (seed ${seed})`, async function () {
      const rng = new Rng(streams ? seed ^ 0x5bd1e995 : seed);
      const pool = streams ? all.filter((x) => x.contentType.includes('event-stream')) : all;
      const tally: Tally = { inputs: 0, bytes: 0, priced: 0, unpriced: 0 };
      const until = performance.now() + budget;
      let slowest = 0;
      // The budget is wall time, so a busy machine runs fewer inputs: never fewer than MIN_INPUTS.
      while (performance.now() < until || tally.inputs < MIN_INPUTS) {
        const x = rng.pick(pool);
        const started = process.cpuUsage();
        try {
          await runOne(x, rng, all, tally, streams);
        } catch (error) {
          throw new Error(`${x.name}, input ${tally.inputs} of seed ${seed} (FUZZ_SEED=${seed} replays it): ${(error as Error).message}`, {
            cause: error,
          });
        }
        // CPU time, not wall time: what the input cost, however busy the machine.
        slowest = Math.max(slowest, cpuMsSince(started));
      }
      assert.ok(slowest < 2000, `one input took ${slowest.toFixed(0)} ms of CPU`);
      assert.ok(tally.priced > 0 && tally.unpriced > 0, 'both outcomes reached');
      process.stdout.write(
        `      fuzz ${streams ? 'sse' : 'json'}: ${tally.inputs} inputs, ${(tally.bytes / 1e6).toFixed(1)} MB, ` +
          `${tally.priced} priced, ${tally.unpriced} unpriced, slowest ${slowest.toFixed(0)} ms of CPU\n`,
      );
    });
  }

  it('survives random bytes as JSON and as SSE', function () {
    const rng = new Rng(seed ^ 0x1234567);
    const runs = forBudget(Math.min(budget, 1000), () => {
      const x = rng.pick(all);
      const noise = Buffer.alloc(rng.int(2048));
      for (let i = 0; i < noise.length; i++) noise[i] = rng.int(256);
      const reader = x.recognition.route.begin(new Map(), x.recognition.head);
      for (const kind of ['json', 'sse'] as const) {
        const listener = { onEvent: (event: string, data: string) => reader.onEvent?.(event, data), onDone: () => undefined };
        const r = responseBodyReader(kind, undefined, reader.responseFields, listener, reader.onEvent !== undefined);
        feed(r, noise, rng);
        r.end();
      }
      reader.finish({ status: 200, response: new Map(), aborted: false });
    });
    assert.ok(runs > 0);
  });
});
