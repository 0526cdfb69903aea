/**
 * Per-call overhead on a loopback round trip (non-streaming JSON chat
 * completion) for fetch, http.request and axios, in three process
 * configurations: (a) bare, (b) OpenTelemetry's own http and undici
 * instrumentations with a tracer and a meter provider, (c) (b) plus
 * ai-pricetag. Also traffic to a host that is not an AI provider, (b) vs (c).
 *
 * Instrumentations patch globals, so each configuration × client is its own
 * child process. The parent alternates between them: every round runs one
 * batch of sequential calls in each process (in a rotated order), so slow
 * phases of a shared machine hit every configuration alike. A batch reports
 * its median per-call time; a row reports the median and range of those over
 * the rounds, and the difference (c) − (b) paired round by round. For
 * unrelated traffic, "no measurable difference" means the paired rounds do
 * not lean to one side more than chance allows (two-sided sign test, 5 %).
 */
import { median, summarize, type Measurement } from './harness.js';
import type { Row } from './row.js';
import { CLIENTS, type ClientName } from './support/clients.js';
import type { ProviderServer } from './support/provider-server.js';
import { PRICETAG_SCOPE, type Setup } from './support/telemetry.js';
import { Worker } from './support/workers.js';
import type { BatchRequest, BatchResult, RoundTripConfig } from './workers/round-trip.js';

const SETUPS: readonly Setup[] = ['bare', 'otel', 'pricetag'];
const SETUP_LABEL: Record<Setup, string> = { bare: '(a) bare', otel: '(b) OpenTelemetry', pricetag: '(c) (b) + ai-pricetag' };

interface Task {
  readonly worker: Worker;
  readonly client: ClientName;
  readonly setup: Setup;
  readonly target: BatchRequest['target'];
  readonly samples: number[];
}

const us = (ns: number) => `${ns >= 0 ? '+' : '−'}${(Math.abs(ns) / 1000).toFixed(1)} µs`;

/**
 * Two-sided sign test of paired differences: the chance of rounds splitting at least this
 * unevenly between slower and faster if the two configurations cost the same.
 */
export function signTestP(differences: readonly number[]): number {
  const nonZero = differences.filter((d) => d !== 0);
  const n = nonZero.length;
  const k = Math.max(nonZero.filter((d) => d > 0).length, nonZero.filter((d) => d < 0).length);
  let tail = 0;
  for (let i = k; i <= n; i++) tail += binomial(n, i) / 2 ** n;
  return Math.min(1, 2 * tail);
}

function binomial(n: number, k: number): number {
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return c;
}

/** Differences ours − baseline of the batches that ran in the same round. */
function paired(base: Task, ours: Task): number[] {
  return ours.samples.map((v, i) => v - base.samples[i]!);
}

/** Checks a batch ran the configuration it claims: OpenTelemetry spans, and ai-pricetag spans only for priced AI calls. */
function check(task: Task, result: BatchResult, calls: number): void {
  const otelScope = task.client === 'fetch' ? '@opentelemetry/instrumentation-undici' : '@opentelemetry/instrumentation-http';
  const ours = result.spans[PRICETAG_SCOPE] ?? 0;
  const theirs = result.spans[otelScope] ?? 0;
  const expectOurs = task.setup === 'pricetag' && task.target === 'ai' ? calls : 0;
  const expectTheirs = task.setup === 'bare' ? 0 : calls;
  // ±1: a span can end just after its batch's last call resolves.
  const near = (n: number, want: number) => Math.abs(n - want) <= 1;
  if (!near(ours, expectOurs) || !near(result.priced, expectOurs) || !near(theirs, expectTheirs)) {
    throw new Error(
      `${task.client}/${task.setup}/${task.target}: ` +
        `expected ${expectOurs} priced ai-pricetag and ${expectTheirs} ${otelScope} spans, saw ${JSON.stringify(result)}`,
    );
  }
}

