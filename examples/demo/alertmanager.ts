/**
 * A real Alertmanager (Debian's prometheus-alertmanager) on loopback in a temporary directory,
 * routing every alert to a webhook receiver (examples/demo/webhook.ts) in this process.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitUntilReady } from './prometheus.js';
import { startWebhook, type ReceivedAlert } from './webhook.js';

export type { ReceivedAlert };

export interface Alertmanager {
  /** host:port for Prometheus' alerting configuration. */
  readonly target: string;
  readonly url: string;
  readonly received: readonly ReceivedAlert[];
  /** Resolves once an alert of this name has reached the webhook. */
  waitForAlert(name: string, timeoutMs: number): Promise<ReceivedAlert>;
  stop(): Promise<void>;
}

export interface AlertmanagerOptions {
  /** Port to listen on when free (another one otherwise). @default any */
  readonly port?: number;
  readonly onAlert?: (alert: ReceivedAlert) => void;
}

export async function startAlertmanager(options: AlertmanagerOptions = {}): Promise<Alertmanager> {
  const webhook = await startWebhook({ onAlert: options.onAlert });
  const dir = mkdtempSync(join(tmpdir(), 'pricetag-alertmanager-'));
  writeFileSync(
    join(dir, 'alertmanager.yml'),
    'route:\n  receiver: webhook\n  group_by: [alertname, budget]\n  group_wait: 1s\n  group_interval: 1s\n  repeat_interval: 1h\n' +
      `receivers:\n  - name: webhook\n    webhook_configs:\n      - url: ${webhook.url}\n        send_resolved: false\n`,
  );
  const port = await freePort(options.port);
  const child = spawn(
    'prometheus-alertmanager',
    [
      `--config.file=${join(dir, 'alertmanager.yml')}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr?.on('data', (c: Buffer) => (log = (log + c.toString()).slice(-20_000)));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    await webhook.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  await waitUntilReady(`http://127.0.0.1:${port}/-/ready`, child, async () => {
    await stop();
    return new Error(`alertmanager did not start:\n${log}`);
  });
  return {
    target: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}`,
    received: webhook.received,
    waitForAlert: (name, timeoutMs) => webhook.waitForAlert(name, timeoutMs),
    stop,
  };
}
