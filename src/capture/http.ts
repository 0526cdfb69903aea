/**
 * Capture of `http`/`https` client requests (and so of axios, got, and the
 * AWS and Google clients that use them).
 *
 * `request` and `get` of both modules are wrapped only to start the call's
 * span before the request exists, so OpenTelemetry's http instrumentation
 * (when it wraps inside us) makes its span a child of ours. The request
 * object itself is met on the `http.client.request.created` channel (or right
 * after construction where that channel does not exist), its response on
 * `http.client.response.finish` (published before the application's
 * `response` listeners run), its errors on `http.client.request.error`.
 *
 * The bytes are seen through `ClientRequest.prototype.write`/`end` and
 * `IncomingMessage.prototype.push`/`_destroy`, wrapped once for all requests:
 * a WeakMap lookup, and for recognised requests a look at the chunk, then the
 * original with the same arguments, `this` and return value. Nothing is set on
 * the request or response objects themselves: an own property on some of them
 * would give Node's stream code two shapes to handle on every call. We never
 * add an `error` listener, which would change what an unhandled error does.
 */
import { ClientRequest, IncomingMessage, type RequestOptions } from 'node:http';
import { context } from '@opentelemetry/api';
import type { Call, Header } from './call.js';
import type { CaptureHost } from './calls.js';
import { ChannelSubscriptions } from './channels.js';
import { hostKeyOf as urlHostKeyOf, urlPartsOf, type UrlParts } from './url-scan.js';
import { chunkBytes, hookMethod } from './prototype-hooks.js';

/**
 * The call a wrapped `request` started, for the `created` event published while it constructs
 * the request (synchronously, so a variable serves, whatever the context manager).
 */
let current: HttpCallState | undefined;

/**
 * True while a wrapped `request`/`get` that found its call unrelated constructs the request
 * (synchronously, so one flag serves): the `created` channel then skips the same check.
 */
let declined = false;

interface HttpCallState {
  readonly call: Call;
  bound: boolean;
}

/** A recognised request being written. */
interface Tapped {
  readonly call: Call;
  /** Inside our `end`: a `write` it makes is the same bytes. */
  ending: boolean;
}

type RequestFn = (...args: unknown[]) => ClientRequest;

/** What http.request's arguments say about the request, without building anything for other hosts. */
interface Target {
  readonly protocol: string;
  readonly hostKey: string;
  /** As URL gives it: lower case, an IPv6 literal in brackets. */
  readonly hostname: string;
  /** '' for the protocol's default port, as URL gives it. */
  readonly port: string;
  readonly method: string;
  readonly pathAndQuery: string;
  readonly header: Header;
}

function objectHeader(headers: unknown): Header {
  if (Array.isArray(headers)) {
    return (name) => {
      for (let i = 0; i + 1 < headers.length; i += 2) if (String(headers[i]).toLowerCase() === name) return String(headers[i + 1]);
      return undefined;
    };
  }
  if (typeof headers !== 'object' || headers === null) return () => undefined;
  const record = headers as Record<string, unknown>;
  return (name) => {
    for (const key of Object.keys(record)) {
      if (key.toLowerCase() !== name) continue;
      const v = record[key];
      return Array.isArray(v) ? v.map(String).join(', ') : v === undefined ? undefined : String(v);
    }
    return undefined;
  };
}

function hostKeyOf(hostname: string, port: number | undefined, protocol: string): string {
  const host = hostname.includes(':') && !hostname.startsWith('[') ? `[${hostname}]` : hostname;
  const defaultPort = protocol === 'https:' ? 443 : 80;
  return (port === undefined || port === defaultPort ? host : `${host}:${port}`).toLowerCase();
}

/** Options that change where a request given as a URL goes. */
function retargets(options: unknown): boolean {
  if (typeof options !== 'object' || options === null) return false;
  const o = options as RequestOptions;
  return (
    o.host !== undefined || o.hostname !== undefined || o.port !== undefined || o.protocol !== undefined || o.defaultPort !== undefined
  );
}

/**
 * What http.request's arguments say about the request; undefined when they name no request, or
 * (with `knows`) a host it does not know, found before anything else is read or built: every
 * request of the process passes here.
 */
