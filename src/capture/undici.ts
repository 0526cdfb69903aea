/**
 * Capture of `fetch` and of undici's own API (Node's bundled undici, and any
 * npm undici, whose requests publish the same diagnostics channels).
 *
 * - The global `fetch` is wrapped only to start the call's span before undici
 *   does anything, so an HTTP span from OpenTelemetry's undici instrumentation
 *   becomes its child; unrecognised calls go straight through.
 * - Everything else is observed on undici's diagnostics channels, keyed by
 *   undici's request object (response events run in whatever async context
 *   the socket has, so the context is read only at `create`).
 * - Body bytes: a request of undici ≥ 7.16 publishes them (`bodyChunkSent`,
 *   `bodyChunkReceived`); one of an older undici (Node 22's own, npm undici 6)
 *   does not, so for recognised requests only the instance's own
 *   `onBodySent`/`onData` are wrapped, passing arguments, `this` and return
 *   values through unchanged. Which one a request is, is told by its class, not
 *   by Node's version: the dispatcher that carries a fetch (a ProxyAgent set as
 *   the global dispatcher, an npm undici's Agent) makes the request.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { context } from '@opentelemetry/api';
import type { Call, Header } from './call.js';
import type { CaptureHost } from './calls.js';
import { ChannelSubscriptions } from './channels.js';
import { isRedirectStatus } from '../record/call-record.js';
import { urlPartsOf, hostKeyOf } from './url-scan.js';

/** Per request class (prototype): does it publish its body chunks on the diagnostics channels? */
const publishingClasses = new WeakMap<object, boolean>();

/**
 * Whether undici's request publishes its body chunks (undici ≥ 7.16: its `onData` or, from 8,
 * `onResponseData` publishes `bodyChunkReceived`), read once per class from the method itself.
 */
export function publishesBodies(request: object): boolean {
  const proto = Object.getPrototypeOf(request) as Record<string, unknown> | null;
  if (proto === null) return false;
  let known = publishingClasses.get(proto);
  if (known === undefined) {
    const onData = proto.onResponseData ?? proto.onData;
    known = typeof onData === 'function' && Function.prototype.toString.call(onData).includes('bodyChunkReceived');
    publishingClasses.set(proto, known);
  }
  return known;
}

/**
 * The call a wrapped `fetch` started, for the `create` event that follows in its async context.
 * Our own storage: OpenTelemetry's context works only where a context manager is registered.
 */
const FETCH_CALL = new AsyncLocalStorage<FetchCallState>();

interface UndiciRequest {
  origin?: unknown;
  path?: unknown;
  method?: unknown;
  headers?: unknown;
  onData?: (chunk: Uint8Array) => unknown;
  onBodySent?: (chunk: Uint8Array) => unknown;
}

interface FetchCallState {
  readonly call: Call;
  readonly host: string;
  /** As undici's request gives it for a fetch (`URL.origin`). */
  readonly origin: string;
  readonly path: string;
  /** The request body was read from `init.body`; transport chunks are not needed. */
  readonly bodyKnown: boolean;
  /** fetch follows redirects itself (`redirect: 'follow'`, the default): its hops are this call. */
  readonly follows: boolean;
  bound: boolean;
  /** The bound request was answered with a redirect fetch follows: the next request created is the call's. */
  redirected: boolean;
}

type Fetch = typeof globalThis.fetch;

/** Our wrapper's call, if this request is its own (not, say, a token fetch made inside it). */
function claims(state: FetchCallState | undefined, host: string, pathname: string): state is FetchCallState {
  return state !== undefined && !state.bound && state.host === host && state.path === pathname;
}

/** Is undici's request path `pathname`, with or without a query? */
function isPathOf(path: string, pathname: string): boolean {
  return path.startsWith(pathname) && (path.length === pathname.length || path.charCodeAt(pathname.length) === 0x3f);
}

/** The original fetch in the call's context (no closure per call). */
function callInContext(
  call: Call,
  original: Fetch,
  self: unknown,
  input: Parameters<Fetch>[0],
  init: Parameters<Fetch>[1],
): ReturnType<Fetch> {
  return context.with(call.context, original, self, input, init);
}

