/**
 * Per-call overhead of HTTP/2 capture: a non-streaming chat completion over one h2c session
 * (`node:http2`) to a loopback server, in two process configurations, as overhead.bench.ts
 * does for http/1 and fetch: (b) OpenTelemetry's http and undici instrumentations (neither
 * sees HTTP/2) and (c) the same plus ai-pricetag. Each configuration is its own child
 * process (this file, started again as a worker); every round runs one batch of sequential
 * calls in each (in a rotated order), and the difference is paired round by round.
 */
import { once } from 'node:events';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { median, summarize, type Measurement } from './harness.js';
import type { Row } from './row.js';
import { CHAT_REQUEST, CHAT_RESPONSE } from './support/provider-server.js';
import { PRICETAG_SCOPE, setUpTelemetry, type Setup } from './support/telemetry.js';
import { serveRequests, Worker, workerConfig } from './support/workers.js';

interface Http2WorkerConfig {
  readonly role: 'http2-round-trip';
  readonly setup: Setup;
  readonly origin: string;
}

interface Batch {
  readonly calls: number;
}

interface BatchResult {
  readonly medianNs: number;
  readonly ours: number;
  readonly priced: number;
}

const SETUPS = ['otel', 'pricetag'] as const;
const LABEL: Record<(typeof SETUPS)[number], string> = { otel: '(b) OpenTelemetry', pricetag: '(c) (b) + ai-pricetag' };
const us = (ns: number) => `${ns >= 0 ? '+' : '−'}${(Math.abs(ns) / 1000).toFixed(1)} µs`;

/** The loopback provider over h2c: every request gets the chat completion. */
async function startServer(): Promise<{ origin: string; close: () => Promise<void> }> {
  const server = http2.createServer();
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on('session', (s) => {
    sessions.add(s);
    s.once('close', () => sessions.delete(s));
  });
  server.on('stream', (stream) => {
    stream.resume();
    stream.once('end', () => {
      stream.respond({ ':status': 200, 'content-type': 'application/json', 'content-length': CHAT_RESPONSE.length });
      stream.end(CHAT_RESPONSE);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      for (const s of sessions) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

export async function http2Benchmarks(quick: boolean): Promise<Row[]> {
  const rounds = quick ? 2 : 11;
  const calls = quick ? 20 : 300;
  const warmup = quick ? 50 : 1000;
  const server = await startServer();
  const workers = SETUPS.map(
    (setup) =>
      new Worker(`http2/${setup}`, new URL(import.meta.url), {
        role: 'http2-round-trip',
        setup,
        origin: server.origin,
      } satisfies Http2WorkerConfig),
  );
  try {
    await Promise.all(workers.map((w) => w.ready));
    for (const w of workers) await w.request<BatchResult>({ calls: warmup } satisfies Batch);
    const samples: number[][] = SETUPS.map(() => []);
    for (let r = 0; r < rounds; r++) {
      for (let k = 0; k < workers.length; k++) {
        const i = (k + r) % workers.length;
        const result = await workers[i]!.request<BatchResult>({ calls } satisfies Batch);
        const expected = SETUPS[i] === 'pricetag' ? calls : 0;
        // ±1: a span can end just after its batch's last call resolves.
        if (Math.abs(result.ours - expected) > 1 || Math.abs(result.priced - expected) > 1)
          throw new Error(`http2/${SETUPS[i]}: expected ${expected} priced ai-pricetag spans, saw ${JSON.stringify(result)}`);
        samples[i]!.push(result.medianNs);
      }
    }
    const [base, ours] = samples as [number[], number[]];
    const measurement = (i: number): Measurement => summarize(`http2, ${LABEL[SETUPS[i]!]}`, samples[i]!, 'ns', calls);
    const added = ours.map((v, i) => v - base[i]!);
    const addedNs = median(added);
    const ratio = median(ours) / median(base);
    return [
      {
        name: 'round trip, node:http2: (c) + ai-pricetag vs (b)',
        baseline: measurement(0),
        ours: measurement(1),
        note: `ai-pricetag adds ${us(addedNs)} (paired per round, ${us(Math.min(...added))} … ${us(Math.max(...added))})`,
        goal: { text: '< 15 µs and < 5 %', met: addedNs < 15_000 && ratio < 1.05 },
      },
    ];
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    await server.close();
  }
}

/** The worker: one configuration, one h2c session, sequential calls timed on request. */
async function runWorker(config: Http2WorkerConfig): Promise<void> {
  const telemetry = setUpTelemetry(config.setup, { openAiBaseUrl: `${config.origin}/v1` });
  const session = http2.connect(config.origin);
  await once(session, 'connect');
  const post = () =>
    new Promise<Buffer>((resolve, reject) => {
      const stream = session.request({ ':method': 'POST', ':path': '/v1/chat/completions', 'content-type': 'application/json' });
      const parts: Buffer[] = [];
      stream.on('data', (c: Buffer) => parts.push(c));
      stream.on('end', () => resolve(Buffer.concat(parts)));
      stream.on('error', reject);
      stream.end(CHAT_REQUEST);
    });
  serveRequests({ setup: config.setup }, async (message) => {
    const { calls } = message as unknown as Batch;
    const oursBefore = telemetry.spans.byScope[PRICETAG_SCOPE] ?? 0;
    const pricedBefore = telemetry.spans.priced;
    const times = new Float64Array(calls);
    for (let i = 0; i < calls; i++) {
      const t0 = process.hrtime.bigint();
      const answer = JSON.parse((await post()).toString('utf8')) as { usage?: unknown };
      times[i] = Number(process.hrtime.bigint() - t0);
      if (answer.usage === undefined) throw new Error('unexpected answer');
    }
    // Spans end on the stream's close, just after its end: let the last one finish before counting.
    await new Promise((r) => setTimeout(r, 5));
    return {
      medianNs: median([...times]),
      ours: (telemetry.spans.byScope[PRICETAG_SCOPE] ?? 0) - oursBefore,
      priced: telemetry.spans.priced - pricedBefore,
    } satisfies BatchResult;
  });
}

const config = workerConfig<Partial<Http2WorkerConfig>>();
if (config.role === 'http2-round-trip') await runWorker(config as Http2WorkerConfig);