export function targetOf(args: readonly unknown[], defaultProtocol: string, knows?: (hostKey: string) => boolean): Target | undefined {
  let options: RequestOptions & { href?: string } = {};
  let url: UrlParts | undefined;
  const [first, second] = args;
  if (knows !== undefined && !retargets(second)) {
    // A URL alone says where the request goes: its host is read without parsing the rest.
    const key = typeof first === 'string' ? urlHostKeyOf(first) : first instanceof URL ? first.host.toLowerCase() : undefined;
    if (key !== undefined && !knows(key)) return undefined;
  }
  if (typeof first === 'string' || first instanceof URL) {
    url = typeof first === 'string' ? urlPartsOf(first) : first;
    if (typeof second === 'object' && second !== null && typeof second !== 'function') options = second as RequestOptions;
  } else if (typeof first === 'object' && first !== null) {
    options = first as RequestOptions;
  } else {
    return undefined;
  }
  const protocol = options.protocol ?? url?.protocol ?? defaultProtocol;
  const hostname =
    options.hostname ??
    (options.host !== undefined && options.host !== null ? String(options.host).replace(/:\d+$/, '') : undefined) ??
    url?.hostname ??
    'localhost';
  const portText = options.port ?? url?.port ?? options.defaultPort;
  const port = portText === undefined || portText === '' || portText === null ? undefined : Number(portText);
  const bare = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  const hostKey = hostKeyOf(bare, port, protocol);
  if (knows !== undefined && !knows(hostKey)) return undefined;
  const defaultPort = protocol === 'https:' ? 443 : 80;
  return {
    protocol,
    hostKey,
    hostname: (bare.includes(':') ? `[${bare}]` : bare).toLowerCase(),
    port: port === undefined || port === defaultPort ? '' : String(port),
    method: (options.method ?? 'GET').toUpperCase(),
    pathAndQuery: options.path ?? (url === undefined ? '/' : `${url.pathname}${url.search}`),
    header: objectHeader(options.headers),
  };
}

/** Headers of which Node's `headers` keeps the first, dropping repeats (of those we read). */
const FIRST_ONLY: ReadonlySet<string> = new Set(['content-type', 'content-length']);

/** A response header from Node's raw `[name, value, …]` list, as `res.headers` would give it. */
function rawHeader(raw: readonly string[], name: string): string | undefined {
  let value: string | undefined;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const key = raw[i]!;
    if (key.length !== name.length || key.toLowerCase() !== name) continue;
    if (value === undefined) value = raw[i + 1];
    else if (FIRST_ONLY.has(name)) break;
    else value = `${value}, ${raw[i + 1]}`;
  }
  return value;
}

/** Requests and responses of recognised calls, for the prototype hooks (one per process). */
const requests = new WeakMap<object, Tapped>();
const responses = new WeakMap<object, Call>();

/** Our own faults in a hook go to the capture's error counter; the host's call goes on. */
let onHookError: ((error: unknown, where: string) => void) | undefined;
const reportHookError = (error: unknown, where: string): void => onHookError?.(error, where);

function hookRequestsAndResponses(): void {
  hookMethod(
    'http',
    ClientRequest.prototype,
    'write',
    (self, chunk, encoding) => {
      const tapped = requests.get(self);
      if (tapped === undefined || tapped.ending) return;
      const bytes = chunkBytes(chunk, encoding);
      if (bytes !== undefined) tapped.call.requestBody(bytes);
    },
    reportHookError,
  );
  hookMethod(
    'http',
    ClientRequest.prototype,
    'end',
    (self, chunk, encoding) => {
      const tapped = requests.get(self);
      if (tapped === undefined || tapped.ending) return;
      // `end` may call `write` with what it was given: those bytes are seen here, once. A second
      // `end` is the application's mistake, for Node to report.
      tapped.ending = true;
      if (typeof chunk !== 'function') {
        const bytes = chunkBytes(chunk, encoding);
        if (bytes !== undefined) tapped.call.requestBody(bytes);
      }
      tapped.call.requestDone();
    },
    reportHookError,
  );
  hookMethod(
    'http',
    IncomingMessage.prototype,
    'push',
    (self, chunk, encoding) => {
      const call = responses.get(self);
      if (call === undefined) return;
      if (chunk === null) call.responseDone();
      else {
        const bytes = chunkBytes(chunk, encoding);
        if (bytes !== undefined) call.responseBody(bytes);
      }
    },
    reportHookError,
  );
  hookMethod(
    'http',
    IncomingMessage.prototype,
    '_destroy',
    (self) => {
      const call = responses.get(self);
      if (call !== undefined && !(self as IncomingMessage).complete)
        call.fail(Object.assign(new Error('response closed before it completed'), { name: 'AbortError' }));
    },
    reportHookError,
  );
}

export class HttpCapture {
  private readonly channels: ChannelSubscriptions;

  /** The registry's host check, made once (the registry is replaced when the configuration changes). */
  private readonly knows = (hostKey: string): boolean => this.host.registry.knowsHost(hostKey);

  constructor(private readonly host: CaptureHost) {
    this.channels = new ChannelSubscriptions((error, channel) => host.onInternalError(error, channel));
  }

