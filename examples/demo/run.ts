/**
 * `npm run demo`: the whole product on one machine. Starts the provider emulator, the instrumented
 * demo service (metrics on :9464) and, when installed, Prometheus with the pack's rules
 * (time-compressed) and Alertmanager with a webhook receiver; shows a live summary until the
 * duration ends or Ctrl-C, then stops everything and prints what happened.
 *
 *   npm run demo -- [--duration SECONDS] [--speed N] [--no-prometheus] [--metrics-port PORT]
 *                   [--seed N] [--summary-json FILE]
 */
import { writeFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { CYCLE_MINUTES, speedToFit } from '../demo-service/scenario.js';
import { parseExposition } from './exposition.js';
import { npmConfigArgs } from './npm-args.js';
import { hasBinary } from './prometheus.js';
import { DEMO_TIME_SCALE, startDemoStack, type DemoStack } from './stack.js';
import { DemoSummary, formatShares, type AlertLine, type BudgetStatus } from './summary.js';

const number =
  (min: number, integer = false) =>
  (value: string) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < min || (integer && !Number.isInteger(n)))
      throw new InvalidArgumentError(`must be ${integer ? 'an integer' : 'a number'} ≥ ${min}`);
    return n;
  };

interface Options {
  duration?: number;
  speed?: number;
  prometheus: boolean;
  metricsPort: number;
  seed: number;
  summaryJson?: string;
}

const program = new Command('npm run demo')
  .description('Runs the ai-pricetag demo: emulated AI providers, an instrumented service, Prometheus and Alertmanager')
  .option('--duration <seconds>', 'stop after this many seconds (default: run until Ctrl-C)', number(5))
  .option(
    '--speed <n>',
    `scenario minutes per real minute (default: fit one ${CYCLE_MINUTES}-minute scenario cycle into --duration, else 20)`,
    number(0.1),
  )
  .option('--no-prometheus', 'do not start Prometheus and Alertmanager even when installed')
  .addOption(new Option('--metrics-port <port>', "the demo service's metrics port").argParser(number(1, true)).default(9464))
  .addOption(new Option('--seed <n>', 'seed of the traffic and the emulated usage').argParser(number(1, true)).default(1))
  .option('--summary-json <file>', 'also write the final summary as JSON to this file')
  .parse(npmConfigArgs(process.argv.slice(2), process.env), { from: 'user' });
const options = program.opts<Options>();

const speed = options.speed ?? (options.duration === undefined ? 20 : speedToFit(options.duration));
const notes: string[] = [];
let withPrometheus = options.prometheus;
if (withPrometheus && !(hasBinary('prometheus') && hasBinary('prometheus-alertmanager'))) {
  withPrometheus = false;
  notes.push(
    'Prometheus and Alertmanager are not on PATH, so budgets and alerts are not shown. Install them (Debian/Ubuntu:',
    '  sudo apt-get install prometheus prometheus-alertmanager) and run again, ' +
      'or run the full stack with Grafana: docker compose up (docs/docker.md).',
  );
}

const tty = process.stdout.isTTY === true;
const say = (text: string) => process.stdout.write(`${text}\n`);
let phase: string | undefined;
const received: AlertLine[] = [];
const summary = new DemoSummary();
const started = Date.now();

