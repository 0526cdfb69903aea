/**
 * Configuration from environment variables, for the zero-code entry and as
 * defaults of the instrumentation (explicit config wins over environment).
 *
 * PRICETAG_CATALOGS         comma-separated catalog files layered over the default
 * PRICETAG_DEFAULT_CATALOG  `false` to leave the built-in catalog out
 * PRICETAG_ENDPOINTS        `provider=baseUrl,…` (e.g. openai=http://127.0.0.1:8080/v1)
 * PRICETAG_CALL_TIMEOUT_MS  idle time after which an unfinished call is closed
 */
import type { Endpoint } from '../providers/registry.js';
import type { PricetagInstrumentationConfig } from '../types.js';

export type Env = Readonly<Record<string, string | undefined>>;

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export function parseEndpoints(value: string | undefined): Endpoint[] {
  return list(value).map((entry) => {
    const eq = entry.indexOf('=');
    if (eq <= 0) throw new Error(`PRICETAG_ENDPOINTS: "${entry}" is not provider=baseUrl`);
    return { provider: entry.slice(0, eq).trim(), baseUrl: entry.slice(eq + 1).trim() };
  });
}

/** Fills fields the config leaves unset from the environment. */
export function withEnvironment(config: PricetagInstrumentationConfig, env: Env = process.env): PricetagInstrumentationConfig {
  const out: PricetagInstrumentationConfig = { ...config };
  if (out.catalogs === undefined && env.PRICETAG_CATALOGS !== undefined) out.catalogs = list(env.PRICETAG_CATALOGS);
  if (out.noDefaultCatalog === undefined && env.PRICETAG_DEFAULT_CATALOG !== undefined) {
    out.noDefaultCatalog = env.PRICETAG_DEFAULT_CATALOG.trim().toLowerCase() === 'false';
  }
  if (out.endpoints === undefined && env.PRICETAG_ENDPOINTS !== undefined) out.endpoints = parseEndpoints(env.PRICETAG_ENDPOINTS);
  if (out.callTimeoutMs === undefined && env.PRICETAG_CALL_TIMEOUT_MS !== undefined) {
    const ms = Number(env.PRICETAG_CALL_TIMEOUT_MS);
    if (Number.isFinite(ms) && ms > 0) out.callTimeoutMs = ms;
  }
  return out;
}
