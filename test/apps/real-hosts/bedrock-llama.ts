// Meta Llama's own InvokeModel body (a prompt in Llama 3's chat template) for BEDROCK_MODEL:
// InvokeModel (BEDROCK_CALL=invoke) or InvokeModelWithResponseStream (stream), whose chunks carry
// cumulative token counts and, in the last, Bedrock's invocation metrics.
import { InvokeModelCommand, InvokeModelWithResponseStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import { bedrockClient } from './bedrock-client.js';

interface LlamaBody {
  generation: string;
  prompt_token_count: number | null;
  generation_token_count: number;
  'amazon-bedrock-invocationMetrics'?: unknown;
}

export default async function run(): Promise<unknown> {
  const request = {
    modelId: process.env.BEDROCK_MODEL!,
    contentType: 'application/json',
    accept: 'application/json',
    body: JSON.stringify({
      prompt:
        '<|begin_of_text|><|start_header_id|>user<|end_header_id|>\nWhich screws suit a pine shelf?<|eot_id|>' +
        '<|start_header_id|>assistant<|end_header_id|>\n',
      max_gen_len: 200,
    }),
  };
  const decode = (bytes: Uint8Array | undefined) => JSON.parse(new TextDecoder().decode(bytes)) as LlamaBody;
  if (process.env.BEDROCK_CALL !== 'stream') {
    const body = decode((await bedrockClient().send(new InvokeModelCommand(request))).body);
    return { prompt: body.prompt_token_count, generation: body.generation_token_count };
  }
  const res = await bedrockClient().send(new InvokeModelWithResponseStreamCommand(request));
  const generation: number[] = [];
  let metrics: unknown;
  for await (const event of res.body!) {
    const chunk = decode(event.chunk?.bytes);
    generation.push(chunk.generation_token_count);
    metrics ??= chunk['amazon-bedrock-invocationMetrics'];
  }
  return { generation, metrics };
}
