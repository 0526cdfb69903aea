/**
 * ai-pricetag against the tools users would pick instead, on the same call:
 * `client.chat.completions.create` of the official `openai` client (a
 * non-streaming chat completion of about 1,200 prompt and 300 completion
 * tokens) against the loopback provider, in five process configurations
 * (workers/peer-client.ts): bare (the application's tracer and meter
 * providers, no instrumentation), + OpenTelemetry's instrumentation-openai,
 * + openlit, + ai-pricetag, and + ai-pricetag with OpenTelemetry's http and
 * undici instrumentations (for reference).
 *
 * As in overhead.bench.ts, every configuration is its own child process and
 * the parent alternates between them: every round runs, in a rotated order,
 * one batch of sequential calls and one batch of calls all in flight at once
 * in each process. A sequential batch reports its median per-call time and
 * its CPU per call; a concurrent batch its wall time. What a tool adds is the
 * difference to bare, paired round by round. Every batch is checked: each tool
 * must have produced a GenAI span with the response's usage for every call
 * (ai-pricetag: with a cost), and bare no span at all.
 */
import { median, summarize, type Measurement } from './harness.js';
import type { Row } from './row.js';
import type { ProviderServer } from './support/provider-server.js';
import { PRICETAG_SCOPE } from './support/telemetry.js';
import { Worker } from './support/workers.js';
import type { PeerConfig, PeerRequest, PeerResult, PeerSetup } from './workers/peer-client.js';

const SETUPS: readonly PeerSetup[] = ['bare', 'contrib', 'openlit', 'pricetag', 'pricetag+http'];
const LABEL: Record<PeerSetup, string> = {
  bare: 'bare (tracer + meter providers)',
  contrib: 'contrib instrumentation-openai',
  openlit: 'openlit',
  pricetag: 'ai-pricetag',
  'pricetag+http': 'ai-pricetag + OTel http/undici',
};
const CONTRIB_SCOPE = '@opentelemetry/instrumentation-openai';
/**
 * openlit's vLLM instrumentation wraps `create` over its OpenAI one and, for a base URL that is not
 * vLLM's, runs the OpenAI handler with its own tracer: openlit's OpenAI spans carry this scope.
 */
const OPENLIT_SCOPE = '@openlit/instrumentation-vllm';
const UNDICI_SCOPE = '@opentelemetry/instrumentation-undici';

/** The scopes whose spans a configuration must produce, one per call each; and which of them are GenAI spans, and priced. */
interface Expected {
  readonly spans: readonly string[];
  readonly genAi: readonly string[];
  readonly costed: readonly string[];
}
const EXPECTED: Record<PeerSetup, Expected> = {
  bare: { spans: [], genAi: [], costed: [] },
  contrib: { spans: [CONTRIB_SCOPE], genAi: [CONTRIB_SCOPE], costed: [] },
  openlit: { spans: [OPENLIT_SCOPE], genAi: [OPENLIT_SCOPE], costed: [OPENLIT_SCOPE] },
  pricetag: { spans: [PRICETAG_SCOPE], genAi: [PRICETAG_SCOPE], costed: [PRICETAG_SCOPE] },
  'pricetag+http': { spans: [PRICETAG_SCOPE, UNDICI_SCOPE], genAi: [PRICETAG_SCOPE], costed: [PRICETAG_SCOPE] },
};

interface Task {
  readonly worker: Worker;
  readonly setup: PeerSetup;
  readonly mode: PeerRequest['mode'];
  /** Per round: sequential median per call or concurrent round time, and CPU per call. */
  readonly ns: number[];
  readonly cpuNs: number[];
}

const us = (ns: number) => `${ns >= 0 ? '+' : '−'}${(Math.abs(ns) / 1000).toFixed(1)} µs`;
const ms = (ns: number) => `${ns >= 0 ? '+' : '−'}${(Math.abs(ns) / 1e6).toFixed(2)} ms`;
const perSecond = (calls: number, roundNs: number) => `${Math.round((calls * 1e9) / roundNs).toLocaleString('en')} calls/s`;

