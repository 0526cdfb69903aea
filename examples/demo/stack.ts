/**
 * The demo stack, started and stopped as one: the provider emulator, the instrumented demo service
 * (zero-code, `--import ai-pricetag/register`) and, when asked and installed, a real Prometheus
 * loaded with the pack's rules in a time-compressed profile plus a real Alertmanager sending to a
 * webhook receiver. `npm run demo` (run.ts) drives it; tests use it for realistic traffic.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { formatProblem } from '../../src/catalog/problems.js';
import { validateBudgetsText, type BudgetsConfig } from '../../src/pack/budgets.js';
import { generateRules, renderRules } from '../../src/pack/rules.js';
import { startEmulator, type Emulator } from '../emulator/server.js';
import { startAlertmanager, type Alertmanager, type ReceivedAlert } from './alertmanager.js';
import { freePort, startPrometheus, waitUntilReady, type Prometheus } from './prometheus.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DEMO_BUDGETS = join(ROOT, 'examples/demo/budgets.yaml');
const DEMO_CATALOG = join(ROOT, 'examples/demo/catalog.yaml');
const SERVICE = join(ROOT, 'examples/demo-service/main.ts');

/** Alerting windows and `for` durations run this much faster than written (1h of window in 30 s). */
export const DEMO_TIME_SCALE = 120;
/** Shortest range in the demo's rules: three of its 1-second scrapes (the 5m window scales to 2.5 s). */
export const DEMO_MIN_RANGE = '3s';
/** The service's job label; the demo budgets select it. */
export const DEMO_JOB = 'demo-service';
/** Calls priced under these plans are also priced under the what-if plans of examples/demo/catalog.yaml. */
export const DEMO_SHADOW_PLANS =
  'openai/gpt-4o-mini=what-if/chat-per-request;' +
  'anthropic/claude-sonnet-4-6=what-if/assistant-per-request;' +
  'tavily/search=what-if/search-flat|exa/search';

/** Idle time after which a demo conversation is finished and recorded. */
export const DEMO_CONVERSATION_IDLE_MS = '6000';

export interface DemoStackOptions {
  /** Scenario minutes per real minute. */
  readonly speed: number;
  readonly seed?: number;
  /** Start Prometheus and Alertmanager (they must be on PATH). */
  readonly prometheus: boolean;
  /** Preferred ports; another free one is used when taken (the service's metrics port excepted). */
  readonly ports?: { readonly metrics?: number; readonly prometheus?: number; readonly alertmanager?: number; readonly emulator?: number };
  /** Share of emulated calls that fail (429, 500 or a dropped connection). @default 0.01 */
  readonly errorRate?: number;
  /** Each JSON line the service writes (phase changes, status). */
  readonly onServiceEvent?: (event: ServiceEvent) => void;
  readonly onAlert?: (alert: ReceivedAlert) => void;
}

export interface ServiceEvent {
  readonly event: 'started' | 'phase' | 'status' | 'stopped';
  readonly phase?: string;
  readonly [key: string]: unknown;
}

export interface DemoStack {
  readonly emulator: Emulator;
  readonly metricsUrl: string;
  readonly prometheus?: Prometheus;
  readonly alertmanager?: Alertmanager;
  readonly budgets: BudgetsConfig;
  /** Resolves with the service's exit code if it stops before stop() is called. */
  readonly serviceExit: Promise<number | null>;
  stop(): Promise<void>;
}

export function loadDemoBudgets(): BudgetsConfig {
  const loaded = validateBudgetsText(readFileSync(DEMO_BUDGETS, 'utf8'), DEMO_BUDGETS);
  if (!loaded.ok) throw new Error(`examples/demo/budgets.yaml is invalid:\n${loaded.problems.map(formatProblem).join('\n')}`);
  return loaded.config;
}

/** The Prometheus configuration of the demo: 1 s scrapes and evaluations to match the compressed rules. */
export function demoPrometheusConfig(rulesFile: string, metricsTarget: string, alertmanagerTarget?: string): string {
  return [
    'global:',
    '  scrape_interval: 1s',
    '  evaluation_interval: 1s',
    `rule_files: [${JSON.stringify(rulesFile)}]`,
    ...(alertmanagerTarget === undefined
      ? []
      : ['alerting:', '  alertmanagers:', `    - static_configs: [{ targets: [${JSON.stringify(alertmanagerTarget)}] }]`]),
    'scrape_configs:',
    `  - job_name: ${DEMO_JOB}`,
    `    static_configs: [{ targets: [${JSON.stringify(metricsTarget)}] }]`,
    '',
  ].join('\n');
}

