#!/usr/bin/env node
/**
 * Runs the provider emulator until SIGINT or SIGTERM:
 *
 *   node --import tsx examples/emulator/main.ts --port 8080 --latency 250 --error-rate 0.02 --seed 42
 *
 * Prints the origin it listens on and the PRICETAG_ENDPOINTS value that makes
 * ai-pricetag recognise every emulated provider. Every option can also come
 * from an EMULATOR_* environment variable (for containers).
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_FAULT_MIX } from './faults.js';
import { startEmulator } from './server.js';

function number(min: number, max = Number.POSITIVE_INFINITY) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max)
      throw new InvalidArgumentError(`expected a number from ${min}${max === Number.POSITIVE_INFINITY ? '' : ` to ${max}`}`);
    return n;
  };
}

function integer(min: number, max: number) {
  const parse = number(min, max);
  return (value: string): number => {
    const n = parse(value);
    if (!Number.isInteger(n)) throw new InvalidArgumentError('expected an integer');
    return n;
  };
}

interface CliOptions {
  host: string;
  port: number;
  publicOrigin?: string;
  latency: number;
  chunkDelay: number;
  jitter: number;
  errorRate: number;
  retryAfter: number;
  outputMedian: number;
  seed?: number;
}

const program = new Command('ai-pricetag-emulator')
  .description(
    'Local stand-in for the AI APIs ai-pricetag prices (OpenAI, Anthropic, Gemini, Mistral, Perplexity, Google Cloud Vision and ' +
      'Translation, DeepL, AWS Comprehend, Translate and Rekognition, Tavily, Exa), in their real wire formats.',
  )
  .addOption(new Option('--host <host>', 'interface to listen on').default('127.0.0.1').env('EMULATOR_HOST'))
  .addOption(
    new Option('--port <port>', 'port to listen on (0: any free port)').default(8080).argParser(integer(0, 65535)).env('EMULATOR_PORT'),
  )
  .addOption(
    new Option('--public-origin <url>', 'origin clients reach the emulator at, for the printed endpoints (e.g. http://emulator:8080)').env(
      'EMULATOR_PUBLIC_ORIGIN',
    ),
  )
  .addOption(
    new Option('--latency <ms>', 'median time before a response starts').default(250).argParser(number(0)).env('EMULATOR_LATENCY_MS'),
  )
  .addOption(
    new Option('--chunk-delay <ms>', 'median pause between streamed events')
      .default(15)
      .argParser(number(0))
      .env('EMULATOR_CHUNK_DELAY_MS'),
  )
  .addOption(
    new Option('--jitter <sigma>', 'spread of latencies (lognormal sigma)').default(0.3).argParser(number(0, 3)).env('EMULATOR_JITTER'),
  )
  .addOption(
    new Option(
      '--error-rate <rate>',
      `share of requests that fail (0..1), split ${Object.entries(DEFAULT_FAULT_MIX)
        .map(([f, w]) => `${f} ${w}`)
        .join(', ')}`,
    )
      .default(0)
      .argParser(number(0, 1))
      .env('EMULATOR_ERROR_RATE'),
  )
  .addOption(
    new Option('--retry-after <seconds>', 'Retry-After of rate-limit responses')
      .default(1)
      .argParser(integer(0, 3600))
      .env('EMULATOR_RETRY_AFTER'),
  )
  .addOption(
    new Option('--output-median <tokens>', 'median generated output length')
      .default(180)
      .argParser(number(1))
      .env('EMULATOR_OUTPUT_MEDIAN'),
  )
  .addOption(
    new Option('--seed <n>', 'seed of every random draw (same seed, same answers)').argParser(integer(0, 2 ** 32 - 1)).env('EMULATOR_SEED'),
  )
  .showHelpAfterError('(run with --help for usage)');

program.parse();
const opts = program.opts<CliOptions>();

const emulator = await startEmulator({
  host: opts.host,
  port: opts.port,
  publicOrigin: opts.publicOrigin,
  latencyMs: opts.latency,
  chunkDelayMs: opts.chunkDelay,
  jitter: opts.jitter,
  errorRate: opts.errorRate,
  retryAfterSeconds: opts.retryAfter,
  outputTokens: { median: opts.outputMedian },
  seed: opts.seed,
});

const width = Math.max(...emulator.endpoints.map((e) => e.provider.length));
process.stdout.write(
  [
    `emulator listening on ${emulator.origin} ` +
      `(latency ${opts.latency} ms, error rate ${opts.errorRate}${opts.seed === undefined ? '' : `, seed ${opts.seed}`})`,
    `PRICETAG_ENDPOINTS=${emulator.pricetagEndpoints}`,
    ...emulator.endpoints.map((e) => `  ${e.provider.padEnd(width)}  ${e.baseUrl}`),
    `  request log ${emulator.origin}/_emulator/requests, counts ${emulator.origin}/_emulator/stats`,
    '',
  ].join('\n'),
);

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  void emulator.close().then(() => {
    process.stdout.write(`emulator stopped (${signal}) after ${emulator.stats().total} requests\n`);
    process.exit(0);
  });
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