  /** Subscribes to the client channels; the module functions are wrapped by the instrumentation. */
  enable(): void {
    onHookError = (error, where) => this.host.onInternalError(error, where);
    hookRequestsAndResponses();
    this.channels.on('http.client.request.created', (m) => this.onCreated((m as { request: ClientRequest }).request));
    this.channels.on('http.client.response.finish', (m) => {
      const { request, response } = m as { request: ClientRequest; response: IncomingMessage };
      const tapped = requests.get(request);
      if (tapped !== undefined) this.onResponse(request, response, tapped.call);
    });
    this.channels.on('http.client.request.error', (m) => {
      const { request, error } = m as { request: object; error: unknown };
      requests.get(request)?.call.fail(error);
    });
  }

  disable(): void {
    this.channels.clear();
  }

  /** One call of a wrapped `http.request`/`get` (or `https.…`): starts recognised calls, passes the rest. */
  request(original: RequestFn, thisArg: unknown, args: unknown[], defaultProtocol: 'http:' | 'https:'): ClientRequest {
    // Another wrapper of ours is further out on this call (ours sits twice in the chain once
    // someone wrapped between, or our `get` reached our `request` through another's `get`):
    // the request being built is already the outer call's.
    const outer = current;
    if (outer !== undefined && !outer.bound) return original.apply(thisArg, args);
    // Likewise for other traffic: an outer wrapper of ours turned this call away, and what the
    // wrappers between made of its arguments is the same request.
    if (declined) return original.apply(thisArg, args);
    const state = this.start(args, defaultProtocol);
    if (state === undefined) {
      // Other traffic: its `created` event (published inside `original`) needs no second look.
      declined = true;
      try {
        return original.apply(thisArg, args);
      } finally {
        declined = false;
      }
    }
    current = state;
    let req: ClientRequest;
    try {
      req = context.with(state.call.context, original, thisArg, ...args);
    } finally {
      current = outer;
    }
    // Where no `created` channel met the request, attach now (before any write or response).
    if (!state.bound) this.attach(req, state.call);
    return req;
  }
  private start(args: readonly unknown[], defaultProtocol: string): HttpCallState | undefined {
    try {
      const target = targetOf(args, defaultProtocol, this.knows);
      if (target === undefined) return undefined;
      const recognition = this.host.registry.recognize(target.method, target.hostKey, target.pathAndQuery, target.header);
      if (recognition === undefined) return undefined;
      const call = this.host.startCall(recognition, context.active(), target, target.header('content-type'));
      return call === undefined ? undefined : { call, bound: false };
    } catch (error) {
      this.host.onInternalError(error, 'http.request');
      return undefined;
    }
  }

  private onCreated(req: ClientRequest): void {
    if (declined) {
      declined = false;
      return;
    }
    const state = current;
    if (state !== undefined && !state.bound) {
      this.attach(req, state.call);
      return;
    }
    if (requests.has(req)) return;
    // A request made through a function reference taken before we wrapped the module.
    const header: Header = (name) => {
      const v = req.getHeader(name);
      return v === undefined ? undefined : Array.isArray(v) ? v.join(', ') : String(v);
    };
    const protocol = req.protocol ?? 'http:';
    // Node sets Host to host[:port]; the port is nowhere else on the request.
    const [hostname = req.host, port] = (header('host') ?? req.host).split(/:(?=\d+$)/);
    const hostKey = hostKeyOf(hostname, port === undefined ? undefined : Number(port), protocol);
    if (!this.host.registry.knowsHost(hostKey)) return;
    const recognition = this.host.registry.recognize(req.method, hostKey, req.path, header);
    if (recognition === undefined) return;
    const call = this.host.startCall(recognition, context.active(), new URL(`${protocol}//${hostKey}${req.path}`), header('content-type'));
    if (call !== undefined) this.attach(req, call);
  }

  /** Observes one recognised request: its body as written, its response as pushed. */
  private attach(req: ClientRequest, call: Call): void {
    const state = current;
    if (state !== undefined && state.call === call) state.bound = true;
    if (requests.has(req)) return;
    requests.set(req, { call, ending: false });
  }

  private onResponse(req: ClientRequest, res: IncomingMessage, call: Call): void {
    // From the raw list: `res.headers` is built on first use, and the application may never ask.
    const raw = res.rawHeaders;
    call.response(res.statusCode ?? 0, rawHeader(raw, 'content-type'), rawHeader(raw, 'content-encoding'), raw, rawHeader);
    responses.set(res, call);
    // Without an application listener Node would discard the body unread; we read it, and
    // ours must not keep the response alive.
    if (req.listenerCount('response') === 0) req.once('response', () => res.resume());
  }
}
