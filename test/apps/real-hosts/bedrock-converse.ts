// Converse through the us. cross-region inference profile of Claude 3.5 Haiku, or of the model in
// BEDROCK_MODEL (the client as bedrock-client.ts makes it).
import { ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { bedrockClient, MESSAGES } from './bedrock-client.js';

export default async function run(): Promise<unknown> {
  const res = await bedrockClient().send(
    new ConverseCommand({
      modelId: process.env.BEDROCK_MODEL ?? 'us.anthropic.claude-3-5-haiku-20241022-v1:0',
      messages: MESSAGES,
      inferenceConfig: { maxTokens: 200 },
    }),
  );
  return res.usage;
}