export async function overheadBenchmarks(server: ProviderServer, quick: boolean): Promise<Row[]> {
  const rounds = quick ? 2 : 11;
  const calls = quick ? 20 : 300;
  const warmup = quick ? 50 : 1000;

  const workers = new Map<string, Worker>();
  for (const client of CLIENTS) {
    for (const setup of SETUPS) {
      const config: RoundTripConfig = { setup, client, openAiBaseUrl: server.openAiBaseUrl, unrelatedOrigin: server.unrelatedOrigin };
      workers.set(`${client}/${setup}`, new Worker(`${client}/${setup}`, new URL('./workers/round-trip.ts', import.meta.url), config));
    }
  }
  try {
    await Promise.all([...workers.values()].map((w) => w.ready));
    const tasks: Task[] = [];
    for (const client of CLIENTS) {
      for (const setup of SETUPS) tasks.push({ worker: workers.get(`${client}/${setup}`)!, client, setup, target: 'ai', samples: [] });
      for (const setup of ['otel', 'pricetag'] as const)
        tasks.push({ worker: workers.get(`${client}/${setup}`)!, client, setup, target: 'unrelated', samples: [] });
    }
    for (const task of tasks) await task.worker.request<BatchResult>({ target: task.target, calls: warmup });
    for (let r = 0; r < rounds; r++) {
      for (let k = 0; k < tasks.length; k++) {
        const task = tasks[(k + r) % tasks.length]!;
        const result = await task.worker.request<BatchResult>({ target: task.target, calls } satisfies BatchRequest);
        check(task, result, calls);
        task.samples.push(result.medianNs);
      }
    }

    const find = (client: ClientName, setup: Setup, target: Task['target']) =>
      tasks.find((t) => t.client === client && t.setup === setup && t.target === target)!;
    const measurement = (task: Task): Measurement => summarize(`${task.client}, ${SETUP_LABEL[task.setup]}`, task.samples, 'ns', calls);
    const rows: Row[] = [];
    for (const client of CLIENTS) {
      const [bare, otel, ours] = SETUPS.map((s) => find(client, s, 'ai'));
      const otelCost = paired(bare!, otel!);
      rows.push({
        name: `round trip, ${client}: (b) OpenTelemetry vs (a) bare`,
        baseline: measurement(bare!),
        ours: measurement(otel!),
        note: `OpenTelemetry adds ${us(median(otelCost))} (paired per round)`,
      });
      const added = paired(otel!, ours!);
      const addedNs = median(added);
      const ratio = median(ours!.samples) / median(otel!.samples);
      rows.push({
        name: `round trip, ${client}: (c) + ai-pricetag vs (b)`,
        baseline: measurement(otel!),
        ours: measurement(ours!),
        note: `ai-pricetag adds ${us(addedNs)} (paired per round, ${us(Math.min(...added))} … ${us(Math.max(...added))})`,
        goal: { text: '< 15 µs and < 5 %', met: addedNs < 15_000 && ratio < 1.05 },
      });
    }
    for (const client of CLIENTS) {
      const base = find(client, 'otel', 'unrelated');
      const ours = find(client, 'pricetag', 'unrelated');
      const diff = paired(base, ours);
      const p = signTestP(diff);
      rows.push({
        name: `unrelated host, ${client}: (c) vs (b)`,
        baseline: measurement(base),
        ours: measurement(ours),
        note:
          `difference ${us(median(diff))} (paired per round, ${us(Math.min(...diff))} … ${us(Math.max(...diff))}); ` +
          `slower in ${diff.filter((d) => d > 0).length} of ${diff.length} rounds, sign test p = ${p.toFixed(2)}`,
        goal: { text: 'no measurable difference (sign test p ≥ 0.05)', met: p >= 0.05 },
      });
    }
    return rows;
  } finally {
    await Promise.all([...workers.values()].map((w) => w.stop()));
  }
}
