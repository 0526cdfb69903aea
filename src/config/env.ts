/**
 * Configuration from environment variables, for the zero-code entry and as
 * defaults of the instrumentation (explicit config wins over environment).
 *
 * PRICETAG_CATALOGS         comma-separated catalog files layered over the default
 * PRICETAG_DEFAULT_CATALOG  `false` to leave the built-in catalog out
 * PRICETAG_ENDPOINTS        `provider=baseUrl,…` (e.g. openai=http://127.0.0.1:8080/v1)
 * PRICETAG_ROUTES           comma-separated files (YAML/JSON) with a `routes:` list of custom routes
 * PRICETAG_CALL_TIMEOUT_MS  idle time after which an unfinished call is closed
 * PRICETAG_SHADOW_PLANS     `plan=alt|alt;…`: every call of a plan also priced under the alternatives
 * PRICETAG_BAGGAGE_LABELS   comma-separated baggage keys that become metric labels
 * PRICETAG_MAX_LABEL_LENGTH characters kept of each attribution label value (default 256)
 * PRICETAG_CONVERSATION_HEADER       request header carrying the conversation id
 * PRICETAG_CONVERSATION_BAGGAGE_KEY  baggage key carrying it (default gen_ai.conversation.id)
 * PRICETAG_WORK_UNITS                `name=baggageKey,…`: other units of work
 * PRICETAG_WORK_UNIT_IDLE_MS         idle time after which a unit is finished
 * PRICETAG_WORK_UNIT_MAX             units in progress kept at once
 * PRICETAG_GENAI_SPAN                `enrich` (default) or `separate`: under another instrumentation's GenAI span
 */
import { diag } from '@opentelemetry/api';
import { formatProblem } from '../catalog/problems.js';
import type { CustomRoute } from '../providers/custom-routes.js';
import { redactUrl, type Endpoint } from '../providers/registry.js';
import { containedLogger } from '../contained-diag.js';
import { GENAI_SPAN_MODES } from '../telemetry/genai-peers.js';
import type { GenAiSpanMode, PricetagInstrumentationConfig } from '../types.js';
import { routesFromFile } from './routes-file.js';

export type Env = Readonly<Record<string, string | undefined>>;

/** The `code` of the process warning a configuration mistake raises (as the zero-code entry's). */
export const CONFIG_WARNING_CODE = 'AI_PRICETAG_CONFIG';

/** Distinct mistakes warned of on stderr; configuration is resolved again on every setConfig(). */
const warned = new Set<string>();
const MAX_WARNED = 1000;

const globalLog = (message: string) => containedLogger(diag).error(`ai-pricetag: ${message}`);

/**
 * Says a configuration mistake through `log` (the global diag logger by default) and, once per
 * process, as a process warning on stderr: most hosts set no diag logger, and the mistake
 * (an endpoint left out, a variable ignored) otherwise shows only as calls missing from the metrics.
 * Never throws.
 */
export function reportConfigProblem(message: string, log: (message: string) => void = globalLog): void {
  try {
    log(message);
  } catch {
    // The application's logger failed; the application must not.
  }
  if (warned.has(message) || warned.size >= MAX_WARNED) return;
  warned.add(message);
  try {
    process.emitWarning(`ai-pricetag: ${message}`, { code: CONFIG_WARNING_CODE });
  } catch {
    // A process without warnings (or one that turns them into throws) gets the diag line only.
  }
}

/** The comma-separated items of a variable, trimmed, empty ones left out. */
export function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** `key=value,…` pairs of a variable; a malformed entry is named with the variable. */
function pairs(value: string | undefined, variable: string, shape: string): [string, string][] {
  return list(value).map((entry) => {
    const eq = entry.indexOf('=');
    if (eq <= 0) throw new Error(`${variable}: "${entry}" is not ${shape}`);
    return [entry.slice(0, eq).trim(), entry.slice(eq + 1).trim()];
  });
}

/**
 * `provider=baseUrl,…`: a malformed entry is left out on its own and said through `report`,
 * credentials and query cut from it (the registry judges the well-formed entries).
 */
export function parseEndpoints(value: string | undefined, report: (message: string) => void = reportConfigProblem): Endpoint[] {
  const out: Endpoint[] = [];
  for (const entry of list(value)) {
    const eq = entry.indexOf('=');
    if (eq > 0) out.push({ provider: entry.slice(0, eq).trim(), baseUrl: entry.slice(eq + 1).trim() });
    else report(`PRICETAG_ENDPOINTS: "${redactUrl(entry)}" is not provider=baseUrl; the entry is left out`);
  }
  return out;
}

/** A positive whole number (a count or a length). */
function positiveInteger(variable: string): (value: string) => number {
  return (value) => {
    const n = Number(value.trim());
    if (!Number.isInteger(n) || n <= 0) throw new Error(`${variable}: "${value}" is not a positive whole number`);
    return n;
  };
}

/** `enrich` or `separate`, in any case. */
function parseGenAiSpan(value: string): GenAiSpanMode {
  const mode = GENAI_SPAN_MODES.find((m) => m === value.trim().toLowerCase());
  if (mode === undefined) throw new Error(`PRICETAG_GENAI_SPAN: "${value}" is not ${GENAI_SPAN_MODES.join(' or ')}`);
  return mode;
}