/** Fails the run unless the batch shows every tool of its configuration at work on every call, and nothing else. */
function check(task: Task, result: PeerResult, calls: number): void {
  const want = EXPECTED[task.setup];
  // ±1: a span can end just after its batch's last call resolves.
  const near = (n: number | undefined, expected: number) => Math.abs((n ?? 0) - expected) <= 1;
  const problems: string[] = [];
  for (const [what, counts, scopes] of [
    ['spans', result.spans, want.spans],
    ['GenAI spans with the response usage', result.genAi, want.genAi],
    ['spans with a cost', result.costed, want.costed],
  ] as const) {
    for (const scope of new Set([...scopes, ...Object.keys(counts)])) {
      const expected = scopes.includes(scope) ? calls : 0;
      if (!near(counts[scope], expected)) problems.push(`${counts[scope] ?? 0} ${what} of ${scope}, expected ${expected}`);
    }
  }
  if (problems.length > 0) {
    throw new Error(`peers, ${task.setup} (${task.mode}, ${calls} calls): ${problems.join('; ')}; saw ${JSON.stringify(result)}`);
  }
}

/** Differences ours − baseline of the batches that ran in the same round. */
const paired = (base: readonly number[], ours: readonly number[]) => ours.map((v, i) => v - base[i]!);
const range = (values: readonly number[]) => `${us(Math.min(...values))} … ${us(Math.max(...values))}`;

