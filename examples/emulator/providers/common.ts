/** Small helpers the provider modules share. */
import type { Random } from '../random.js';
import type { Json, OutputShape } from '../types.js';

export function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** A non-negative integer, or undefined. */
export function int(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined;
}

export function record(v: unknown): Json | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined;
}

export function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
}

/** True when the body's `stream` is true (JSON) or `"true"` (form-encoded). */
export function wantsStream(body: Json): boolean {
  return body.stream === true || body.stream === 'true';
}

export interface Drawn {
  readonly tokens: number;
  /** The cap cut the draw short. */
  readonly truncated: boolean;
}

/** Output length: lognormal around the shape's median, at least 1, at most `cap`. */
export function drawOutput(rng: Random, shape: OutputShape, cap: number | undefined): Drawn {
  const n = Math.max(1, Math.round(rng.lognormal(shape.median, shape.sigma)));
  return cap !== undefined && n > cap ? { tokens: Math.max(0, cap), truncated: true } : { tokens: n, truncated: false };
}

/** Hidden reasoning ("thinking") tokens of a reasoning model: long-tailed, a few hundred typically. */
export function drawReasoning(rng: Random, budget?: number): number {
  const n = Math.max(16, Math.round(rng.lognormal(384, 0.8)));
  return budget === undefined ? n : Math.min(n, budget);
}

/** Splits `cap` between reasoning first and visible output, as providers count both against it. */
export function withReasoning(
  rng: Random,
  shape: OutputShape,
  cap: number | undefined,
  reasoning: number,
): { visible: number; reasoning: number; truncated: boolean } {
  if (cap !== undefined && reasoning >= cap) return { visible: 0, reasoning: cap, truncated: true };
  const drawn = drawOutput(rng, shape, cap === undefined ? undefined : cap - reasoning);
  return { visible: drawn.tokens, reasoning, truncated: drawn.truncated };
}

/** Rounds a dollar amount as providers report it (to 1e-6). */
export function dollars(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** Google APIs' error body (`google.rpc.Status` as JSON). */
export function googleError(
  code: number,
  status: string,
  message: string,
  details?: readonly unknown[],
): { status: number; body: unknown } {
  return { status: code, body: { error: { code, message, status, ...(details === undefined ? {} : { details }) } } };
}

/** Google APIs' answer to each fault kind. */
export function googleFault(
  kind: 'rate_limit' | 'server_error' | 'overloaded',
  retryAfterSeconds: number,
  quotaMessage: string,
): { status: number; body: unknown } {
  switch (kind) {
    case 'rate_limit':
      return googleError(429, 'RESOURCE_EXHAUSTED', quotaMessage, [
        { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${retryAfterSeconds}s` },
      ]);
    case 'server_error':
      return googleError(500, 'INTERNAL', 'Internal error encountered.');
    case 'overloaded':
      return googleError(503, 'UNAVAILABLE', 'The service is currently unavailable.');
  }
}
