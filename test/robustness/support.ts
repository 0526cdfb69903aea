// Shared by the robustness suite: a strict reader of the Prometheus text format, a diag logger
// that keeps every line, the fuzz time budget, the emulator mounted on the shared harness, and
// a way to compare what the application sees with and without the instrumentation.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import axios from 'axios';
import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../examples/emulator/index.js';
import type { Harness } from '../support/harness.js';

// ---------------------------------------------------------------------------------------------
// Prometheus text format 0.0.4, read strictly: every line must be a HELP, TYPE, comment, blank
// or sample line of the grammar; names, label names and escapes as the format defines them;
// one TYPE per family before its samples; no series twice; histograms complete and cumulative.

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const FLOAT = /^(?:[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|[+-]?Inf|NaN)$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface Exposition {
  readonly types: ReadonlyMap<string, string>;
  readonly samples: readonly Sample[];
}

/** Reads a label set `{a="x",b="y"}` starting at `text[i] === '{'`; returns the labels and the index after `}`. */
function readLabels(text: string, i: number, where: string): { labels: Record<string, string>; end: number } {
  const labels: Record<string, string> = {};
  i++;
  for (;;) {
    if (text[i] === '}') return { labels, end: i + 1 };
    const eq = text.indexOf('=', i);
    assert.ok(eq > i, `${where}: label without "="`);
    const name = text.slice(i, eq);
    assert.match(name, LABEL_NAME, `${where}: bad label name ${JSON.stringify(name)}`);
    assert.ok(!(name in labels), `${where}: label ${name} twice`);
    assert.equal(text[eq + 1], '"', `${where}: label value of ${name} not quoted`);
    let value = '';
    let j = eq + 2;
    for (;;) {
      const c = text[j];
      assert.ok(c !== undefined, `${where}: unterminated label value of ${name}`);
      if (c === '"') break;
      assert.notEqual(c, '\n', `${where}: raw newline in a label value`);
      if (c === '\\') {
        const next = text[j + 1];
        assert.ok(next === '\\' || next === '"' || next === 'n', `${where}: bad escape \\${next ?? ''} in label ${name}`);
        value += next === 'n' ? '\n' : next;
        j += 2;
        continue;
      }
      value += c;
      j++;
    }
    labels[name] = value;
    i = j + 1;
    if (text[i] === ',') i++;
    else assert.equal(text[i], '}', `${where}: expected , or } after label ${name}`);
  }
}

/** The family a sample belongs to: histogram series end in _bucket, _sum or _count. */
function familyOf(name: string, types: ReadonlyMap<string, string>): string | undefined {
  if (types.has(name)) return name;
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (name.endsWith(suffix)) {
      const base = name.slice(0, -suffix.length);
      if (types.get(base) === 'histogram' || types.get(base) === 'summary') return base;
    }
  }
  return undefined;
}

