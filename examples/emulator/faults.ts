/**
 * Faults: what goes wrong with a request, chosen at random at the configured
 * error rate, or forced per request with the `x-emulator-fault` header.
 *
 * - `429`: rate limited, with `Retry-After` and the provider's own error body.
 * - `500`: the provider's internal-error body.
 * - `overloaded`: Anthropic's 529 `overloaded_error`, 503 elsewhere (header only
 *   unless given a weight in the mix).
 * - `drop`: the connection is closed before any response byte.
 * - `drop-mid-stream`: the response starts (status 200, headers, part of the
 *   body or of the stream's events) and the connection is then cut.
 */
import type { Random } from './random.js';
import type { ErrorKind } from './types.js';

export const FAULT_HEADER = 'x-emulator-fault';

export const FAULTS = ['429', '500', 'overloaded', 'drop', 'drop-mid-stream'] as const;
export type Fault = (typeof FAULTS)[number];

/** Relative weights of the faults an error-rate draw picks from. */
export type FaultMix = Readonly<Partial<Record<'429' | '500' | 'overloaded' | 'drop', number>>>;

/** Rate limits are the most common failure of a busy API; server errors and dropped connections share the rest. */
export const DEFAULT_FAULT_MIX: FaultMix = { '429': 0.5, '500': 0.25, drop: 0.25 };

const ALIASES: Readonly<Record<string, Fault>> = { '503': 'overloaded', '529': 'overloaded', 'drop-midstream': 'drop-mid-stream' };

/** The fault a request header forces; `invalid` for a value that is not one. */
export function forcedFault(header: string | string[] | undefined): Fault | 'invalid' | undefined {
  const value = (Array.isArray(header) ? header[0] : header)?.trim().toLowerCase();
  if (value === undefined || value === '') return undefined;
  if ((FAULTS as readonly string[]).includes(value)) return value as Fault;
  return ALIASES[value] ?? 'invalid';
}

/** A fault at `errorRate`; a dropped connection on a stream is cut mid-stream, as streams usually fail. */
export function randomFault(rng: Random, errorRate: number, mix: FaultMix, stream: boolean): Fault | undefined {
  if (errorRate <= 0 || !rng.bernoulli(errorRate)) return undefined;
  const entries = Object.entries(mix).filter(([, w]) => w !== undefined && w > 0) as [Fault, number][];
  if (entries.length === 0) return undefined;
  const fault = rng.weighted(entries);
  return fault === 'drop' && stream ? 'drop-mid-stream' : fault;
}

/** The error response a fault is answered with, if it is one. */
export function errorKind(fault: Fault): ErrorKind | undefined {
  switch (fault) {
    case '429':
      return 'rate_limit';
    case '500':
      return 'server_error';
    case 'overloaded':
      return 'overloaded';
    default:
      return undefined;
  }
}