/** Is this raw header name (a string or undici's Buffer) `name` (lower case)? Compared without decoding. */
function isHeaderName(raw: unknown, name: string): boolean {
  if (typeof raw === 'string') return raw.length === name.length && raw.toLowerCase() === name;
  if (raw instanceof Uint8Array) {
    if (raw.length !== name.length) return false;
    for (let i = 0; i < raw.length; i++) {
      let c = raw[i]!;
      if (c >= 0x41 && c <= 0x5a) c += 0x20;
      if (c !== name.charCodeAt(i)) return false;
    }
    return true;
  }
  return String(raw).toLowerCase() === name;
}

/** A header from undici's flat `[name, value, …]` list (strings or Buffers) or raw header text. */
export function undiciHeaderValue(headers: unknown, name: string): string | undefined {
  if (Array.isArray(headers)) {
    for (let i = 0; i + 1 < headers.length; i += 2) {
      if (isHeaderName(headers[i], name)) return String(headers[i + 1]);
    }
    return undefined;
  }
  if (typeof headers === 'string') {
    for (const line of headers.split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon > 0 && line.slice(0, colon).trim().toLowerCase() === name) return line.slice(colon + 1).trim();
    }
  }
  return undefined;
}

export function undiciHeader(headers: unknown): Header {
  return (name: string) => undiciHeaderValue(headers, name);
}

function initHeader(headers: unknown): Header {
  if (headers === undefined || headers === null) return () => undefined;
  if (typeof (headers as Headers).get === 'function') return (name) => (headers as Headers).get(name) ?? undefined;
  if (Array.isArray(headers)) {
    return (name) => {
      for (const pair of headers) if (Array.isArray(pair) && String(pair[0]).toLowerCase() === name) return String(pair[1]);
      return undefined;
    };
  }
  const record = headers as Record<string, unknown>;
  return (name) => {
    for (const key of Object.keys(record)) if (key.toLowerCase() === name) return String(record[key]);
    return undefined;
  };
}

/** Request bodies readable without consuming anything: strings and byte buffers. */
function bodyBytes(body: unknown): Uint8Array | string | undefined {
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  if (body instanceof URLSearchParams) return body.toString();
  return undefined;
}

const REDIRECT_NOT_FOLLOWED = Object.assign(new Error('redirect not followed'), { code: 'REDIRECT_NOT_FOLLOWED' });

export class UndiciCapture {
  private original: Fetch | undefined;
  private readonly byRequest = new WeakMap<object, Call>();
  /** Requests of our fetch wrapper's calls: their redirects are followed within the call. */
  private readonly wrapperRequests = new WeakMap<object, FetchCallState>();
  private readonly channels: ChannelSubscriptions;

  constructor(private readonly host: CaptureHost) {
    this.channels = new ChannelSubscriptions((error, channel) => host.onInternalError(error, channel));
  }

  enable(): void {
    if (this.original !== undefined || typeof globalThis.fetch !== 'function') return;
    const original = globalThis.fetch;
    this.original = original;
    const start = (input: Parameters<Fetch>[0], init?: Parameters<Fetch>[1]) => this.startFromFetch(input, init);
    // A function, not an arrow: the caller's `this` is passed on to the original fetch.
    const wrapped = function fetch(this: unknown, input: Parameters<Fetch>[0], init?: Parameters<Fetch>[1]): ReturnType<Fetch> {
      const state = start(input, init);
      if (state === undefined) return original.call(this, input, init);
      const pending = FETCH_CALL.run(state, callInContext, state.call, original, this, input, init);
      // Observe a rejection that no channel reports (bad URL, abort before dispatch); the caller gets
      // a promise settling the same way, so an unhandled rejection stays unhandled.
      return pending.then(
        (response) => {
          // A redirect fetch would have followed, but made no request for (it never happens with a Location).
          if (state.redirected) state.call.fail(REDIRECT_NOT_FOLLOWED);
          return response;
        },
        (error: unknown) => {
          if (!state.bound) state.call.fail(error);
          throw error;
        },
      );
    } as Fetch;
    globalThis.fetch = wrapped;

    this.channels.on('undici:request:create', (m) => this.onCreate(m));
    this.channels.on('undici:request:headers', (m) => this.onHeaders(m));
    this.channels.on('undici:request:trailers', (m) => this.callOf(m)?.responseDone());
    this.channels.on('undici:request:error', (m) => this.onError(m));
    this.channels.on('undici:request:bodySent', (m) => this.callOf(m)?.requestDone());
    // Published by undici ≥ 7.16's requests only; older ones are tapped (bind).
    this.channels.on('undici:request:bodyChunkSent', (m) => this.onBodyChunk(m, 'sent'));
    this.channels.on('undici:request:bodyChunkReceived', (m) => this.onBodyChunk(m, 'received'));
  }

