/**
 * Capture of `node:http2` client streams (got with `http2: true`, the AWS SDK's default
 * NodeHttp2Handler, a raw `http2.connect(…).request(…)`).
 *
 * Streams are met on Node's `http2.client.stream.*` diagnostics channels, which every
 * session publishes on whoever loaded `http2` and however (CommonJS or ESM, a reference to
 * `connect` taken before we were enabled): `created` inside `session.request()` (the request
 * headers with `:method`, `:path`, `:authority` and `:scheme` filled in from the session),
 * `finish` when the response headers arrive (before the application's `response` listeners
 * run), `error` and `close` when the stream ends. The call is finished on `close`: Node pushes
 * the body's end also for a stream that was reset or lost its connection (often without an
 * error for the application), and only the reset code then tells a complete body from a cut one.
 *
 * The bytes are seen through the client stream prototype's `_write`/`_writev`/`_final`
 * (the request body as the stream sends it) and `push` (the response body as the stream
 * receives it, whether or not the application reads it yet), wrapped once for all streams
 * (as http.ts wraps `IncomingMessage.prototype.push`): a WeakMap lookup, and for recognised
 * streams a look at the chunk, then the original with the same arguments, `this` and return
 * value. We add no listener and set nothing on the stream, so its flow, its errors and its
 * timing are the application's own.
 *
 * undici's own HTTP/2 client (`allowH2`) runs over `node:http2` too; its requests are fetch
 * capture's (undici's channels), so a stream that undici opens is left alone here.
 */
import { context } from '@opentelemetry/api';
import type { Call, Header, HeaderIn } from './call.js';
import type { CaptureHost } from './calls.js';
import { ChannelSubscriptions } from './channels.js';
import { chunkBytes, hookMethod } from './prototype-hooks.js';

/** A recognised stream. */
interface Tapped {
  readonly call: Call;
  /**
   * The response body ended (push(null)). Node pushes the end also when the stream is reset or
   * its connection is lost, so the call is finished on `close`, where the reset code tells which.
   */
  ended: boolean;
}

const streams = new WeakMap<object, Tapped>();

/** NGHTTP2_NO_ERROR: the stream closed normally. */
const NO_ERROR = 0;

/** Our own faults in a hook go to the capture's error counter; the host's call goes on. */
let onHookError: ((error: unknown, where: string) => void) | undefined;
const reportHookError = (error: unknown, where: string): void => onHookError?.(error, where);

/** The client stream prototype, hooked when the first stream is met (the class is not exported). */
function hookStreams(proto: object): void {
  hookMethod(
    'http2',
    proto,
    '_write',
    (self, chunk, encoding) => {
      const tapped = streams.get(self);
      if (tapped === undefined) return;
      const bytes = chunkBytes(chunk, encoding);
      if (bytes !== undefined) tapped.call.requestBody(bytes);
    },
    reportHookError,
  );
  hookMethod(
    'http2',
    proto,
    '_writev',
    (self, chunks) => {
      const tapped = streams.get(self);
      if (tapped === undefined || !Array.isArray(chunks)) return;
      for (const item of chunks as { chunk: unknown; encoding: unknown }[]) {
        const bytes = chunkBytes(item.chunk, item.encoding);
        if (bytes !== undefined) tapped.call.requestBody(bytes);
      }
    },
    reportHookError,
  );
  hookMethod(
    'http2',
    proto,
    '_final',
    (self) => {
      streams.get(self)?.call.requestDone();
    },
    reportHookError,
  );
  hookMethod(
    'http2',
    proto,
    'push',
    (self, chunk, encoding) => {
      const tapped = streams.get(self);
      if (tapped === undefined || tapped.ended) return;
      if (chunk === null) tapped.ended = true;
      else {
        const bytes = chunkBytes(chunk, encoding);
        if (bytes !== undefined) tapped.call.responseBody(bytes);
      }
    },
    reportHookError,
  );
}

/** A header of an http2 headers object (its names may be in any case). */
function objectHeader(headers: unknown): Header {
  if (typeof headers !== 'object' || headers === null) return () => undefined;
  const record = headers as Record<string, unknown>;
  return (name) => {
    const exact = record[name];
    if (exact !== undefined) return Array.isArray(exact) ? exact.map(String).join(', ') : String(exact);
    for (const key of Object.keys(record)) {
      if (key.length !== name.length || key.toLowerCase() !== name) continue;
      const v = record[key];
      return Array.isArray(v) ? v.map(String).join(', ') : v === undefined ? undefined : String(v);
    }
    return undefined;
  };
}

/** A response header through the lookup `finish` already built (a reader's `responseHeaders`). */
const throughLookup: HeaderIn<Header> = (header, name) => header(name);

