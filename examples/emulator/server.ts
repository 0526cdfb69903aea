/**
 * The provider emulator: one local HTTP server answering in the real wire
 * formats of the AI APIs ai-pricetag recognises, each under a path prefix
 * named after the provider (`/openai/v1/chat/completions`,
 * `/anthropic/v1/messages`, `/google/v1beta/models/…` for `gcp.gemini`). Usage is measured
 * from the request and drawn from seeded distributions, faults are injected
 * at a rate or on demand, and every request is logged without its content.
 */
import { randomInt } from 'node:crypto';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PrefixCache } from './cache.js';
import { DEFAULT_FAULT_MIX, errorKind, FAULT_HEADER, FAULTS, forcedFault, randomFault, type Fault, type FaultMix } from './faults.js';
import { prefixOf, PROVIDER_NAMES, PROVIDERS, type ProviderName } from './providers/index.js';
import { fnv1a, fnv1aBytes, mixSeed, Random } from './random.js';
import { ResponseStream } from './sse.js';
import { PIXEL_PNG_BASE64 } from './text.js';
import type { EmulatorRequest, ErrorResponse, Json, OutputShape, ProviderEmulator, Reply } from './types.js';

export interface EmulatorOptions {
  /** Interface to listen on. @default '127.0.0.1' */
  readonly host?: string;
  /** Port; 0 picks a free one. @default 0 */
  readonly port?: number;
  /** Origin clients reach the emulator at (e.g. `http://emulator:8080` in Compose). @default from host and port */
  readonly publicOrigin?: string;
  /** Seed of every random draw; the same seed and requests give the same answers. @default random */
  readonly seed?: number;
  /** Median time before a response starts, ms. @default 0 */
  readonly latencyMs?: number;
  /** Median pause between streamed events, ms. @default 0 */
  readonly chunkDelayMs?: number;
  /** Spread of latencies (lognormal sigma around the medians). @default 0.3 */
  readonly jitter?: number;
  /** Share of requests (0..1) that fail, split by `faultMix`. @default 0 */
  readonly errorRate?: number;
  /** Relative weights of random faults. @default { 429: 0.5, 500: 0.25, drop: 0.25 } */
  readonly faultMix?: FaultMix;
  /** `Retry-After` of rate-limit responses, seconds. @default 1 */
  readonly retryAfterSeconds?: number;
  /** Output length distribution (tokens): lognormal median and sigma. @default { median: 180, sigma: 0.8 } */
  readonly outputTokens?: Partial<OutputShape>;
  /** Request log entries kept (oldest dropped first). @default 10000 */
  readonly maxLogEntries?: number;
}

/** One request as logged: what was called and how it went, never prompt text, keys or headers. */
export interface RequestLogEntry {
  readonly seq: number;
  /** When the request arrived (ISO 8601). */
  readonly time: string;
  readonly provider: string;
  /** The API operation (`chat.completions`, `messages`, `search`, …), `unknown` for a 404. */
  readonly operation: string;
  readonly method: string;
  /** The request path without its query (which may carry an API key). */
  readonly path: string;
  readonly model?: string;
  readonly stream: boolean;
  /** Response status; 0 when the connection was dropped before one. */
  readonly status: number;
  readonly fault?: Fault;
  /** Counts the response reported (tokens, characters, images, credits, …). */
  readonly usage?: Readonly<Record<string, number>>;
  /** The client went away before the response was complete. */
  readonly clientAborted?: boolean;
  /** Time from arrival to the end of the response, ms (set once it has ended). */
  readonly durationMs?: number;
}

export interface EmulatorStats {
  readonly total: number;
  readonly inFlight: number;
  readonly byProvider: Readonly<Record<string, number>>;
  /** `provider operation` → requests. */
  readonly byOperation: Readonly<Record<string, number>>;
  readonly byStatus: Readonly<Record<string, number>>;
  readonly byFault: Readonly<Record<string, number>>;
}

/** A base URL under which ai-pricetag recognises a provider's calls (its `endpoints` config). */
export interface EmulatorEndpoint {
  readonly provider: ProviderName;
  readonly baseUrl: string;
}

export interface Emulator {
  /** `http://host:port` as clients reach it. */
  readonly origin: string;
  readonly port: number;
  /** ai-pricetag's `endpoints` option: every emulated provider's base URL. */
  readonly endpoints: readonly EmulatorEndpoint[];
  /** The same as a `PRICETAG_ENDPOINTS` value (`openai=http://…/openai/v1,anthropic=…`). */
  readonly pricetagEndpoints: string;
  /** Base URL per provider, as its official client takes it (OpenAI SDK `baseURL`, Anthropic SDK `baseURL`, Gemini `baseUrl`, …). */
  readonly baseUrls: Readonly<Record<ProviderName, string>>;
  /** The request log, oldest first (at most `maxLogEntries`). */
  readonly requests: readonly RequestLogEntry[];
  stats(): EmulatorStats;
  /** Empties the request log and the counts. */
  clearRequests(): void;
  close(): Promise<void>;
}

