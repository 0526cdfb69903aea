// A real Alertmanager (Debian's prometheus-alertmanager) on loopback, routing every alert to a webhook
// receiver in the test process.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './prometheus.js';

export interface ReceivedAlert {
  readonly status: string;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
}

export interface Alertmanager {
  /** host:port for Prometheus' alerting configuration. */
  readonly target: string;
  readonly received: ReceivedAlert[];
  /** Resolves once an alert of this name has reached the webhook. */
  waitForAlert(name: string, timeoutMs: number): Promise<ReceivedAlert>;
  stop(): Promise<void>;
}

export async function startAlertmanager(): Promise<Alertmanager> {
  const received: ReceivedAlert[] = [];
  const webhook = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(parts).toString('utf8')) as { alerts: ReceivedAlert[] };
      received.push(...body.alerts);
      res.writeHead(200).end();
    });
  });
  webhook.listen(0, '127.0.0.1');
  await once(webhook, 'listening');
  const hook = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/alerts`;

  const dir = mkdtempSync(join(tmpdir(), 'pricetag-alertmanager-'));
  writeFileSync(
    join(dir, 'alertmanager.yml'),
    `route:\n  receiver: webhook\n  group_by: [alertname, budget]\n  group_wait: 1s\n  group_interval: 1s\n  repeat_interval: 1h\nreceivers:\n  - name: webhook\n    webhook_configs:\n      - url: ${hook}\n        send_resolved: false\n`,
  );
  const port = await freePort();
  const child = spawn(
    'prometheus-alertmanager',
    [`--config.file=${join(dir, 'alertmanager.yml')}`, `--storage.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address='],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr?.on('data', (c: Buffer) => (log = (log + c.toString()).slice(-20_000)));
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/-/ready`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`alertmanager did not start:\n${log}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    target: `127.0.0.1:${port}`,
    received,
    async waitForAlert(name, timeoutMs) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const hit = received.find((a) => a.labels.alertname === name);
        if (hit !== undefined) return hit;
        if (Date.now() > until) throw new Error(`${name} did not reach the webhook within ${timeoutMs} ms; received: ${[...new Set(received.map((a) => a.labels.alertname))].join(', ') || 'nothing'}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    },
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.once('exit', r)));
      webhook.closeAllConnections();
      await new Promise((r) => webhook.close(r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