  disable(): void {
    if (this.original !== undefined) {
      globalThis.fetch = this.original;
      this.original = undefined;
    }
    this.channels.clear();
  }

  private callOf(message: unknown): Call | undefined {
    const request = (message as { request?: object } | null)?.request;
    return request === undefined ? undefined : this.byRequest.get(request);
  }

  /** Recognises a fetch by its arguments; undefined (and no further work) for other traffic. */
  private startFromFetch(input: Parameters<Fetch>[0], init: Parameters<Fetch>[1]): FetchCallState | undefined {
    try {
      const isRequest = typeof input === 'object' && input !== null && !(input instanceof URL);
      const href = isRequest ? (input as Request).url : input instanceof URL ? input.href : String(input);
      const quickHost = hostKeyOf(href);
      if (quickHost === undefined || !this.host.registry.knowsHost(quickHost)) return undefined;
      const target = urlPartsOf(href);
      const hostKey = target.host.toLowerCase();
      const method = init?.method ?? (isRequest ? (input as Request).method : 'GET');
      const follows = (init?.redirect ?? (isRequest ? (input as Request).redirect : 'follow')) === 'follow';
      const headers =
        init?.headers !== undefined ? initHeader(init.headers) : isRequest ? initHeader((input as Request).headers) : initHeader(undefined);
      const recognition = this.host.registry.recognize(method, hostKey, `${target.pathname}${target.search}`, headers);
      if (recognition === undefined) return undefined;
      const call = this.host.startCall(recognition, context.active(), target, headers('content-type'));
      if (call === undefined) return undefined;
      const body = init?.body !== undefined && init.body !== null ? bodyBytes(init.body) : undefined;
      if (body !== undefined) {
        call.requestBody(body);
        call.requestDone();
      } else if (init?.body === undefined && !isRequest) {
        call.requestDone();
      }
      return {
        call,
        host: hostKey,
        origin: target.origin,
        path: target.pathname,
        bodyKnown: body !== undefined,
        follows,
        bound: false,
        redirected: false,
      };
    } catch (error) {
      this.host.onInternalError(error, 'fetch');
      return undefined;
    }
  }

