// InvokeModel with Amazon Nova Lite by its model id, Nova's own messages-v1 body.
import { InvokeModelCommand } from '@aws-sdk/client-bedrock-runtime';
import { bedrockClient, MESSAGES } from './bedrock-client.js';

export default async function run(): Promise<unknown> {
  const res = await bedrockClient().send(
    new InvokeModelCommand({
      modelId: 'amazon.nova-lite-v1:0',
      contentType: 'application/json',
      accept: 'application/json',
      body: JSON.stringify({ schemaVersion: 'messages-v1', messages: MESSAGES, inferenceConfig: { maxTokens: 200 } }),
    }),
  );
  return (JSON.parse(new TextDecoder().decode(res.body)) as { usage: unknown }).usage;
}