/** `openai/gpt-4o-mini=acme/flat|exa/search;tavily/search=exa/search` (plan ids contain `/`, hence `;` and `|`). */
export function parseShadowPlans(value: string | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const entry of (value ?? '')
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s !== '')) {
    const eq = entry.indexOf('=');
    const alternatives =
      eq <= 0
        ? []
        : entry
            .slice(eq + 1)
            .split('|')
            .map((s) => s.trim())
            .filter((s) => s !== '');
    if (alternatives.length === 0) throw new Error(`PRICETAG_SHADOW_PLANS: "${entry}" is not plan=alternative|alternative`);
    const plan = entry.slice(0, eq).trim();
    out[plan] = [...(out[plan] ?? []), ...alternatives];
  }
  return out;
}

/**
 * A variable's parsed value, or undefined (said as reportConfigProblem says) when it is malformed:
 * read at start-up, often by the zero-code entry, where a throw would stop the host application.
 */
function parsed<T>(value: string | undefined, parse: (value: string) => T): T | undefined {
  if (value === undefined) return undefined;
  try {
    return parse(value);
  } catch (error) {
    reportConfigProblem(`${(error as Error).message}; the variable is ignored`);
    return undefined;
  }
}

/** The routes of PRICETAG_ROUTES's files; each problem said, the routes without one used. */
function routesOfFiles(files: readonly string[]): CustomRoute[] {
  const routes: CustomRoute[] = [];
  for (const file of files) {
    const result = routesFromFile(file);
    if (result.problems.length > 0) {
      reportConfigProblem(`PRICETAG_ROUTES: routes with problems are left out:\n${result.problems.map(formatProblem).join('\n')}`);
    }
    routes.push(...result.routes);
  }
  return routes;
}

/** Fills fields the config leaves unset from the environment; a malformed variable is ignored. */
export function withEnvironment(config: PricetagInstrumentationConfig, env: Env = process.env): PricetagInstrumentationConfig {
  const out: PricetagInstrumentationConfig = { ...config };
  if (out.catalogs === undefined && env.PRICETAG_CATALOGS !== undefined) out.catalogs = list(env.PRICETAG_CATALOGS);
  if (out.noDefaultCatalog === undefined && env.PRICETAG_DEFAULT_CATALOG !== undefined) {
    out.noDefaultCatalog = env.PRICETAG_DEFAULT_CATALOG.trim().toLowerCase() === 'false';
  }
  const endpoints = out.endpoints === undefined ? parsed(env.PRICETAG_ENDPOINTS, parseEndpoints) : undefined;
  if (out.routes === undefined && env.PRICETAG_ROUTES !== undefined) out.routes = routesOfFiles(list(env.PRICETAG_ROUTES));
  if (endpoints !== undefined) out.endpoints = endpoints;
  if (out.callTimeoutMs === undefined && env.PRICETAG_CALL_TIMEOUT_MS !== undefined) {
    const ms = Number(env.PRICETAG_CALL_TIMEOUT_MS);
    if (Number.isFinite(ms) && ms > 0) out.callTimeoutMs = ms;
  }
  const shadowPlans = out.shadowPlans === undefined ? parsed(env.PRICETAG_SHADOW_PLANS, parseShadowPlans) : undefined;
  if (shadowPlans !== undefined) out.shadowPlans = shadowPlans;
  if (out.attribution === undefined && env.PRICETAG_BAGGAGE_LABELS !== undefined)
    out.attribution = { baggageKeys: list(env.PRICETAG_BAGGAGE_LABELS) };
  // A cap, not a choice of labels: it fills an explicit attribution that leaves it unset.
  const maxValueLength =
    out.attribution?.maxValueLength === undefined
      ? parsed(env.PRICETAG_MAX_LABEL_LENGTH, positiveInteger('PRICETAG_MAX_LABEL_LENGTH'))
      : undefined;
  if (maxValueLength !== undefined) out.attribution = { ...out.attribution, maxValueLength };
  const genAiSpan = out.genAiSpan === undefined ? parsed(env.PRICETAG_GENAI_SPAN, parseGenAiSpan) : undefined;
  if (genAiSpan !== undefined) out.genAiSpan = genAiSpan;
  if (out.workUnits === undefined) {
    const units = parsed(env.PRICETAG_WORK_UNITS, (value) => Object.fromEntries(pairs(value, 'PRICETAG_WORK_UNITS', 'name=baggageKey')));
    const number = (value: string | undefined) => (value !== undefined && Number(value) > 0 ? Number(value) : undefined);
    const workUnits = {
      conversationHeader: env.PRICETAG_CONVERSATION_HEADER,
      conversationBaggageKey: env.PRICETAG_CONVERSATION_BAGGAGE_KEY,
      units,
      idleTimeoutMs: number(env.PRICETAG_WORK_UNIT_IDLE_MS),
      maxActive: number(env.PRICETAG_WORK_UNIT_MAX),
    };
    const set = Object.fromEntries(Object.entries(workUnits).filter(([, v]) => v !== undefined));
    if (Object.keys(set).length > 0) out.workUnits = set;
  }
  return out;
}
