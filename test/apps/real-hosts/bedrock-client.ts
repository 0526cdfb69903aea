// The Bedrock Runtime client the bedrock-* scenarios share: region us-east-1 (so the real host
// bedrock-runtime.us-east-1.amazonaws.com), fake static credentials, no retries, and http/1.1
// through NodeHttpHandler unless `defaultHandler` or BEDROCK_HANDLER=default (the SDK's own
// default: NodeHttp2Handler).
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';

export function bedrockClient(options: { defaultHandler?: boolean } = {}): BedrockRuntimeClient {
  return new BedrockRuntimeClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIAEXAMPLENOTAKEY00', secretAccessKey: 'not-a-secret-key-for-tests-only-000000000' },
    maxAttempts: 1,
    ...((options.defaultHandler ?? process.env.BEDROCK_HANDLER === 'default') ? {} : { requestHandler: new NodeHttpHandler() }),
  });
}

export const MESSAGES = [{ role: 'user' as const, content: [{ text: 'Which screws suit a pine shelf?' }] }];