export const DEFAULT_OPTIONS = {
  host: '127.0.0.1',
  port: 0,
  latencyMs: 0,
  chunkDelayMs: 0,
  jitter: 0.3,
  errorRate: 0,
  retryAfterSeconds: 1,
  outputTokens: { median: 180, sigma: 0.8 },
  maxLogEntries: 10_000,
} as const;

/** Request bodies beyond this are refused (413); a 1M-token prompt is about 4 MB. */
const MAX_BODY_BYTES = 64 * 1024 * 1024;

/** Every provider's endpoint under `origin`. */
export function endpointsFor(origin: string): EmulatorEndpoint[] {
  const base = origin.replace(/\/+$/, '');
  return PROVIDERS.map((p, i) => ({ provider: PROVIDER_NAMES[i]!, baseUrl: `${base}/${prefixOf(p)}${p.apiRoot}` }));
}

/** `PRICETAG_ENDPOINTS` for an emulator at `origin`. */
export function pricetagEndpointsFor(origin: string): string {
  return endpointsFor(origin)
    .map((e) => `${e.provider}=${e.baseUrl}`)
    .join(',');
}

export function baseUrlsFor(origin: string): Record<ProviderName, string> {
  return Object.fromEntries(endpointsFor(origin).map((e) => [e.provider, e.baseUrl])) as Record<ProviderName, string>;
}

type MutableEntry = { -readonly [K in keyof RequestLogEntry]: RequestLogEntry[K] };

function originOf(host: string, port: number): string {
  const reachable = host === '0.0.0.0' || host === '' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}

