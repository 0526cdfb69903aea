// InvokeModelWithResponseStream with Claude 3.5 Haiku through an inference-profile ARN (http/1.1).
import { InvokeModelWithResponseStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import { bedrockClient } from './bedrock-client.js';

export default async function run(): Promise<unknown> {
  const res = await bedrockClient().send(
    new InvokeModelWithResponseStreamCommand({
      modelId: 'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-5-haiku-20241022-v1:0',
      contentType: 'application/json',
      body: JSON.stringify({
        anthropic_version: 'bedrock-2023-05-31',
        max_tokens: 200,
        messages: [{ role: 'user', content: 'Which screws suit a pine shelf?' }],
      }),
    }),
  );
  const types: string[] = [];
  let metrics: unknown;
  for await (const event of res.body!) {
    const chunk = JSON.parse(new TextDecoder().decode(event.chunk!.bytes)) as {
      type: string;
      'amazon-bedrock-invocationMetrics'?: unknown;
    };
    types.push(chunk.type);
    metrics ??= chunk['amazon-bedrock-invocationMetrics'];
  }
  return { types, metrics };
}
