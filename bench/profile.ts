/**
 * Where per-call time goes in the round-trip benchmark:
 *   npx tsx bench/profile.ts [fetch|http|axios] [SETUP[,SETUP…]] [ai|unrelated] [CALLS] [--tsx]
 * SETUP is bare, otel or pricetag (default: otel,pricetag). Each setup runs in
 * its own worker; after 2,000 warm-up calls each, CALLS calls (default 10,000)
 * are profiled in ROUNDS alternating batches (start-up excluded, 250 µs
 * sampling), so a busy spell of a shared machine hits every setup alike. The
 * .cpuprofile files (Chrome DevTools, speedscope) go to bench/profiles/.
 * Prints self time per call by area for each setup side by side, and the
 * functions of the last setup with the most self time, then (ownerTable) the
 * time spent in or called from each party's code. The profiler's
 * interruptions slow everything a little: compare setups, not absolute
 * figures. Runs compiled, as `npm run bench` does, unless --tsx.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { median } from './harness.js';
import type { ClientName } from './support/clients.js';
import { ranCompiled } from './support/launch.js';
import { REPO_ROOT } from './support/paths.js';
import { startProviderServer } from './support/provider-server.js';
import type { Setup } from './support/telemetry.js';
import { Worker } from './support/workers.js';
import type { BatchRequest, BatchResult, RoundTripConfig } from './workers/round-trip.js';

interface CpuProfile {
  startTime: number;
  endTime: number;
  samples: number[];
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number; children?: number[] }[];
}

/** The part of the process a function belongs to. */
function areaOf(functionName: string, url: string): string {
  if (functionName === '(idle)') return 'idle (waiting for the server)';
  if (functionName === '(garbage collector)') return 'garbage collector';
  if (functionName === '(program)') return 'V8 (compiler, runtime)';
  const src = /\/src\/([a-z-]+)\//.exec(url);
  if (src !== null) return `ai-pricetag src/${src[1]}`;
  if (/\/src\/[a-z-]+\.js$/.test(url) && !url.includes('node_modules')) return 'ai-pricetag src/*.js';
  const otel = /@opentelemetry\/([a-z-]+)/.exec(url);
  if (otel !== null) return `@opentelemetry/${otel[1]}`;
  if (url.includes('node_modules/')) return /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url)![1]!;
  if (url.includes('deps/undici')) return 'undici (Node’s fetch)';
  if (url.startsWith('node:')) return 'Node internals';
  if (url.includes('/bench/')) return 'bench client';
  return 'native (syscalls, builtins)';
}

/**
 * Frames the host's own call runs through without being their work: context switching in the
 * OpenTelemetry API and our wrappers around `fetch`, `http.request` and the http prototypes.
 */
const PASS_THROUGH = [
  /@opentelemetry\/(api|context-async-hooks)\//,
  /\/src\/capture\/undici\.js#(fetch|callInContext)$/,
  /\/src\/capture\/http\.js#(wrapped|request)$/,
  /\/src\/capture\/http-patch\.js#$/,
];

/**
 * Who a sample's time belongs to: the innermost frame of ai-pricetag or of an OpenTelemetry
 * package (API excepted), so Node and V8 built-ins (URL parsing, Buffer decoding, JSON.parse)
 * count for the code that called them; samples under neither are the host's and Node's.
 */
function ownerOf(url: string, functionName: string): string | undefined {
  const key = `${url}#${functionName}`;
  if (PASS_THROUGH.some((re) => re.test(key))) return undefined;
  if (url.includes('node_modules')) {
    const otel = /@opentelemetry\/([a-z-]+)/.exec(url);
    return otel === null ? undefined : `@opentelemetry/${otel[1]}`;
  }
  if (/\/src\/[a-z-]+(\/|\.js$)/.test(url)) return 'ai-pricetag';
  if (url.includes('/bench/')) return 'bench client';
  return undefined;
}

const OWNER_REST: Record<string, string> = {
  '(idle)': 'idle (waiting for the server)',
  '(garbage collector)': 'garbage collector',
  '(program)': 'V8 (compiler, runtime)',
};

const ROUNDS = 4;

interface Analysis {
  readonly areas: Map<string, number>;
  readonly functions: Map<string, number>;
  /** Time per call in or called from each party's code (ownerOf). */
  readonly owners: Map<string, number>;
}

