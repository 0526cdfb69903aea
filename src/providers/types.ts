/**
 * The contract between capture and the provider adapters. Capture knows HTTP
 * and bytes; an adapter knows one provider's API: which calls are billable,
 * which request and response fields carry the model, usage and dimensions,
 * and how to read its stream events. Adapters are pure and never see headers
 * beyond those they ask for, nor any prompt or completion text they do not
 * measure.
 */
import type { Dimensions, Usage } from '../pricing/types.js';
import type { Extracted, FieldSpec } from './fields.js';

/** What is known of a request before its body: enough to recognise it. */
export interface RequestHead {
  readonly method: string;
  /** Lower-case host, with `:port` when not the scheme's default. */
  readonly host: string;
  /** Path relative to the endpoint's base URL, without the query, starting with `/`. */
  readonly path: string;
  /** The raw query string without `?` (empty when none). */
  readonly query: string;
  /** A request header by lower-case name. */
  header(name: string): string | undefined;
}

/** One billable quantity set of a call; most calls have one, a few (tool use, batch APIs) several. */
export interface PriceItem {
  readonly operation: string;
  /** Model to price with; plans without models ignore it. */
  readonly model?: string;
  /** Tried when `model` is unknown to the catalog (e.g. the request's Azure deployment name). */
  readonly fallbackModel?: string;
  readonly usage: Usage;
  readonly dimensions?: Dimensions;
}

/** Token counts as the GenAI semantic conventions define them (input includes cached). */
export interface SemconvUsage {
  readonly inputTokens?: number;
  readonly outputTokens?: number;
  readonly cacheReadInputTokens?: number;
  readonly cacheCreationInputTokens?: number;
  /** Reasoning (thinking) tokens, when the provider reports them apart; included in `outputTokens`. */
  readonly reasoningOutputTokens?: number;
}

/** What one finished call amounts to, as the adapter reads it. */
export interface CallFacts {
  readonly responseModel?: string;
  /** Billable items, the call's own first. Empty with `noUsage` when usage could not be read. */
  readonly items: readonly PriceItem[];
  /** True when the response did not say what was used (e.g. a stream without usage). */
  readonly noUsage?: boolean;
  /**
   * True when every item is a part of the call's own charge (Vision features, Comprehend batch
   * documents) rather than the call's item followed by extras: the call then costs the sum of
   * its priced parts.
   */
  readonly itemsAreParts?: boolean;
  readonly semconv?: SemconvUsage;
  /** A charge the response itself reports; it wins over ours and is compared with it. */
  readonly providerCost?: { readonly amount: string; readonly currency: string };
  /**
   * The stream reached its final event ([DONE], message_stop, response.completed): a client that
   * cancels the body after it (as the official SDKs do) has not cut the call short.
   */
  readonly complete?: boolean;
  /** Non-token usage worth putting on the span as `ai.usage.<name>`. */
  readonly extraUsage?: Usage;
}

export interface CallOutcome {
  readonly status: number;
  /** Fields extracted from a JSON response body (empty for streams and unread bodies). */
  readonly response: Extracted;
  /** The body ended early: client abort, network error, or the process gave up waiting. */
  readonly aborted: boolean;
  /** Bytes of request body sent (custom routes can bill them as `request_bytes`). */
  readonly requestBytes?: number;
  /**
   * The response headers the reader named in `responseHeaders` that the response carried, by
   * lower-case name (repeats joined with `, `, as Node's `headers` does). Absent when the reader
   * named none or no response arrived.
   */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Per-call state of an adapter: created once the request body's fields are known. */
export interface CallReader {
  /** Model asked for in the request (or the URL), for the span name. */
  readonly requestModel?: string;
  /** The operation, when only the body tells it (Azure AI Language's `kind`); else the route's. */
  readonly operation?: string;
  /** Response fields to extract from a JSON body. */
  readonly responseFields: readonly FieldSpec[];
  /**
   * Lower-case names of response headers the reader needs (Bedrock's token counts), handed to
   * `finish` as `outcome.headers`. Only these are looked up, and only for readers that name some:
   * a module constant, as capture reads it for every response. Never put a header value that could
   * carry a secret or content on a span.
   */
  readonly responseHeaders?: readonly string[];
  /** One server-sent event of a streamed response (`event` is `message` when unnamed). */
  onEvent?(event: string, data: string): void;
  /**
   * Asked after each event delivered: byte patterns (ASCII, no line breaks) such that delivering a
   * later event whose bytes (its `event:`, `data:`, `id:` and comment lines) contain none of them
   * would change nothing this reader records. Capture may then skip such events, never decoding
   * them. Undefined: every event is needed. Return the same array each time (module constants):
   * it is compiled once. Only declare what onEvent provably ignores.
   */
  skipEventsWithout?(): readonly string[] | undefined;
  /**
   * Fields to read from the JSON data of an event too long to hold (over a MiB: a Responses
   * `response.completed` carrying a generated image), scanned as it passes; `onLargeEvent` gets
   * them instead of `onEvent` getting the event. Readers that also give `skipEventsWithout` only.
   */
  readonly largeEventFields?: readonly FieldSpec[];
  onLargeEvent?(event: string, fields: Extracted): void;
  finish(outcome: CallOutcome): CallFacts;
}

/** A recognised API of a provider. */
export interface Route {
  readonly operation: string;
  /** Request body fields the reader needs. */
  readonly requestFields: readonly FieldSpec[];
  /** Starts reading a call; `request` is empty when the body could not be read. */
  begin(request: Extracted, head: RequestHead): CallReader;
}

export interface ProviderAdapter {
  /** gen_ai.provider.name of the calls it recognises, and the catalog's provider. */
  readonly provider: string;
  /** Base URLs of the public API, as the official clients use them (`https://api.openai.com/v1`). */
  readonly baseUrls: readonly string[];
  /** Hosts matched by suffix (regional or per-resource hosts such as `.openai.azure.com`). */
  readonly hostSuffixes?: readonly string[];
  /**
   * When the catalog has no plan for this provider and the call's operation, price with this provider's plans
   * (Azure OpenAI bills OpenAI's list prices).
   */
  readonly pricedAs?: string;
  /** The billable API a request is, or undefined to leave it alone. */
  route(head: RequestHead): Route | undefined;
}