/** Whether `ai-pricetag/register` resolves (dist/ is built by `npm run demo` and `npm test`, scripts/ensure-build.mjs). */
function registerIsBuilt(): boolean {
  return existsSync(join(ROOT, 'dist/register.js'));
}

export async function startDemoStack(options: DemoStackOptions): Promise<DemoStack> {
  if (!registerIsBuilt())
    throw new Error('dist/register.js is missing, so `--import ai-pricetag/register` cannot load: run `npm run build`');
  const budgets = loadDemoBudgets();
  const cleanups: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  };
  try {
    const emulator = await startEmulator({
      port: await freePort(options.ports?.emulator ?? 0),
      seed: options.seed ?? 1,
      errorRate: options.errorRate ?? 0.01,
    });
    cleanups.push(() => emulator.close());

    const metricsPort = options.ports?.metrics ?? 9464;
    if (metricsPort !== 0 && (await freePort(metricsPort)) !== metricsPort) {
      throw new Error(`port ${metricsPort} (the demo service's metrics) is in use; stop what uses it or pass --metrics-port`);
    }
    const port = metricsPort === 0 ? await freePort() : metricsPort;
    let stderr = '';
    const service = spawn(process.execPath, ['--import', 'tsx', '--import', 'ai-pricetag/register', SERVICE], {
      cwd: ROOT,
      env: {
        ...process.env,
        EMULATOR_URL: emulator.origin,
        DEMO_SPEED: String(options.speed),
        DEMO_SEED: String(options.seed ?? 1),
        OTEL_SERVICE_NAME: DEMO_JOB,
        OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
        OTEL_EXPORTER_PROMETHEUS_PORT: String(port),
        PRICETAG_ENDPOINTS: emulator.pricetagEndpoints,
        PRICETAG_CATALOGS: DEMO_CATALOG,
        PRICETAG_SHADOW_PLANS: DEMO_SHADOW_PLANS,
        PRICETAG_BAGGAGE_LABELS: 'feature',
        // Demo conversations take a turn every few seconds: one idle for 6 s is over.
        PRICETAG_WORK_UNIT_IDLE_MS: DEMO_CONVERSATION_IDLE_MS,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const serviceExit = new Promise<number | null>((resolve) => service.once('exit', (code) => resolve(code)));
    cleanups.push(async () => {
      if (service.exitCode === null && service.signalCode === null) {
        service.kill('SIGTERM');
        await serviceExit;
      }
    });
    service.stderr!.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-10_000)));
    createInterface({ input: service.stdout! }).on('line', (line) => {
      if (!line.startsWith('{')) return;
      try {
        options.onServiceEvent?.(JSON.parse(line) as ServiceEvent);
      } catch {
        // not one of the service's event lines
      }
    });
    const metricsUrl = `http://127.0.0.1:${port}/metrics`;
    await waitUntilReady(metricsUrl, service, async () =>
      service.exitCode !== null
        ? new Error(`the demo service exited with code ${service.exitCode}:\n${stderr}`)
        : new Error(`the demo service's metrics did not come up at ${metricsUrl} within 30 s:\n${stderr}`),
    );

    let prometheus: Prometheus | undefined;
    let alertmanager: Alertmanager | undefined;
    if (options.prometheus) {
      const dir = mkdtempSync(join(tmpdir(), 'pricetag-demo-'));
      cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
      const rulesFile = join(dir, 'demo.rules.yml');
      writeFileSync(
        rulesFile,
        renderRules(
          generateRules(budgets, { timeScale: DEMO_TIME_SCALE, minRange: DEMO_MIN_RANGE }),
          'examples/demo/budgets.yaml',
          DEMO_TIME_SCALE,
          DEMO_MIN_RANGE,
        ),
      );
      alertmanager = await startAlertmanager({ port: options.ports?.alertmanager ?? 9093, onAlert: options.onAlert });
      cleanups.push(() => alertmanager!.stop());
      prometheus = await startPrometheus(demoPrometheusConfig(rulesFile, `127.0.0.1:${port}`, alertmanager.target), {
        port: options.ports?.prometheus ?? 9090,
      });
      cleanups.push(() => prometheus!.stop());
    }
    return { emulator, metricsUrl, prometheus, alertmanager, budgets, serviceExit, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
