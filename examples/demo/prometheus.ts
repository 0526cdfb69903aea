/**
 * A real Prometheus server (Debian's package, found on PATH) in a temporary directory, on loopback:
 * the demo's and the tests' Prometheus.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function hasBinary(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
}

/** A free loopback port: `preferred` when it is free, any otherwise. */
export async function freePort(preferred = 0): Promise<number> {
  const server = createServer();
  const listen = (port: number) =>
    new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => resolve(true));
    });
  if (!(await listen(preferred))) await listen(0);
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

export interface Prometheus {
  readonly url: string;
  query(expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
  /** Polls until `expr` returns a non-empty result whose every value satisfies `ok`. */
  waitFor(expr: string, ok: (value: number) => boolean, timeoutMs?: number): Promise<void>;
  /** Alerts pending or firing now. */
  alerts(): Promise<PrometheusAlert[]>;
  stop(): Promise<void>;
}

export interface PrometheusAlert {
  readonly labels: Record<string, string>;
  readonly state: 'pending' | 'firing';
  readonly activeAt: string;
}

/**
 * Polls `url` (`/-/ready` of Prometheus and Alertmanager, the demo service's `/metrics`) until it
 * answers, for up to 30 s; if the process exits or time runs out, throws what `failed` returns
 * (after cleaning up).
 */
export async function waitUntilReady(url: string, child: ChildProcess, failed: () => Promise<Error>): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline || child.exitCode !== null) throw await failed();
    await new Promise((r) => setTimeout(r, 200));
  }
}

export interface PrometheusOptions {
  /** Extra command-line flags. */
  readonly args?: readonly string[];
  /** Port to listen on when free (another one otherwise). @default any */
  readonly port?: number;
}

export async function startPrometheus(config: string, options: PrometheusOptions = {}): Promise<Prometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'pricetag-prometheus-'));
  writeFileSync(join(dir, 'prometheus.yml'), config);
  const port = await freePort(options.port);
  const child: ChildProcess = spawn(
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      ...(options.args ?? []),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr?.on('data', (c: Buffer) => (log = (log + c.toString()).slice(-20_000)));
  const url = `http://127.0.0.1:${port}`;
  const query = async (expr: string) => {
    const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`);
    const body = (await res.json()) as {
      status: string;
      data?: { result: { metric: Record<string, string>; value: [number, string] }[] };
      error?: string;
    };
    if (body.status !== 'success') throw new Error(`query ${expr}: ${body.error}`);
    return body.data!.result;
  };
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    rmSync(dir, { recursive: true, force: true });
  };
  await waitUntilReady(`${url}/-/ready`, child, async () => {
    await stop();
    return new Error(`prometheus did not start:\n${log}`);
  });
  return {
    url,
    query,
    async waitFor(expr, ok, timeoutMs = 30_000) {
      const until = Date.now() + timeoutMs;
      let last: unknown;
      for (;;) {
        const result = await query(expr);
        last = result;
        if (result.length > 0 && result.every((r) => ok(Number(r.value[1])))) return;
        if (Date.now() > until) throw new Error(`timed out waiting for ${expr}; last result ${JSON.stringify(last)}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    },
    async alerts() {
      const body = (await (await fetch(`${url}/api/v1/alerts`)).json()) as { data: { alerts: PrometheusAlert[] } };
      return body.data.alerts;
    },
    stop,
  };
}