  private onCreate(message: unknown): void {
    const request = (message as { request?: UndiciRequest }).request;
    if (request === undefined || (typeof request.origin !== 'string' && !(request.origin instanceof URL))) return;
    const path = String(request.path ?? '/');
    const origin = String(request.origin);
    const state = FETCH_CALL.getStore();
    // Our wrapper's own request, as undici was handed it (fetch passes `URL.origin` and the normalised
    // path), or the request fetch follows a redirect of it with (anywhere the Location said).
    if (state !== undefined && !state.bound && (state.redirected || (origin === state.origin && isPathOf(path, state.path)))) {
      this.bind(request, state.call, state.bodyKnown);
      this.wrapperRequests.set(request, state);
      state.bound = true;
      state.redirected = false;
      return;
    }
    // Every request passes here: other traffic is turned away before any URL is built.
    // Only a path like `/x` keeps the origin's host (a proxy's absolute or `//host` path does not).
    const relative = path.startsWith('/') && !path.startsWith('//');
    const originHost = relative ? hostKeyOf(origin) : undefined;
    if (originHost !== undefined && !this.host.registry.knowsHost(originHost)) return;

    let call: Call | undefined;
    let bodyKnown = false;
    // Undici's path is the one fetch normalised: for a path like `/x` it is compared as it is.
    const query = path.indexOf('?');
    let url: URL | undefined;
    let mine = originHost !== undefined && claims(state, originHost, query === -1 ? path : path.slice(0, query)) ? state : undefined;
    if (mine === undefined) {
      url = new URL(path, origin);
      if (!this.host.registry.knowsHost(url.host.toLowerCase())) return;
      if (claims(state, url.host.toLowerCase(), url.pathname)) mine = state;
    }
    if (mine !== undefined) {
      mine.bound = true;
      this.wrapperRequests.set(request, mine);
      call = mine.call;
      bodyKnown = mine.bodyKnown;
    } else if (url !== undefined) {
      // A fetch that did not go through the wrapper (a fetch reference taken before we started).
      const header = undiciHeader(request.headers);
      const hostKey = url.host.toLowerCase();
      const recognition = this.host.registry.recognize(String(request.method ?? 'GET'), hostKey, `${url.pathname}${url.search}`, header);
      if (recognition === undefined) return;
      call = this.host.startCall(recognition, context.active(), url, header('content-type'));
      if (call === undefined) return;
    }
    if (call !== undefined) this.bind(request, call, bodyKnown);
  }

  private bind(request: UndiciRequest, call: Call, bodyKnown: boolean): void {
    this.byRequest.set(request, call);
    if (!bodyKnown) call.setRequestContentType(undiciHeaderValue(request.headers, 'content-type'));
    if (!publishesBodies(request)) this.tapInstance(request, call, bodyKnown);
  }

  /** Older undici: observe this one request's body chunks through its own methods. */
  private tapInstance(request: UndiciRequest, call: Call, bodyKnown: boolean): void {
    const onData = request.onData;
    const byRequest = this.byRequest;
    if (typeof onData === 'function') {
      request.onData = function (this: unknown, chunk: Uint8Array) {
        // Not after a redirect hop was let go: its body is nobody's.
        if (byRequest.get(request) === call) call.responseBody(chunk);
        return onData.call(this, chunk);
      };
    }
    const onBodySent = request.onBodySent;
    if (!bodyKnown && typeof onBodySent === 'function') {
      request.onBodySent = function (this: unknown, chunk: Uint8Array) {
        call.requestBody(chunk);
        return onBodySent.call(this, chunk);
      };
    }
  }

  private onBodyChunk(message: unknown, direction: 'sent' | 'received'): void {
    const call = this.callOf(message);
    const chunk = (message as { chunk?: unknown }).chunk;
    if (call === undefined || !(chunk instanceof Uint8Array)) return;
    if (direction === 'received') call.responseBody(chunk);
    else call.requestBody(chunk);
  }

  private onHeaders(message: unknown): void {
    const call = this.callOf(message);
    if (call === undefined) return;
    const response = (message as { response?: { statusCode?: unknown; headers?: unknown } }).response;
    call.requestDone();
    const headers = response?.headers;
    const status = Number(response?.statusCode ?? 0);
    const request = (message as { request: object }).request;
    const state = this.wrapperRequests.get(request);
    if (state?.follows === true && isRedirectStatus(status) && undiciHeaderValue(headers, 'location') !== undefined) {
      // fetch will follow it with a request of its own: that one's response is the call's.
      this.byRequest.delete(request);
      this.wrapperRequests.delete(request);
      state.bound = false;
      state.redirected = true;
      call.followed();
      return;
    }
    call.response(
      status,
      undiciHeaderValue(headers, 'content-type'),
      undiciHeaderValue(headers, 'content-encoding'),
      headers,
      undiciHeaderValue,
    );
  }

  private onError(message: unknown): void {
    const call = this.callOf(message);
    if (call === undefined) return;
    call.fail((message as { error?: unknown }).error);
  }
}
