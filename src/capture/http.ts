/**
 * Capture of `http`/`https` client requests (and so of axios, got, and the
 * AWS and Google clients that use them).
 *
 * `request` and `get` of both modules are wrapped only to start the call's
 * span before the request exists, so OpenTelemetry's http instrumentation
 * (when it wraps inside us) makes its span a child of ours. The request
 * object itself is met on the `http.client.request.created` channel (or right
 * after construction where that channel does not exist); for recognised
 * requests only, that one instance's `write`/`end` and its response's `push`
 * are wrapped to see bytes before the application does, passing everything
 * through unchanged. Errors come from `http.client.request.error`: we never
 * add an `error` listener, which would change what an unhandled error does.
 */
import type { ClientRequest, IncomingMessage, RequestOptions } from 'node:http';
import { AsyncLocalStorage } from 'node:async_hooks';
import { context } from '@opentelemetry/api';
import type { Call, Header } from './call.js';
import { ChannelSubscriptions } from './channels.js';
import type { CaptureHost } from './undici.js';

/** The call a wrapped `request` started, for the `created` event inside it (independent of any context manager). */
const HTTP_CALL = new AsyncLocalStorage<HttpCallState>();

/**
 * True while a wrapped `request`/`get` that found its call unrelated constructs the request
 * (synchronously, so one flag serves): the `created` channel then skips the same check.
 */
let declined = false;

interface HttpCallState {
  readonly call: Call;
  bound: boolean;
}

type RequestFn = (...args: unknown[]) => ClientRequest;

/** What http.request's arguments say about the request, without building anything for other hosts. */
interface Target {
  readonly protocol: string;
  readonly hostKey: string;
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

export function targetOf(args: readonly unknown[], defaultProtocol: string): Target | undefined {
  let options: RequestOptions & { href?: string } = {};
  let url: URL | undefined;
  const [first, second] = args;
  if (typeof first === 'string' || first instanceof URL) {
    url = typeof first === 'string' ? new URL(first) : first;
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
  return {
    protocol,
    hostKey: hostKeyOf(bare, port, protocol),
    method: (options.method ?? 'GET').toUpperCase(),
    pathAndQuery: options.path ?? (url === undefined ? '/' : `${url.pathname}${url.search}`),
    header: objectHeader(options.headers),
  };
}

function toBytes(chunk: unknown, encoding: unknown): Uint8Array | undefined {
  if (chunk instanceof Uint8Array) return chunk;
  if (typeof chunk === 'string') return Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
  return undefined;
}

export class HttpCapture {
  private readonly byRequest = new WeakMap<object, Call>();
  private readonly channels: ChannelSubscriptions;

  constructor(private readonly host: CaptureHost) {
    this.channels = new ChannelSubscriptions((error, channel) => host.onInternalError(error, channel));
  }

  /** Subscribes to the client channels; the module functions are wrapped by the instrumentation. */
  enable(): void {
    this.channels.on('http.client.request.created', (m) => this.onCreated((m as { request: ClientRequest }).request));
    this.channels.on('http.client.request.error', (m) => {
      const { request, error } = m as { request: object; error: unknown };
      this.byRequest.get(request)?.fail(error);
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
    const outer = HTTP_CALL.getStore();
    if (outer !== undefined && !outer.bound) return original.apply(thisArg, args);
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
    const req = HTTP_CALL.run(state, () => context.with(state.call.context, () => original.apply(thisArg, args)));
    // Where no `created` channel met the request, attach now (before any write or response).
    if (!state.bound) this.attach(req, state.call);
    return req;
  }

  private start(args: readonly unknown[], defaultProtocol: string): HttpCallState | undefined {
    try {
      const target = targetOf(args, defaultProtocol);
      if (target === undefined || !this.host.registry.knowsHost(target.hostKey)) return undefined;
      const recognition = this.host.registry.recognize(target.method, target.hostKey, target.pathAndQuery, target.header);
      if (recognition === undefined) return undefined;
      const url = new URL(`${target.protocol}//${target.hostKey}${target.pathAndQuery}`);
      const call = this.host.startCall(recognition, context.active(), url, target.header('content-type'));
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
    const state = HTTP_CALL.getStore();
    if (state !== undefined && !state.bound) {
      this.attach(req, state.call);
      return;
    }
    if (this.byRequest.has(req)) return;
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
    const state = HTTP_CALL.getStore();
    if (state !== undefined && state.call === call) state.bound = true;
    if (this.byRequest.has(req)) return;
    this.byRequest.set(req, call);

    const write = req.write;
    const end = req.end;
    let ending = false;
    req.write = function (this: ClientRequest, ...args: unknown[]) {
      if (!ending) {
        const bytes = toBytes(args[0], args[1]);
        if (bytes !== undefined) call.requestBody(bytes);
      }
      return (write as (...a: unknown[]) => boolean).apply(this, args);
    } as ClientRequest['write'];
    req.end = function (this: ClientRequest, ...args: unknown[]) {
      if (typeof args[0] !== 'function') {
        const bytes = toBytes(args[0], args[1]);
        if (bytes !== undefined) call.requestBody(bytes);
      }
      call.requestDone();
      ending = true;
      try {
        return (end as (...a: unknown[]) => ClientRequest).apply(this, args);
      } finally {
        ending = false;
      }
    } as ClientRequest['end'];

    req.prependListener('response', (res: IncomingMessage) => this.onResponse(req, res, call));
  }

  private onResponse(req: ClientRequest, res: IncomingMessage, call: Call): void {
    const headers = res.headers;
    call.response(res.statusCode ?? 0, (name) => {
      const v = headers[name];
      return Array.isArray(v) ? v.join(', ') : v;
    });
    const push = res.push;
    res.push = function (this: IncomingMessage, chunk: unknown, encoding?: BufferEncoding) {
      if (chunk === null) call.responseDone();
      else {
        const bytes = toBytes(chunk, encoding);
        if (bytes !== undefined) call.responseBody(bytes);
      }
      return push.call(this, chunk, encoding);
    };
    res.once('close', () => {
      if (!res.complete) call.fail(Object.assign(new Error('response closed before it completed'), { name: 'AbortError' }));
    });
    // Without an application listener Node would discard the response; ours must not keep it alive.
    if (req.listenerCount('response') === 1) res.resume();
  }
}
