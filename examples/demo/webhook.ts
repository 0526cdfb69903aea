/**
 * An Alertmanager webhook receiver that keeps what it receives: the end of the demo's alerting
 * path (Prometheus → Alertmanager → here), so the demo and the tests can show an alert arrived.
 */
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedAlert {
  readonly status: string;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  /** When it reached the receiver (ms since the epoch). */
  readonly receivedAt: number;
}

export interface Webhook {
  /** The URL to put in Alertmanager's webhook_configs. */
  readonly url: string;
  readonly received: readonly ReceivedAlert[];
  /** Resolves once an alert of this name has arrived. */
  waitForAlert(name: string, timeoutMs: number): Promise<ReceivedAlert>;
  stop(): Promise<void>;
}

export interface WebhookOptions {
  readonly host?: string;
  /** @default any free port */
  readonly port?: number;
  /** Called for every alert as it arrives. */
  readonly onAlert?: (alert: ReceivedAlert) => void;
}

/** Alertmanager's payloads are small; anything bigger is not one. */
const MAX_BODY_BYTES = 1 << 20;

export async function startWebhook(options: WebhookOptions = {}): Promise<Webhook> {
  const received: ReceivedAlert[] = [];
  const server = http.createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/alerts') {
      res.writeHead(404).end();
      return;
    }
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) req.destroy();
      else parts.push(c);
    });
    req.on('end', () => {
      let alerts: Omit<ReceivedAlert, 'receivedAt'>[];
      try {
        alerts = (JSON.parse(Buffer.concat(parts).toString('utf8')) as { alerts: Omit<ReceivedAlert, 'receivedAt'>[] }).alerts;
        if (!Array.isArray(alerts)) throw new Error('no alerts array');
      } catch {
        res.writeHead(400).end();
        return;
      }
      for (const a of alerts) {
        const alert = { status: a.status, labels: a.labels ?? {}, annotations: a.annotations ?? {}, receivedAt: Date.now() };
        received.push(alert);
        options.onAlert?.(alert);
      }
      res.writeHead(200).end();
    });
  });
  server.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  await once(server, 'listening');
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}/alerts`,
    received,
    async waitForAlert(name, timeoutMs) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const hit = received.find((a) => a.labels.alertname === name);
        if (hit !== undefined) return hit;
        if (Date.now() > until) {
          throw new Error(
            `${name} did not reach the webhook within ${timeoutMs} ms; ` +
              `received: ${[...new Set(received.map((a) => a.labels.alertname))].join(', ') || 'nothing'}`,
          );
        }
        await new Promise((r) => setTimeout(r, 250));
      }
    },
    async stop() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
