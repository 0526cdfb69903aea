// How a zero-code process ends when ai-pricetag's own SDK pushes telemetry: a collector that is
// down or hung adds at most the bounded flush (2 s) to a natural exit, and `process.exit()` right
// after the work still delivers it.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { replayServerPerSuite, zeroCodeAppEnv } from '../support/child-process.js';
import { loadFixture } from '../support/fixtures.js';
import { otlpReceiver } from '../support/otlp-receiver.js';

const register = new URL('../../src/register.ts', import.meta.url).pathname;
const app = new URL('../apps/zero-code-app.mjs', import.meta.url).pathname;

/** Runs the app; resolves with its exit code and the time from its result line to its exit. */
async function runUntilExit(env: Record<string, string>): Promise<{ code: number | null; afterWorkMs: number; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--import', register, app], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  let workDone: number | undefined;
  child.stdout!.on('data', (c: Buffer) => {
    if (workDone === undefined && c.toString().includes('app-result')) workDone = performance.now();
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  assert.ok(workDone !== undefined, `the application did its work; stderr:\n${stderr}`);
  return { code, afterWorkMs: performance.now() - workDone, stderr };
}

/** A collector that accepts connections and never answers. */
async function hungCollector(): Promise<{ url: string; close(): void }> {
  const sockets = new Set<net.Socket>();
  const server = http.createServer(() => undefined);
  server.on('connection', (s) => sockets.add(s));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}

/** A port nobody listens on (connections refused, which the exporter retries). */
async function closedPort(): Promise<string> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return `http://127.0.0.1:${port}`;
}

describe('zero-code: exiting with telemetry to push', function () {
  this.timeout(60_000);
  const replay = replayServerPerSuite();
  const fixture = loadFixture('openai', 'chat-cached');
  const otlp = (endpoint: string) => ({
    ...zeroCodeAppEnv(replay(), fixture.request),
    OTEL_METRICS_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'http/json',
    OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `${endpoint}/v1/metrics`,
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${endpoint}/v1/traces`,
  });
  // The exporters' own timeout is 10 s (and retries run within it): exiting well before it
  // shows the flush was cut at its bound. 2 s of flush plus process teardown, with room for a busy machine.
  const WELL_BEFORE_EXPORT_TIMEOUT_MS = 7000;

  it('exits soon after its work when the collector hangs', async function () {
    replay().serve(fixture);
    const collector = await hungCollector();
    try {
      const { code, afterWorkMs, stderr } = await runUntilExit(otlp(collector.url));
      assert.equal(code, 0, stderr);
      assert.ok(afterWorkMs < WELL_BEFORE_EXPORT_TIMEOUT_MS, `exited ${afterWorkMs.toFixed(0)} ms after its work`);
    } finally {
      collector.close();
    }
  });

  it('exits soon after its work when the collector is down', async function () {
    replay().serve(fixture);
    const { code, afterWorkMs, stderr } = await runUntilExit(otlp(await closedPort()));
    assert.equal(code, 0, stderr);
    assert.ok(afterWorkMs < WELL_BEFORE_EXPORT_TIMEOUT_MS, `exited ${afterWorkMs.toFixed(0)} ms after its work`);
  });

  it('delivers metrics and spans when the application calls process.exit() right after its work, with its exit code', async function () {
    replay().serve(fixture);
    const receiver = await otlpReceiver();
    try {
      const { code, stderr } = await runUntilExit({ ...otlp(receiver.url), EXIT_AT_ONCE: '1' });
      assert.equal(code, 3, stderr);
      const text = JSON.stringify(receiver.bodies);
      assert.match(text, /"name":"ai\.cost"/);
      assert.match(text, /"asDouble":0\.0003369/);
      assert.match(text, /"name":"chat gpt-4o-mini"/);
    } finally {
      receiver.close();
    }
  });
});