function count(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

/** A form-encoded body as an object; repeated fields become arrays. */
function formBody(text: string): Json {
  const out: Json = {};
  for (const [k, v] of new URLSearchParams(text)) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

function parseBody(bytes: Buffer, contentType: string | undefined): Json | undefined {
  if (bytes.length === 0) return {};
  const text = bytes.toString('utf8');
  if (contentType?.includes('application/x-www-form-urlencoded') === true) return formBody(text);
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
  } catch {
    return undefined;
  }
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const host = options.host ?? DEFAULT_OPTIONS.host;
  const seed = (options.seed ?? randomInt(2 ** 31)) >>> 0;
  const latencyMs = Math.max(0, options.latencyMs ?? DEFAULT_OPTIONS.latencyMs);
  const chunkDelayMs = Math.max(0, options.chunkDelayMs ?? DEFAULT_OPTIONS.chunkDelayMs);
  const jitter = Math.max(0, options.jitter ?? DEFAULT_OPTIONS.jitter);
  const errorRate = Math.min(1, Math.max(0, options.errorRate ?? DEFAULT_OPTIONS.errorRate));
  const faultMix = options.faultMix ?? DEFAULT_FAULT_MIX;
  const retryAfter = options.retryAfterSeconds ?? DEFAULT_OPTIONS.retryAfterSeconds;
  const output: OutputShape = { ...DEFAULT_OPTIONS.outputTokens, ...options.outputTokens };
  const maxLog = Math.max(1, options.maxLogEntries ?? DEFAULT_OPTIONS.maxLogEntries);

  const byPrefix = new Map<string, ProviderEmulator>(PROVIDERS.map((p) => [prefixOf(p), p]));
  const cache = new PrefixCache();
  const counters = new Map<string, number>();
  /** How often each request fingerprint was seen: the n-th identical request gets the n-th answer. */
  const occurrences = new Map<number, number>();
  const log: MutableEntry[] = [];
  let seq = 0;
  let inFlight = 0;
  const stats = {
    byProvider: new Map<string, number>(),
    byOperation: new Map<string, number>(),
    byStatus: new Map<string, number>(),
    byFault: new Map<string, number>(),
    total: 0,
  };

  let closing = false;
  const timers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (closing || ms <= 0) return resolve();
      const pending = {
        timer: setTimeout(() => {
          timers.delete(pending);
          resolve();
        }, ms),
        resolve,
      };
      timers.add(pending);
    });
  const jittered = (rng: Random, median: number) => (median <= 0 ? 0 : jitter === 0 ? median : rng.lognormal(median, jitter));

  let origin = '';

  const server = http.createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) sendJson(res, 500, { error: { message: 'emulator error', type: 'server_error' } });
      else res.destroy();
    });
  });
  // Long prompts take a while to upload; streams may idle between events.
  server.requestTimeout = 0;
  server.keepAliveTimeout = 5_000;

  function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
    res.end(text);
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    const pathname = url.pathname;
    const method = (req.method ?? 'GET').toUpperCase();
    if (pathname === '/healthz') return sendJson(res, 200, { status: 'ok' });
    if (pathname.startsWith('/_emulator/')) return admin(method, pathname, url.searchParams, res);

    const m = /^\/([^/]+)(\/.*)?$/.exec(pathname);
    const provider = m === null ? undefined : byPrefix.get(m[1]!);
    if (provider === undefined) {
      req.resume();
      return sendJson(res, 404, {
        error: {
          message: `No emulated API at ${pathname}. Providers: ${PROVIDERS.map((p) => `/${prefixOf(p)}`).join(', ')}`,
          type: 'not_found',
        },
      });
    }

    const parts: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_BODY_BYTES)
        return sendJson(
          res,
          413,
          { error: { message: `request body over ${MAX_BODY_BYTES} bytes`, type: 'invalid_request_error' } },
          { connection: 'close' },
        );
      parts.push(chunk);
    }
    const bytes = Buffer.concat(parts);

    const entry: MutableEntry = {
      seq: ++seq,
      time: new Date().toISOString(),
      provider: provider.provider,
      operation: 'unknown',
      method,
      path: pathname,
      stream: false,
      status: 0,
    };
    log.push(entry);
    if (log.length > maxLog) log.splice(0, log.length - maxLog);
    inFlight++;
    const started = performance.now();
    let settled = false;
    const settle = () => {
      if (settled) return;
      settled = true;
      inFlight--;
      stats.total++;
      count(stats.byProvider, entry.provider);
      count(stats.byOperation, `${entry.provider} ${entry.operation}`);
      count(stats.byStatus, String(entry.status));
      if (entry.fault !== undefined) count(stats.byFault, entry.fault);
    };
    res.on('close', () => {
      entry.durationMs = Math.round(performance.now() - started);
      if (!res.writableFinished && entry.fault === undefined && !closing) entry.clientAborted = true;
      settle();
    });

    const body = parseBody(bytes, req.headers['content-type']);
    if (body === undefined) {
      entry.status = 400;
      settle();
      return sendJson(res, 400, {
        error: { message: 'We could not parse the JSON body of your request.', type: 'invalid_request_error', param: null, code: null },
      });
    }
    const request: EmulatorRequest = { method, path: m![2] ?? '/', query: url.searchParams, headers: req.headers, body };
    const operation = provider.route(request);
    if (operation === undefined) {
      const e: ErrorResponse = provider.notFound?.(request) ?? {
        status: 404,
        body: { error: { message: `Unknown route ${method} ${pathname}`, type: 'not_found' } },
      };
      entry.status = e.status;
      settle();
      return sendJson(res, e.status, e.body, e.headers);
    }
    entry.operation = operation.name;
    if (operation.model !== undefined) entry.model = operation.model;
    entry.stream = operation.stream;

    const forced = forcedFault(req.headers[FAULT_HEADER]);
    if (forced === 'invalid') {
      entry.status = 400;
      settle();
      return sendJson(res, 400, {
        error: { message: `${FAULT_HEADER} must be one of ${FAULTS.join(', ')}`, type: 'invalid_request_error' },
      });
    }
    // Seeded by the request itself (never its key: the query's `key` is left out), so concurrent
    // requests get the same answers whatever order they arrive in.
    const query = new URLSearchParams(url.searchParams);
    query.delete('key');
    const fingerprint = fnv1aBytes(bytes, fnv1a(`${method} ${pathname}?${query}`));
    const occurrence = occurrences.get(fingerprint) ?? 0;
    if (occurrences.size > 100_000) occurrences.clear();
    occurrences.set(fingerprint, occurrence + 1);
    const rng = new Random(mixSeed(seed, fingerprint, occurrence, 0));
    const faultRng = new Random(mixSeed(seed, fingerprint, occurrence, 1));
    const timingRng = new Random(mixSeed(seed, fingerprint, occurrence, 2));

    const fault = forced ?? randomFault(faultRng, errorRate, faultMix, operation.stream);
    if (fault !== undefined) entry.fault = fault;

    await sleep(jittered(timingRng, latencyMs));
    if (closing || res.destroyed) return settle();

    if (fault === 'drop') {
      settle();
      res.destroy();
      return;
    }
    const kind = fault === undefined ? undefined : errorKind(fault);
    if (kind !== undefined) {
      const e = provider.error(kind, request, retryAfter);
      entry.status = e.status;
      settle();
      return sendJson(res, e.status, e.body, { ...e.headers, ...(e.status === 429 ? { 'retry-after': String(retryAfter) } : {}) });
    }
    await operation.respond(reply(res, entry, rng, timingRng, fault === 'drop-mid-stream', settle));
    if (!settled && !res.headersSent) {
      entry.status = 500;
      settle();
      sendJson(res, 500, { error: { message: 'the emulator did not answer', type: 'server_error' } });
    }
  }

  function reply(res: http.ServerResponse, entry: MutableEntry, rng: Random, timing: Random, cut: boolean, settle: () => void): Reply {
    return {
      rng,
      origin,
      cache,
      counters,
      output,
      now: Math.floor(Date.now() / 1000),
      usage(counts) {
        entry.usage = { ...counts };
      },
      json(status, body, headers = {}) {
        if (res.headersSent) return;
        entry.status = status;
        const text = JSON.stringify(body);
        if (!cut) {
          settle();
          sendJson(res, status, body, headers);
          return;
        }
        // The response starts and the connection is cut halfway through its body.
        const bytes = Buffer.from(text);
        res.writeHead(status, { 'content-type': 'application/json', 'content-length': bytes.length, ...headers });
        res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => {
          settle();
          res.destroy();
        });
      },
      stream(events, streamOptions = {}) {
        entry.status = 200;
        res.writeHead(200, {
          'content-type': streamOptions.contentType ?? 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache',
          ...streamOptions.headers,
        });
        res.flushHeaders();
        return new ResponseStream(
          res,
          { delay: () => jittered(timing, chunkDelayMs), sleep },
          streamOptions.lineEnd ?? '\n',
          cut ? Math.max(1, Math.floor(events / 2)) : undefined,
          settle,
          settle,
        );
      },
    };
  }

  function admin(method: string, pathname: string, query: URLSearchParams, res: http.ServerResponse): void {
    if (pathname === '/_emulator/requests' && method === 'GET') {
      const limit = Number(query.get('limit') ?? log.length);
      return sendJson(res, 200, log.slice(Math.max(0, log.length - (Number.isFinite(limit) ? limit : log.length))));
    }
    if (pathname === '/_emulator/requests' && method === 'DELETE') {
      clearRequests();
      res.writeHead(204).end();
      return;
    }
    if (pathname === '/_emulator/stats' && method === 'GET') return sendJson(res, 200, statsNow());
    if (pathname === '/_emulator/endpoints' && method === 'GET') {
      return sendJson(res, 200, {
        origin,
        endpoints: endpointsFor(origin),
        pricetagEndpoints: pricetagEndpointsFor(origin),
        baseUrls: baseUrlsFor(origin),
      });
    }
    if (/^\/_emulator\/images\/[\w-]+\.png$/.test(pathname) && method === 'GET') {
      const png = Buffer.from(PIXEL_PNG_BASE64, 'base64');
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': png.length }).end(png);
      return;
    }
    sendJson(res, 404, { error: { message: `Unknown emulator route ${method} ${pathname}`, type: 'not_found' } });
  }

  function statsNow(): EmulatorStats {
    const obj = (m: Map<string, number>) => Object.fromEntries([...m].sort(([a], [b]) => a.localeCompare(b)));
    return {
      total: stats.total,
      inFlight,
      byProvider: obj(stats.byProvider),
      byOperation: obj(stats.byOperation),
      byStatus: obj(stats.byStatus),
      byFault: obj(stats.byFault),
    };
  }

  function clearRequests(): void {
    log.length = 0;
    stats.total = 0;
    for (const m of [stats.byProvider, stats.byOperation, stats.byStatus, stats.byFault]) m.clear();
  }

  server.listen(options.port ?? DEFAULT_OPTIONS.port, host);
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  origin = (options.publicOrigin ?? originOf(host, port)).replace(/\/+$/, '');
  const endpoints = endpointsFor(origin);

  return {
    origin,
    port,
    endpoints,
    pricetagEndpoints: pricetagEndpointsFor(origin),
    baseUrls: baseUrlsFor(origin),
    requests: log,
    stats: statsNow,
    clearRequests,
    async close() {
      if (closing) return;
      closing = true;
      for (const t of timers) {
        clearTimeout(t.timer);
        t.resolve();
      }
      timers.clear();
      const closed = new Promise((resolve) => server.close(resolve));
      server.closeAllConnections();
      await closed;
    },
  };
}
