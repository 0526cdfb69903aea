/**
 * A Bedrock ConverseStream call (the AWS event-stream framing, read by
 * src/capture/aws-eventstream.ts) through the official client over http/1.1:
 * (b) OpenTelemetry vs (c) (b) + ai-pricetag, each in its own child process,
 * alternating. The loopback server sends a messageStart, N contentBlockDelta
 * events, messageStop and metadata (with usage), encoded once by the SDK's own
 * codec and written in 16 KiB pieces.
 */
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventStreamCodec } from '@smithy/core/event-streams';
import { fromUtf8, toUtf8 } from '@smithy/core/serde';
import { median, summarize } from './harness.js';
import type { Row } from './row.js';
import type { Setup } from './support/telemetry.js';
import { Worker } from './support/workers.js';
import type { BedrockConfig, BedrockResult } from './workers/bedrock.js';

const SETUPS = ['otel', 'pricetag'] as const satisfies readonly Setup[];
const ms = (ns: number) => `${(ns / 1e6).toFixed(2)} ms`;

function streamBytes(deltas: number): Buffer {
  const codec = new EventStreamCodec(toUtf8, fromUtf8);
  const event = (type: string, payload: unknown) =>
    codec.encode({
      headers: {
        ':event-type': { type: 'string', value: type },
        ':content-type': { type: 'string', value: 'application/json' },
        ':message-type': { type: 'string', value: 'event' },
      },
      body: fromUtf8(JSON.stringify(payload)),
    });
  const parts: Uint8Array[] = [event('messageStart', { role: 'assistant', p: 'abcdefgh' })];
  const delta = event('contentBlockDelta', {
    contentBlockIndex: 0,
    delta: { text: 'Once upon a time, a carpenter built a shelf. ' },
    p: 'abcd',
  });
  for (let i = 0; i < deltas; i++) parts.push(delta);
  parts.push(event('contentBlockStop', { contentBlockIndex: 0 }));
  parts.push(event('messageStop', { stopReason: 'end_turn' }));
  parts.push(
    event('metadata', { usage: { inputTokens: 12, outputTokens: deltas * 10, totalTokens: 12 + deltas * 10 }, metrics: { latencyMs: 1 } }),
  );
  return Buffer.concat(parts);
}

async function startServer(body: Buffer): Promise<{ baseUrl: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream' });
      for (let i = 0; i < body.length; i += 16 * 1024) res.write(body.subarray(i, i + 16 * 1024));
      res.end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

export async function bedrockBenchmarks(quick: boolean): Promise<Row[]> {
  const deltas = quick ? 100 : 2000;
  const rounds = quick ? 2 : 30;
  const body = streamBytes(deltas);
  const server = await startServer(body);
  const workers = new Map<Setup, Worker>();
  for (const setup of SETUPS) {
    const config: BedrockConfig = { setup, baseUrl: server.baseUrl };
    workers.set(setup, new Worker(`bedrock/${setup}`, new URL('./workers/bedrock.ts', import.meta.url), config));
  }
  const run = async (setup: Setup) => {
    const result = await workers.get(setup)!.request<BedrockResult>({});
    const expected = setup === 'pricetag' ? 1 : 0;
    if (result.priced !== expected) throw new Error(`bedrock/${setup}: ${result.priced} priced spans, expected ${expected}`);
    return result;
  };
  try {
    await Promise.all([...workers.values()].map((w) => w.ready));
    // Warm-up: the SDK's first call loads and compiles most of it.
    for (const setup of SETUPS) for (let i = 0; i < 3; i++) await run(setup);
    const timed: Record<string, BedrockResult[]> = { otel: [], pricetag: [] };
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? SETUPS : [...SETUPS].reverse();
      for (const setup of order) timed[setup]!.push(await run(setup));
    }
    const baseline = summarize(
      '(b) OpenTelemetry',
      timed.otel!.map((r) => r.totalNs),
    );
    const ours = summarize(
      '(c) (b) + ai-pricetag',
      timed.pricetag!.map((r) => r.totalNs),
    );
    const ratio = ours.median / baseline.median;
    return [
      {
        name: `Bedrock ConverseStream vs uninstrumented (${deltas + 4} events, ${(body.length / 1024).toFixed(0)} KiB, http/1.1)`,
        baseline,
        ours,
        goal: { text: 'ratio ≤ 1.05', met: ratio <= 1.05 },
        note:
          `${timed.pricetag![0]!.events} events to the app; client CPU ${ms(median(timed.pricetag!.map((r) => r.cpuNs)))} ` +
          `(baseline ${ms(median(timed.otel!.map((r) => r.cpuNs)))})`,
      },
    ];
  } finally {
    await Promise.all([...workers.values()].map((w) => w.stop()));
    await server.close();
  }
}