/** What `:scheme` and `:authority` say about the server, as http.ts's target does. */
export function serverOf(scheme: string, authority: string): { protocol: string; hostname: string; port: string; hostKey: string } {
  const protocol = scheme.toLowerCase() === 'http' ? 'http:' : 'https:';
  const match = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(authority);
  const hostname = (match?.[1] ?? authority).toLowerCase();
  const portText = match?.[2] ?? '';
  const defaultPort = protocol === 'https:' ? 443 : 80;
  const port = portText === '' || Number(portText) === defaultPort ? '' : String(Number(portText));
  return { protocol, hostname, port, hostKey: port === '' ? hostname : `${hostname}:${port}` };
}

/** Frames of undici's HTTP/2 client (Node's bundled copy or an npm one). */
const UNDICI_FRAME = /deps[\\/]undici[\\/]|[\\/]undici[^\\/]*[\\/]lib[\\/]dispatcher[\\/]client-h2/;

/** Sessions undici's HTTP/2 client opened (true) or not (false), decided at their first recognised stream. */
const undiciSessions = new WeakMap<object, boolean>();

/**
 * Does `session.request` run inside undici's HTTP/2 client? Asked of a session's first
 * recognised stream only (a stack read costs tens of µs; a session serves one client).
 */
function openedByUndici(stream: object): boolean {
  const session = (stream as { session?: object }).session;
  if (session === undefined) return fromUndiciStack();
  let known = undiciSessions.get(session);
  if (known === undefined) undiciSessions.set(session, (known = fromUndiciStack()));
  return known;
}

function fromUndiciStack(): boolean {
  const limit = Error.stackTraceLimit;
  try {
    Error.stackTraceLimit = 12;
    const holder: { stack?: string } = {};
    Error.captureStackTrace(holder);
    return UNDICI_FRAME.test(holder.stack ?? '');
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/**
 * Whether this Node publishes every `http2.client.stream.*` channel with the request headers
 * complete: 22.20+ and 24.7+ do. Older 22.x and 24.x publish none (22.15, 22.16, 24.0), only some
 * (24.1), or `created` before `:authority` and `:scheme` are filled in (22.17–22.19, 24.2–24.6);
 * 23.x publishes none.
 */
export function http2ChannelsComplete(version: string = process.versions.node): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  if (major === 22) return minor >= 20;
  if (major === 24) return minor >= 7;
  return major >= 25;
}

export class Http2Capture {
  private readonly channels: ChannelSubscriptions;

  constructor(private readonly host: CaptureHost) {
    this.channels = new ChannelSubscriptions((error, channel) => host.onInternalError(error, channel));
  }

  /** False (and nothing subscribed) on a Node whose channels cannot see every stream. */
  enable(): boolean {
    if (!http2ChannelsComplete()) return false;
    onHookError = (error, where) => this.host.onInternalError(error, where);
    this.channels.on('http2.client.stream.created', (m) => {
      const { stream, headers } = m as { stream: object; headers: unknown };
      this.onCreated(stream, headers);
    });
    this.channels.on('http2.client.stream.finish', (m) => {
      const { stream, headers } = m as { stream: object; headers: Record<string, unknown> };
      const tapped = streams.get(stream);
      if (tapped === undefined) return;
      const header = objectHeader(headers);
      tapped.call.response(Number(headers[':status'] ?? 0), header('content-type'), header('content-encoding'), header, throughLookup);
    });
    this.channels.on('http2.client.stream.error', (m) => {
      const { stream, error } = m as { stream: object; error: unknown };
      const tapped = streams.get(stream);
      tapped?.call.fail(error);
    });
    this.channels.on('http2.client.stream.close', (m) => {
      const { stream } = m as { stream: { rstCode?: number } };
      const tapped = streams.get(stream);
      if (tapped === undefined) return;
      streams.delete(stream);
      if (tapped.ended && (stream.rstCode ?? NO_ERROR) === NO_ERROR) tapped.call.responseDone();
      // Closed before its body ended, or reset: cancelled by the application or the server, or its connection was lost.
      else tapped.call.fail(Object.assign(new Error('stream closed before its response completed'), { name: 'AbortError' }));
    });
    return true;
  }

  disable(): void {
    this.channels.clear();
  }

  private onCreated(stream: object, headers: unknown): void {
    if (streams.has(stream)) return;
    const header = objectHeader(headers);
    // A client may send `host` instead (RFC 9113 allows it); Node then fills in no `:authority`.
    const authority = header(':authority') ?? header('host');
    if (authority === undefined) return;
    const server = serverOf(header(':scheme') ?? 'https', authority);
    const registry = this.host.registry;
    if (!registry.knowsHost(server.hostKey)) return;
    const method = (header(':method') ?? 'GET').toUpperCase();
    const path = header(':path') ?? '/';
    const recognition = registry.recognize(method, server.hostKey, path, header);
    if (recognition === undefined || openedByUndici(stream)) return;
    const call = this.host.startCall(recognition, context.active(), server, header('content-type'));
    if (call === undefined) return;
    hookStreams(Object.getPrototypeOf(stream) as object);
    streams.set(stream, { call, ended: false });
  }
}
