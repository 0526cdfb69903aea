/**
 * The alert webhook as a process (docker-compose's `alert-webhook`): prints one line per alert.
 *   node --import tsx examples/demo/webhook-main.ts [--host 0.0.0.0] [--port 9095]
 */
import { Command, InvalidArgumentError } from 'commander';
import { startWebhook } from './webhook.js';

const port = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number');
  return n;
};
const options = new Command('alert-webhook')
  .description('Receives Alertmanager webhooks and prints each alert on a line')
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .option('--port <port>', 'port to listen on', port, 9095)
  .parse()
  .opts<{ host: string; port: number }>();

const webhook = await startWebhook({
  host: options.host,
  port: options.port,
  onAlert: (a) =>
    process.stdout.write(
      `${new Date(a.receivedAt).toISOString()} ${a.status} ${a.labels.alertname ?? '?'} ` +
        `${a.labels.severity ?? ''} ${a.annotations.summary ?? ''}\n`,
    ),
});
process.stdout.write(`alert webhook listening on ${options.host}:${options.port} (POST /alerts)\n`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void webhook.stop().then(() => process.exit(0)));