export async function peersBenchmarks(server: ProviderServer, quick: boolean): Promise<Row[]> {
  const rounds = quick ? 2 : 11;
  const calls = quick ? 20 : 200;
  const warmup = quick ? 20 : 500;
  const inFlight = quick ? 20 : 200;

  const workers = new Map<PeerSetup, Worker>();
  for (const setup of SETUPS) {
    const config: PeerConfig = { setup, baseUrl: server.peersBaseUrl };
    workers.set(setup, new Worker(`peers/${setup}`, new URL('./workers/peer-client.ts', import.meta.url), config));
  }
  try {
    await Promise.all([...workers.values()].map((w) => w.ready));
    const tasks: Task[] = [];
    for (const mode of ['sequential', 'concurrent'] as const)
      for (const setup of SETUPS) tasks.push({ worker: workers.get(setup)!, setup, mode, ns: [], cpuNs: [] });
    const size = (task: Task) => (task.mode === 'sequential' ? calls : inFlight);
    for (const setup of SETUPS) {
      const worker = workers.get(setup)!;
      await worker.request<PeerResult>({ mode: 'sequential', calls: warmup } satisfies PeerRequest);
      await worker.request<PeerResult>({ mode: 'concurrent', calls: inFlight } satisfies PeerRequest);
    }
    for (let r = 0; r < rounds; r++) {
      for (let k = 0; k < tasks.length; k++) {
        const task = tasks[(k + r) % tasks.length]!;
        const result = await task.worker.request<PeerResult>({ mode: task.mode, calls: size(task) } satisfies PeerRequest);
        check(task, result, size(task));
        task.ns.push(result.ns);
        task.cpuNs.push(result.cpuNs);
      }
    }

    const find = (setup: PeerSetup, mode: Task['mode']) => tasks.find((t) => t.setup === setup && t.mode === mode)!;
    const sequential = (setup: PeerSetup) => find(setup, 'sequential');
    const concurrent = (setup: PeerSetup) => find(setup, 'concurrent');
    const latency = (setup: PeerSetup) => summarize(LABEL[setup], sequential(setup).ns, 'ns', calls);
    const cpu = (setup: PeerSetup) => summarize(`${LABEL[setup]}, CPU per call`, sequential(setup).cpuNs, 'ns', calls);
    const round = (setup: PeerSetup) => summarize(`${LABEL[setup]}, ${inFlight} calls in flight`, concurrent(setup).ns, 'ns', inFlight);
    const added = (setup: PeerSetup) => paired(sequential('bare').ns, sequential(setup).ns);
    const addedCpu = (setup: PeerSetup) => paired(sequential('bare').cpuNs, sequential(setup).cpuNs);

    const rows: Row[] = [];
    for (const setup of SETUPS.slice(1)) {
      const lat = added(setup);
      const cpuCost = addedCpu(setup);
      rows.push({
        name: `peers: ${LABEL[setup]} vs bare, latency`,
        baseline: latency('bare'),
        ours: latency(setup),
        note: `adds ${us(median(lat))} per call, ${us(median(cpuCost))} client CPU (paired per round; latency ${range(lat)})`,
      });
      rows.push({
        name: `peers: ${LABEL[setup]} vs bare, client CPU per call`,
        baseline: cpu('bare'),
        ours: cpu(setup),
        note: `adds ${us(median(cpuCost))} (paired per round, ${range(cpuCost)})`,
      });
      const roundDiffs = paired(concurrent('bare').ns, concurrent(setup).ns);
      const roundCpu = paired(concurrent('bare').cpuNs, concurrent(setup).cpuNs);
      rows.push({
        name: `peers: ${LABEL[setup]} vs bare, ${inFlight} concurrent calls (time per round)`,
        baseline: round('bare'),
        ours: round(setup),
        note:
          `${perSecond(inFlight, median(concurrent(setup).ns))} vs ${perSecond(inFlight, median(concurrent('bare').ns))} bare; ` +
          `round ${ms(median(roundDiffs))} (paired per round); CPU per call ${us(median(roundCpu))}`,
      });
    }

    // The goal (issue): less added latency, less client CPU and higher concurrent throughput than both peers.
    const oursAdded = (values: number[], what: string): Measurement => summarize(`${LABEL.pricetag}, ${what}`, values, 'ns', calls);
    for (const peer of ['contrib', 'openlit'] as const) {
      const name = `peers: ai-pricetag vs ${LABEL[peer]}`;
      const lower = (diffs: number[]) => `lower in ${diffs.filter((d) => d < 0).length} of ${diffs.length} rounds`;
      for (const [what, ours, theirs] of [
        ['added latency', added('pricetag'), added(peer)],
        ['added client CPU', addedCpu('pricetag'), addedCpu(peer)],
      ] as const) {
        const oursMedian = median(ours);
        const theirsMedian = median(theirs);
        const diffs = paired(theirs, ours);
        rows.push({
          name: `${name}, ${what}`,
          baseline: summarize(`${LABEL[peer]}, ${what}`, theirs, 'ns', calls),
          ours: oursAdded(ours, what),
          note:
            `ai-pricetag ${us(oursMedian)}, ${LABEL[peer]} ${us(theirsMedian)} per call; ` +
            `ai-pricetag − peer ${us(median(diffs))} (paired per round, ${lower(diffs)})`,
          goal: { text: '< peer', met: oursMedian < theirsMedian },
        });
      }
      const oursRound = median(concurrent('pricetag').ns);
      const theirsRound = median(concurrent(peer).ns);
      const diffs = paired(concurrent(peer).ns, concurrent('pricetag').ns);
      rows.push({
        name: `${name}, concurrent throughput (${inFlight} in flight, time per round)`,
        baseline: round(peer),
        ours: round('pricetag'),
        note:
          `ai-pricetag ${perSecond(inFlight, oursRound)}, ${LABEL[peer]} ${perSecond(inFlight, theirsRound)}; ` +
          `round ai-pricetag − peer ${ms(median(diffs))} (paired per round, ${lower(diffs)})`,
        goal: { text: 'higher throughput than peer (shorter round)', met: oursRound < theirsRound },
      });
    }
    return rows;
  } finally {
    await Promise.all([...workers.values()].map((w) => w.stop()));
  }
}