/** Adds a profile's self time per call (µs) by area and by function into `into`. */
function analyse(file: string, calls: number, into: Analysis): void {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const interval = (profile.endTime - profile.startTime) / profile.samples.length;
  const { areas, functions, owners } = into;
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const ownerById = new Map<number, string>();
  const owner = (id: number): string => {
    const known = ownerById.get(id);
    if (known !== undefined) return known;
    const { functionName, url } = byId.get(id)!.callFrame;
    const parent = parentOf.get(id);
    const found =
      ownerOf(url, functionName) ??
      (parent === undefined || byId.get(parent)!.callFrame.functionName === '(root)'
        ? (OWNER_REST[functionName] ?? 'Node, undici, host')
        : owner(parent));
    ownerById.set(id, found);
    return found;
  };
  for (const node of profile.nodes) {
    const us = ((node.hitCount ?? 0) * interval) / calls;
    const { functionName, url, lineNumber } = node.callFrame;
    const area = areaOf(functionName, url);
    areas.set(area, (areas.get(area) ?? 0) + us);
    const key = `${functionName || '(anonymous)'} ${url.replace(/^.*\/(node_modules|src|bench)\//, '$1/')}:${lineNumber + 1}`;
    functions.set(key, (functions.get(key) ?? 0) + us);
    if (us > 0) {
      const who = owner(node.id);
      owners.set(who, (owners.get(who) ?? 0) + us);
    }
  }
}

async function profile(): Promise<void> {
  const [client = 'fetch', setupList = 'otel,pricetag', target = 'ai', callsText = '10000'] = process.argv
    .slice(2)
    .filter((a) => !a.startsWith('--'));
  const calls = Number(callsText);
  const setups = setupList.split(',') as Setup[];
  const dir = join(REPO_ROOT, 'bench', 'profiles', `${client}-${target}-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  const server = await startProviderServer();
  const workers: Worker[] = [];
  const results = setups.map((setup) => ({
    setup,
    wallNs: [] as number[],
    cpuNs: [] as number[],
    areas: new Map<string, number>(),
    functions: new Map<string, number>(),
    owners: new Map<string, number>(),
  }));
  try {
    for (const setup of setups) {
      const config: RoundTripConfig = {
        setup,
        client: client as ClientName,
        openAiBaseUrl: server.openAiBaseUrl,
        unrelatedOrigin: server.unrelatedOrigin,
      };
      workers.push(new Worker(`profile/${setup}`, new URL('./workers/round-trip.ts', import.meta.url), config));
    }
    await Promise.all(workers.map((w) => w.ready));
    const batch = { target: target as BatchRequest['target'], calls: Math.ceil(calls / ROUNDS) } satisfies BatchRequest;
    for (const worker of workers) await worker.request<BatchResult>({ ...batch, calls: 2000 });
    for (let round = 0; round < ROUNDS; round++) {
      for (const [i, worker] of workers.entries()) {
        const file = join(dir, `${setups[i]}-${round + 1}.cpuprofile`);
        const result = await worker.request<BatchResult>({ ...batch, profile: file });
        results[i]!.wallNs.push(result.medianNs);
        results[i]!.cpuNs.push(result.cpuNs);
        analyse(file, batch.calls * ROUNDS, results[i]!);
      }
    }
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    await server.close();
  }
  console.log(`${client}, ${target}, ${calls} calls per setup; profiles in ${dir}\n`);
  const us = (v: number | undefined) => (v ?? 0).toFixed(1).padStart(9);
  console.log(
    `${'self time per call, µs'.padEnd(36)}${results.map((r) => r.setup.padStart(9)).join('')}${results.length > 1 ? '     diff' : ''}`,
  );
  const table = (pick: (r: (typeof results)[number]) => Map<string, number>) => {
    const keys = [...new Set(results.flatMap((r) => [...pick(r).keys()]))].sort(
      (a, b) => (pick(results.at(-1)!).get(b) ?? 0) - (pick(results.at(-1)!).get(a) ?? 0),
    );
    for (const key of keys) {
      const values = results.map((r) => pick(r).get(key));
      console.log(`${key.padEnd(36)}${values.map(us).join('')}${results.length > 1 ? us((values.at(-1) ?? 0) - (values[0] ?? 0)) : ''}`);
    }
  };
  table((r) => r.areas);
  console.log(`${'median wall time per call'.padEnd(36)}${results.map((r) => us(median(r.wallNs) / 1000)).join('')}`);
  console.log(`${'process CPU per call'.padEnd(36)}${results.map((r) => us(median(r.cpuNs) / 1000)).join('')}`);
  console.log(`\n${'time in or called from, µs per call'.padEnd(36)}${results.map((r) => r.setup.padStart(9)).join('')}`);
  table((r) => r.owners);
  const last = results.at(-1)!;
  console.log(`\nfunctions with the most self time, ${last.setup}:`);
  for (const [key, v] of [...last.functions].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`${us(v)}  ${key}`);
}

if (!(await ranCompiled(import.meta.url))) await profile();
