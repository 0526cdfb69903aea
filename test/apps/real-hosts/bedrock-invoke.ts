// InvokeModel with Claude 3.5 Haiku by its model id, Anthropic's Messages body (http/1.1).
import { InvokeModelCommand } from '@aws-sdk/client-bedrock-runtime';
import { bedrockClient } from './bedrock-client.js';

export default async function run(): Promise<unknown> {
  const res = await bedrockClient().send(
    new InvokeModelCommand({
      modelId: 'anthropic.claude-3-5-haiku-20241022-v1:0',
      contentType: 'application/json',
      accept: 'application/json',
      body: JSON.stringify({
        anthropic_version: 'bedrock-2023-05-31',
        max_tokens: 200,
        messages: [{ role: 'user', content: 'Which screws suit a pine shelf?' }],
      }),
    }),
  );
  return (JSON.parse(new TextDecoder().decode(res.body)) as { usage: unknown }).usage;
}
