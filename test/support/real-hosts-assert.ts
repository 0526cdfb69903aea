// The checks every real-hosts test makes of a scenario's output (see runScenario in
// test/support/real-hosts.ts): one request, on the real host name, in the protocol the client
// chose, priced by exactly one span that carries nothing the app sent; and the cost counters that
// call left.
import { strict as assert } from 'node:assert';
import type { CounterSeries, ScenarioOut } from './real-hosts.js';

/**
 * What the apps under test/apps/real-hosts/ send as prompts, documents and credentials (and what
 * the fixtures answer, 'screws'): none of it may reach a span.
 */
const SENT = ['screws', 'pine shelf', 'Pine or oak', 'softwood', 'hardwood', 'not-a-key', 'not-a-token', 'NOTAKEY', 'not-a-secret'];

/** Fails if the span carries anything the apps send (or `more`, e.g. a response header's value). */
export function assertCarriesNothingSent(span: Record<string, unknown>, more: readonly string[] = []): void {
  const text = JSON.stringify(span);
  for (const sent of [...SENT, ...more]) assert.ok(!text.includes(sent), `the span carries ${sent}`);
}

export interface OnlySpanOptions {
  /** The protocol the request came in: '2.0' on an HTTP/2 stream. @default '1.1' */
  readonly httpVersion?: '1.1' | '2.0';
  /** More strings the span must not carry. */
  readonly absent?: readonly string[];
}

/** The one span of the run, after checking that the one request was `POST path` on `host`. */
export function onlySpan(out: ScenarioOut, host: string, path: string, options: OnlySpanOptions = {}): Record<string, unknown> {
  assert.deepEqual(
    out.received.map((r) => [r.method, r.path, r.host, r.httpVersion]),
    [['POST', path, host, options.httpVersion ?? '1.1']],
  );
  assert.equal(out.spans.length, 1, `priced exactly once, got ${JSON.stringify(out.spans)}`);
  const span = out.spans[0]!;
  assert.equal(span['server.address'], host);
  assertCarriesNothingSent(span, options.absent);
  return span;
}

/**
 * The span's pricing, the cost as the decimal the span's double prints (`String`, so 0.0006232 is
 * '0.0006232'), and the attributes named in `more` as they are.
 */
export function priced(span: Record<string, unknown>, ...more: string[]): Record<string, unknown> {
  return {
    provider: span['gen_ai.provider.name'],
    operation: span['gen_ai.operation.name'],
    model: span['gen_ai.request.model'],
    plan: span['ai.pricing.plan'],
    source: span['ai.cost.source'],
    cost: span['ai.cost.amount'] === undefined ? undefined : String(span['ai.cost.amount']),
    ...Object.fromEntries(more.map((name) => [name, span[name]])),
  };
}

/** The labels a call's cost and request series share with its span. */
const CALL_LABELS = ['gen_ai.provider.name', 'gen_ai.request.model', 'gen_ai.operation.name', 'ai.pricing.plan'] as const;

function onlySeries(all: readonly CounterSeries[], name: string, span: Record<string, unknown>): CounterSeries {
  assert.equal(all.length, 1, `one ${name} series, got ${JSON.stringify(all)}`);
  const series = all[0]!;
  assert.deepEqual(
    CALL_LABELS.map((label) => series.attributes[label]),
    CALL_LABELS.map((label) => span[label]),
    `the ${name} series is labelled as the span`,
  );
  return series;
}

/**
 * The run's ai.cost and ai.requests counters (ai_cost_total and ai_requests_total when scraped),
 * after checking each has one series, labelled with the span's provider, model, operation and plan:
 * the cost as the decimal its double prints (as `priced` gives the span's), its currency, and the
 * request count by outcome.
 */
export function metered(out: ScenarioOut, span: Record<string, unknown>): Record<string, unknown> {
  const cost = onlySeries(out.metrics.cost, 'ai.cost', span);
  assert.equal(cost.attributes['ai.cost.currency'], span['ai.cost.currency'], "the cost series is in the span's currency");
  const requests = onlySeries(out.metrics.requests, 'ai.requests', span);
  return {
    cost: String(cost.value),
    currency: cost.attributes['ai.cost.currency'],
    requests: { [String(requests.attributes['ai.outcome'])]: requests.value },
  };
}

/** What `metered` gives for one successful call that cost `cost` USD. */
export const oneCallAt = (cost: string): Record<string, unknown> => ({ cost, currency: 'USD', requests: { success: 1 } });
