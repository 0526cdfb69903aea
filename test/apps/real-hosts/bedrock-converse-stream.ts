// ConverseStream with Amazon Nova Micro (http/1.1): the SDK decodes the event stream itself.
import { ConverseStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import { bedrockClient, MESSAGES } from './bedrock-client.js';

export default async function run(options: { defaultHandler?: boolean } = {}): Promise<unknown> {
  const res = await bedrockClient(options).send(new ConverseStreamCommand({ modelId: 'amazon.nova-micro-v1:0', messages: MESSAGES }));
  let text = '';
  let usage: unknown;
  for await (const event of res.stream!) {
    if (event.contentBlockDelta?.delta?.text !== undefined) text += event.contentBlockDelta.delta.text;
    if (event.metadata !== undefined) usage = event.metadata.usage;
  }
  return { text, usage };
}