say(`Starting the demo (scenario ×${Math.round(speed)}, ${options.duration === undefined ? 'until Ctrl-C' : `${options.duration} s`})…`);
let stack: DemoStack;
try {
  stack = await startDemoStack({
    speed,
    seed: options.seed,
    prometheus: withPrometheus,
    ports: { metrics: options.metricsPort },
    onServiceEvent: (e) => {
      if (e.event === 'phase' && e.phase !== undefined) {
        phase = e.phase;
        if (!tty) say(`-- phase: ${phase}`);
      }
    },
    onAlert: (a) => {
      const line = {
        name: a.labels.alertname ?? '?',
        severity: a.labels.severity ?? '',
        detail: a.labels.budget ?? a.labels.ai_pricing_plan ?? '',
      };
      received.push(line);
      if (!tty) say(`-- alert received by the webhook: ${line.name} (${line.severity}${line.detail === '' ? '' : `, ${line.detail}`})`);
    },
  });
} catch (error) {
  process.stderr.write(`The demo could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}

const urls: [string, string][] = [['metrics', stack.metricsUrl]];
if (stack.prometheus !== undefined) urls.push(['Prometheus', `${stack.prometheus.url}/alerts`]);
if (stack.alertmanager !== undefined) urls.push(['Alertmanager', stack.alertmanager.url]);
urls.push(['emulator', `${stack.emulator.origin}/_emulator/stats`]);
for (const note of notes) say(note);
say(urls.map(([name, url]) => `${name}: ${url}`).join('\n'));

const BURN_WINDOWS = ['5m', '1h', '6h'] as const;

async function budgetStatus(): Promise<{ budgets: BudgetStatus[]; firing: AlertLine[] } | undefined> {
  const prometheus = stack.prometheus;
  if (prometheus === undefined) return undefined;
  const byBudget = async (expr: string) => new Map((await prometheus.query(expr)).map((r) => [r.metric.budget ?? '', Number(r.value[1])]));
  const [spent, amount, ...burns] = await Promise.all([
    byBudget('budget:ai_cost:increase_window'),
    byBudget('budget:ai_cost_budget:amount'),
    ...BURN_WINDOWS.map((w) => byBudget(`budget:ai_cost:burnrate${w}`)),
  ]);
  const budgets = stack.budgets.budgets.map((b) => ({
    budget: b.name,
    currency: b.currency,
    amount: amount!.get(b.name),
    spent: spent!.get(b.name),
    burn: Object.fromEntries(BURN_WINDOWS.flatMap((w, i) => (burns[i]!.has(b.name) ? [[w, burns[i]!.get(b.name)!]] : []))),
  }));
  const firing = (await prometheus.alerts())
    .filter((a) => a.state === 'firing')
    .map((a) => ({
      name: a.labels.alertname ?? '?',
      severity: a.labels.severity ?? '',
      detail: a.labels.budget ?? a.labels.ai_pricing_plan ?? a.labels.gen_ai_request_model ?? '',
    }));
  return { budgets, firing };
}

const REFRESH_MS = 2000;
const PRINT_EVERY_MS = tty ? REFRESH_MS : 10_000;
let lastPrint = 0;
let failed: string | undefined;
let stopping = false;

async function refresh(): Promise<void> {
  try {
    summary.update(parseExposition(await (await fetch(stack.metricsUrl)).text()), phase);
  } catch (error) {
    if (!stopping) notes.push(`could not read the service's metrics: ${error instanceof Error ? error.message : String(error)}`);
    return;
  }
  if (Date.now() - lastPrint < PRINT_EVERY_MS - 100) return;
  lastPrint = Date.now();
  let status: Awaited<ReturnType<typeof budgetStatus>>;
  try {
    status = await budgetStatus();
  } catch {
    status = undefined;
  }
  const text = summary.render({
    elapsedSeconds: (Date.now() - started) / 1000,
    phase,
    speed,
    budgets: status?.budgets,
    firing: status?.firing,
    received,
    urls,
    notes: notes.slice(-2),
  });
  process.stdout.write(tty ? `\x1b[H\x1b[2J${text}\n(Ctrl-C to stop)\n` : `\n${text}\n`);
}

const timer = setInterval(() => void refresh(), REFRESH_MS);
let ended = false;
const finished = new Promise<string>((resolve) => {
  const end = (why: string) => {
    ended = true;
    resolve(why);
  };
  if (options.duration !== undefined) setTimeout(() => end('duration reached'), options.duration * 1000).unref();
  // Ctrl-C in a terminal also reaches the children (same process group): their exit is expected then.
  process.once('SIGINT', () => end('interrupted'));
  process.once('SIGTERM', () => end('terminated'));
  void stack.serviceExit.then((code) => {
    if (ended) return;
    failed = `the demo service stopped unexpectedly (exit code ${code})`;
    end(failed);
  });
});

const reason = await finished;
clearInterval(timer);
await refresh();
stopping = true;
say(`\nStopping (${reason})…`);
await stack.stop();

const final = summary.final((Date.now() - started) / 1000, received);
say('\nSummary');
say(`  ran ${Math.round(final.elapsedSeconds)} s through phases: ${final.phasesSeen.join(' → ') || 'none'}`);
for (const [provider, byCurrency] of Object.entries(final.spend).sort()) {
  say(
    `  ${provider.padEnd(24)}${Object.entries(byCurrency)
      .map(([c, v]) => `${v.toFixed(4)} ${c}`)
      .join(', ')}  (${final.calls[provider] ?? 0} calls)`,
  );
}
for (const [plan, mix] of Object.entries(final.tierMix))
  say(`  tier mix ${plan}: ${formatShares(mix.baseline)} → ${formatShares(mix.recent)}`);
if (Object.keys(final.unpriced).length > 0)
  say(
    `  unpriced: ${Object.entries(final.unpriced)
      .map(([k, v]) => `${k} ×${v}`)
      .join('; ')}`,
  );
say(
  withPrometheus
    ? `  alerts received by the webhook: ${final.alertsReceived.join(', ') || 'none'} (rules time-compressed ×${DEMO_TIME_SCALE})`
    : '  alerts: not run (no Prometheus)',
);
if (options.summaryJson !== undefined)
  writeFileSync(options.summaryJson, `${JSON.stringify({ ...final, prometheus: withPrometheus, failed: failed ?? null }, null, 2)}\n`);
if (failed !== undefined) {
  process.stderr.write(`${failed}\n`);
  process.exit(1);
}
process.exit(0);
