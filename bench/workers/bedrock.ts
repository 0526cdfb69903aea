/**
 * One Bedrock ConverseStream call on request, through the official client
 * (@aws-sdk/client-bedrock-runtime over http/1.1, NodeHttpHandler) against the
 * loopback event-stream server of bedrock.bench.ts, consuming every event as an
 * application would: total time and CPU. Started by bedrock.bench.ts.
 */
import { BedrockRuntimeClient, ConverseStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { setUpTelemetry, type Setup } from '../support/telemetry.js';
import { serveRequests, workerConfig } from '../support/workers.js';

export interface BedrockConfig {
  readonly setup: Setup;
  readonly baseUrl: string;
}

export interface BedrockResult {
  readonly totalNs: number;
  readonly cpuNs: number;
  readonly events: number;
  readonly priced: number;
}

const config = workerConfig<BedrockConfig>();
const telemetry = setUpTelemetry(config.setup, { endpoints: [{ provider: 'aws.bedrock', baseUrl: config.baseUrl }], noBatching: true });
const client = new BedrockRuntimeClient({
  region: 'us-east-1',
  endpoint: config.baseUrl,
  credentials: { accessKeyId: 'AKIAEXAMPLENOTAKEY00', secretAccessKey: 'not-a-secret-key-for-benchmarks-00000000' },
  maxAttempts: 1,
  requestHandler: new NodeHttpHandler({ httpAgent: { keepAlive: true } }),
});

async function call(): Promise<BedrockResult> {
  const pricedBefore = telemetry.spans.priced;
  const cpuBefore = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const res = await client.send(
    new ConverseStreamCommand({
      modelId: 'amazon.nova-micro-v1:0',
      messages: [{ role: 'user', content: [{ text: 'Write a long story.' }] }],
    }),
  );
  let events = 0;
  for await (const event of res.stream!) if (event !== undefined) events++;
  const end = process.hrtime.bigint();
  const cpu = process.cpuUsage(cpuBefore);
  // The call's span ends as the body ends; let it.
  await new Promise((r) => setImmediate(r));
  return { totalNs: Number(end - t0), cpuNs: (cpu.user + cpu.system) * 1000, events, priced: telemetry.spans.priced - pricedBefore };
}

serveRequests({ setup: config.setup }, () => call());