/** Parses an exposition, failing with the line number on the first departure from the format. */
export function parseExposition(text: string): Exposition {
  const types = new Map<string, string>();
  const helps = new Set<string>();
  const seenSamples = new Set<string>();
  const withSamples = new Set<string>();
  const samples: Sample[] = [];
  const lines = text.split('\n');
  lines.forEach((line, index) => {
    const where = `line ${index + 1}: ${line.slice(0, 120)}`;
    if (line === '') return;
    if (line.startsWith('#')) {
      const help = /^# HELP (\S+) (.*)$/.exec(line);
      const type = /^# TYPE (\S+) (\S+)$/.exec(line);
      if (help !== null) {
        assert.match(help[1]!, METRIC_NAME, where);
        assert.ok(!helps.has(help[1]!), `${where}: HELP twice`);
        helps.add(help[1]!);
        assert.doesNotMatch(help[2]!.replace(/\\[\\n]/g, ''), /\\/, `${where}: bad escape in HELP`);
      } else if (type !== null) {
        assert.match(type[1]!, METRIC_NAME, where);
        assert.ok(TYPES.has(type[2]!), `${where}: unknown type`);
        assert.ok(!types.has(type[1]!), `${where}: TYPE twice`);
        assert.ok(!withSamples.has(type[1]!), `${where}: TYPE after samples`);
        types.set(type[1]!, type[2]!);
      } else {
        assert.doesNotMatch(line, /^# (HELP|TYPE) /, `${where}: malformed HELP/TYPE`);
      }
      return;
    }
    const nameEnd = line.search(/[{ ]/);
    assert.ok(nameEnd > 0, `${where}: no metric name`);
    const name = line.slice(0, nameEnd);
    assert.match(name, METRIC_NAME, `${where}: bad metric name`);
    let labels: Record<string, string> = {};
    let rest = nameEnd;
    if (line[nameEnd] === '{') ({ labels, end: rest } = readLabels(line, nameEnd, where));
    const tail = line.slice(rest);
    const parts = /^ (\S+)(?: (-?\d+))?$/.exec(tail);
    assert.ok(parts !== null, `${where}: expected " value [timestamp]"`);
    assert.match(parts[1]!, FLOAT, `${where}: bad value`);
    const family = familyOf(name, types);
    assert.ok(family !== undefined, `${where}: sample of an undeclared family`);
    withSamples.add(family);
    const key = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    assert.ok(!seenSamples.has(key), `${where}: series twice`);
    seenSamples.add(key);
    const value = parts[1] === '+Inf' || parts[1] === 'Inf' ? Infinity : parts[1] === '-Inf' ? -Infinity : Number(parts[1]);
    samples.push({ name, labels, value });
  });
  checkHistograms(types, samples);
  return { types, samples };
}

/** Buckets cumulative and ending in +Inf equal to _count, for every histogram series. */
function checkHistograms(types: ReadonlyMap<string, string>, samples: readonly Sample[]): void {
  const series = new Map<string, { buckets: [number, number][]; count?: number }>();
  for (const s of samples) {
    const family = familyOf(s.name, types);
    if (family === undefined || types.get(family) !== 'histogram') continue;
    const { le, ...rest } = s.labels;
    const key = `${family}${JSON.stringify(Object.entries(rest).sort())}`;
    const entry = series.get(key) ?? { buckets: [] };
    series.set(key, entry);
    if (s.name.endsWith('_bucket')) {
      assert.ok(le !== undefined, `${s.name} without le`);
      entry.buckets.push([le === '+Inf' ? Infinity : Number(le), s.value]);
    } else if (s.name.endsWith('_count')) entry.count = s.value;
  }
  for (const [key, { buckets, count }] of series) {
    buckets.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < buckets.length; i++) assert.ok(buckets[i]![1] >= buckets[i - 1]![1], `${key}: buckets not cumulative`);
    assert.equal(buckets.at(-1)?.[0], Infinity, `${key}: no +Inf bucket`);
    assert.equal(buckets.at(-1)?.[1], count, `${key}: +Inf bucket differs from _count`);
  }
}

/** Sum of the samples of one series name whose labels match `where`. */
export function total(exposition: Exposition, name: string, where: Readonly<Record<string, string>> = {}): number {
  let sum = 0;
  for (const s of exposition.samples) {
    if (s.name !== name) continue;
    if (Object.entries(where).every(([k, v]) => s.labels[k] === v)) sum += s.value;
  }
  return sum;
}

let promtoolChecked: boolean | undefined;

/** promtool's own parser, when installed (CI installs it): `promtool check metrics` must accept the text. */
export function promtoolAccepts(text: string): void {
  promtoolChecked ??= spawnSync('promtool', ['--version']).status === 0;
  if (!promtoolChecked) return;
  const run = spawnSync('promtool', ['check', 'metrics'], { input: text });
  // Exit 3 is lint advice (naming style), which is not a parse failure; anything else is.
  const out = `${run.stdout.toString()}${run.stderr.toString()}`;
  assert.ok(
    run.status === 0 || (run.status === 3 && !/error while linting|text format parsing error/.test(out)),
    `promtool check metrics: ${out.slice(0, 2000)}`,
  );
}

// ---------------------------------------------------------------------------------------------
// The diag logger: every line ai-pricetag (and the SDK) says while a test runs.

export interface DiagCapture {
  readonly lines: string[];
  restore(): void;
}

export function captureDiag(): DiagCapture {
  const lines: string[] = [];
  const show = (a: unknown) => (a instanceof Error ? `${a.name}: ${a.message}` : typeof a === 'string' ? a : JSON.stringify(a));
  const keep =
    (level: string) =>
    (message: string, ...args: unknown[]) =>
      void lines.push(`${level} ${message} ${args.map(show).join(' ')}`);
  const logger: DiagLogger = {
    error: keep('error'),
    warn: keep('warn'),
    info: keep('info'),
    debug: keep('debug'),
    verbose: keep('verbose'),
  };
  diag.setLogger(logger, { logLevel: DiagLogLevel.ALL, suppressOverrideMessage: true });
  return {
    lines,
    restore: () => diag.disable(),
  };
}

// ---------------------------------------------------------------------------------------------
// Fuzzing time.

/** Milliseconds a fuzz loop may run: FUZZ_SECONDS when set (npm run fuzz), else the CI default. */
export function fuzzBudgetMs(ciSeconds: number): number {
  const configured = Number(process.env.FUZZ_SECONDS);
  return (Number.isFinite(configured) && configured > 0 ? configured : ciSeconds) * 1000;
}

/** Runs `body` with a fresh seed until the budget is spent; returns how many runs it made and the seed. */
export function forBudget(ms: number, body: (iteration: number) => void): number {
  const until = performance.now() + ms;
  let n = 0;
  do body(n++);
  while (performance.now() < until);
  return n;
}

// ---------------------------------------------------------------------------------------------
// The provider emulator, recognised by the shared harness's instrumentation.

export interface MountedEmulator {
  readonly emulator: Emulator;
  close(): Promise<void>;
}

export async function mountEmulator(h: Harness, options: EmulatorOptions = {}): Promise<MountedEmulator> {
  const emulator = await startEmulator({ seed: 9, ...options });
  const before = h.instrumentation.getConfig();
  h.instrumentation.setConfig({ ...before, endpoints: [...(before.endpoints ?? []), ...emulator.endpoints] });
  return {
    emulator,
    async close() {
      h.instrumentation.setConfig({ ...h.instrumentation.getConfig(), endpoints: before.endpoints });
      await emulator.close();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// What the application sees.

/** A call's result as the application observes it: value, or error class, message, code, status and cause. */
export async function observed<T>(run: () => Promise<T>): Promise<Record<string, unknown>> {
  try {
    return { ok: await run() };
  } catch (error) {
    return describeError(error);
  }
}

export function describeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { thrown: String(error) };
  const e = error as Error & { code?: unknown; status?: unknown; cause?: unknown; response?: { status?: unknown; data?: unknown } };
  const out: Record<string, unknown> = { class: e.constructor.name, name: e.name, message: e.message };
  if (e.code !== undefined) out.code = e.code;
  if (e.status !== undefined) out.status = e.status;
  if (e.response !== undefined) out.response = { status: e.response.status, data: e.response.data };
  if (e.cause !== undefined) out.cause = describeError(e.cause);
  return out;
}

// ---------------------------------------------------------------------------------------------
// The three ways an application sends a request.

export type Transport = 'fetch' | 'http' | 'axios';
export const TRANSPORTS: readonly Transport[] = ['fetch', 'http', 'axios'];

export interface Seen {
  readonly status: number;
  readonly contentType: unknown;
  /** Base64 of the body as the application read it (fetch and axios decode it, http does not). */
  readonly body: string;
}

export interface PostOptions {
  readonly headers?: Readonly<Record<string, string>>;
  /** Aborts the request (fetch, axios) or destroys it (http) when fired. */
  readonly signal?: AbortSignal;
  /** Gives up after this long, each transport in its own way. */
  readonly timeoutMs?: number;
}

/** One POST as an application makes it, and what it sees. */
export async function post(transport: Transport, url: string, body: unknown, options: PostOptions = {}): Promise<Seen> {
  const payload = typeof body === 'string' ? body : JSON.stringify(body);
  const headers = { 'content-type': 'application/json', ...options.headers };
  if (transport === 'fetch') {
    const signal = options.timeoutMs === undefined ? options.signal : AbortSignal.timeout(options.timeoutMs);
    const res = await fetch(url, { method: 'POST', headers, body: payload, signal });
    return {
      status: res.status,
      contentType: res.headers.get('content-type'),
      body: Buffer.from(await res.arrayBuffer()).toString('base64'),
    };
  }
  if (transport === 'axios') {
    const res = await axios.post(url, payload, {
      headers,
      responseType: 'arraybuffer',
      validateStatus: () => true,
      maxRedirects: 0,
      signal: options.signal,
      timeout: options.timeoutMs,
    });
    return { status: res.status, contentType: res.headers['content-type'], body: Buffer.from(res.data as ArrayBuffer).toString('base64') };
  }
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers, signal: options.signal, timeout: options.timeoutMs }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'], body: Buffer.concat(parts).toString('base64') }),
      );
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('request timed out'), { code: 'ETIMEDOUT' })));
    req.on('error', reject);
    req.end(payload);
  });
}
