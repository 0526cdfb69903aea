// InvokeModel with Mistral Large 2 (24.07): a body without usage, the counts in Bedrock's
// token-count response headers (http/1.1 unless `defaultHandler`: the SDK's NodeHttp2Handler).
import { InvokeModelCommand } from '@aws-sdk/client-bedrock-runtime';
import { bedrockClient } from './bedrock-client.js';

export default async function run(options: { defaultHandler?: boolean } = {}): Promise<unknown> {
  const res = await bedrockClient(options).send(
    new InvokeModelCommand({
      modelId: 'mistral.mistral-large-2407-v1:0',
      contentType: 'application/json',
      accept: 'application/json',
      body: JSON.stringify({ messages: [{ role: 'user', content: 'Which screws suit a pine shelf?' }], max_tokens: 200 }),
    }),
  );
  const body = JSON.parse(new TextDecoder().decode(res.body)) as { choices: { message: { content: string } }[] };
  return { text: body.choices[0]?.message.content };
}
