/**
 * The instrumented demo service: a product that calls paid AI APIs, driven by the scenario in
 * scenario.ts. It is instrumented from outside, zero-code:
 *
 *   EMULATOR_URL=http://127.0.0.1:8080 PRICETAG_ENDPOINTS=… \
 *     node --import tsx --import ai-pricetag/register examples/demo-service/main.ts
 *
 * Environment: EMULATOR_URL (required), DEMO_SPEED (scenario minutes per real minute, default 20),
 * DEMO_SEED (default 1), DEMO_MAX_IN_FLIGHT (calls in flight before new ones are skipped, default 200).
 * Writes one JSON line per phase change and a status line every DEMO_STATUS_SECONDS (default 2).
 */
import { context, propagation } from '@opentelemetry/api';
import { mixAt, type PhaseName } from './scenario.js';
import { Random } from '../emulator/random.js';
import { features } from './workloads.js';

const env = process.env;
const emulatorUrl = env.EMULATOR_URL;
if (emulatorUrl === undefined || emulatorUrl === '') {
  process.stderr.write('demo-service: set EMULATOR_URL to the provider emulator (e.g. http://127.0.0.1:8080)\n');
  process.exit(2);
}
const positive = (name: string, fallback: number) => {
  const value = Number(env[name] ?? fallback);
  if (!(value > 0)) {
    process.stderr.write(`demo-service: ${name} must be a positive number, got ${env[name]}\n`);
    process.exit(2);
  }
  return value;
};
const speed = positive('DEMO_SPEED', 20);
const maxInFlight = positive('DEMO_MAX_IN_FLIGHT', 200);
const statusSeconds = positive('DEMO_STATUS_SECONDS', 2);

// The emulator's seeded generator: the same seed gives the same traffic.
const random = new Random(positive('DEMO_SEED', 1));

const all = features(emulatorUrl);
const due = new Map(all.map((f) => [f.name, 0]));
const calls = new Map(all.map((f) => [f.name, 0]));
const errors = new Map<string, number>();
let inFlight = 0;
let skipped = 0;
let phase: PhaseName | undefined;
const started = performance.now();
const scenarioMinutes = () => ((performance.now() - started) / 60_000) * speed;
const say = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(line)}\n`);

const TICK_MS = 100;
const tick = setInterval(() => {
  const mix = mixAt(scenarioMinutes());
  if (mix.phase !== phase) {
    phase = mix.phase;
    say({ event: 'phase', phase, scenarioMinute: Math.round(scenarioMinutes() * 10) / 10 });
  }
  for (const feature of all) {
    // Calls owed so far, fractional remainder carried: rates hold exactly over time.
    let owed = due.get(feature.name)! + (feature.rate(mix) * TICK_MS) / 1000;
    for (; owed >= 1; owed--) {
      if (inFlight >= maxInFlight) {
        skipped++;
        continue;
      }
      inFlight++;
      calls.set(feature.name, calls.get(feature.name)! + 1);
      const ctx = propagation.setBaggage(context.active(), propagation.createBaggage({ feature: { value: feature.name } }));
      void context
        .with(ctx, () => feature.call(mix, random))
        .catch((error: unknown) => {
          const kind = `${feature.name}: ${error instanceof Error ? error.constructor.name : 'error'}`;
          errors.set(kind, (errors.get(kind) ?? 0) + 1);
        })
        .finally(() => inFlight--);
    }
    due.set(feature.name, owed);
  }
}, TICK_MS);

const status = setInterval(() => {
  say({
    event: 'status',
    phase,
    scenarioMinute: Math.round(scenarioMinutes() * 10) / 10,
    inFlight,
    skipped,
    calls: Object.fromEntries(calls),
    errors: Object.fromEntries(errors),
  });
}, statusSeconds * 1000);

// Stop generating, let calls in flight finish (bounded), then leave; the zero-code entry
// flushes telemetry on the way out.
const stop = () => {
  clearInterval(tick);
  clearInterval(status);
  const deadline = Date.now() + 5000;
  const wait = setInterval(() => {
    if (inFlight === 0 || Date.now() > deadline) {
      clearInterval(wait);
      say({ event: 'stopped', calls: Object.fromEntries(calls), errors: Object.fromEntries(errors) });
      process.exit(0);
    }
  }, 50);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
say({ event: 'started', speed, features: all.map((f) => f.name) });
