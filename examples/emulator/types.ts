/** The contract between the emulator's HTTP server and its provider modules. */
import type { IncomingHttpHeaders } from 'node:http';
import type { PrefixCache } from './cache.js';
import type { Random } from './random.js';

export type Json = Record<string, unknown>;

export interface EmulatorRequest {
  readonly method: string;
  /** Path after the provider's prefix, as the real API host sees it (`/v1/chat/completions`), without the query. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  /** The JSON (or form-encoded) body; `{}` when there is none. */
  readonly body: Json;
}

/** Errors a provider answers in its own format. */
export type ErrorKind = 'rate_limit' | 'server_error' | 'overloaded';

export interface ErrorResponse {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface OutputShape {
  readonly median: number;
  readonly sigma: number;
}

/** A stream being written; a cut (fault or client gone) makes every later write a no-op returning false. */
export interface EventStream {
  /** One server-sent event: `event: name` when named, then `data:`; waits the inter-chunk delay first. */
  event(data: unknown, name?: string): Promise<boolean>;
  /** Raw text, for streams that are not SSE (Gemini's streamed JSON array). */
  write(text: string): Promise<boolean>;
  end(): void;
}

/** What a provider module answers with. */
export interface Reply {
  /** Seeded for this request: same seed and same request, same answer. */
  readonly rng: Random;
  /** The emulator's origin as clients reach it (for URLs in responses). */
  readonly origin: string;
  readonly cache: PrefixCache;
  /** Counters a provider keeps for this emulator (DeepL's characters used). */
  readonly counters: Map<string, number>;
  /** Unix seconds now. */
  readonly now: number;
  /** Lognormal shape of generated output lengths (tokens). */
  readonly output: OutputShape;
  json(status: number, body: unknown, headers?: Readonly<Record<string, string>>): void;
  /**
   * Starts a streamed response. `events` is how many events (or writes) are
   * planned: a drop-mid-stream fault cuts the connection halfway through them.
   */
  stream(events: number, options?: { contentType?: string; lineEnd?: string; headers?: Readonly<Record<string, string>> }): EventStream;
  /** Usage counts for the request log (numbers only, never text). */
  usage(counts: Readonly<Record<string, number>>): void;
}

export interface Operation {
  /** Name in the request log (`chat.completions`, `messages`, `generateContent`, …). */
  readonly name: string;
  readonly model?: string;
  readonly stream: boolean;
  respond(reply: Reply): void | Promise<void>;
}

export interface ProviderEmulator {
  /** ai-pricetag's provider id (gen_ai.provider.name), and the emulator's path prefix unless `prefix` says otherwise. */
  readonly provider: string;
  /**
   * Path prefix when it is not the provider id (`google` for `gcp.gemini`): the ids of ai-pricetag
   * 0.1, kept so that URLs given to clients and deployments stay the same.
   */
  readonly prefix?: string;
  /**
   * Path under the prefix that corresponds to the adapter's public base URL
   * (`/v1` for OpenAI-style APIs whose base URL ends in `/v1`, else empty).
   */
  readonly apiRoot: string;
  /** The operation a request is, or undefined for a route this API does not have (404). */
  route(request: EmulatorRequest): Operation | undefined;
  /** The provider's own error response for a fault, as its clients expect to parse it (`Retry-After` is added for rate limits). */
  error(kind: ErrorKind, request: EmulatorRequest, retryAfterSeconds: number): ErrorResponse;
  /** The provider's 404 body; a generic one when absent. */
  notFound?(request: EmulatorRequest): ErrorResponse;
}
