// The official openai client pointed at an OpenAI-compatible host: COMPATIBLE_BASE_URL is its
// baseURL, COMPATIBLE_MODEL the model, COMPATIBLE_CALL `chat`, `chat-stream` (with
// stream_options.include_usage, as the openai client leaves usage out of streams otherwise) or
// `embeddings`.
import OpenAI from 'openai';

export default async function run(): Promise<unknown> {
  const client = new OpenAI({ apiKey: 'sk-test-not-a-key', baseURL: process.env.COMPATIBLE_BASE_URL!, maxRetries: 0 });
  const model = process.env.COMPATIBLE_MODEL!;
  const messages = [{ role: 'user' as const, content: 'Which screws suit a pine shelf?' }];
  switch (process.env.COMPATIBLE_CALL) {
    case 'chat':
      return (await client.chat.completions.create({ model, messages })).usage;
    case 'chat-stream': {
      const stream = await client.chat.completions.create({ model, messages, stream: true, stream_options: { include_usage: true } });
      let usage: unknown;
      for await (const chunk of stream) usage = chunk.usage ?? usage;
      return usage;
    }
    case 'embeddings':
      return (await client.embeddings.create({ model, input: 'pine shelf bracket' })).usage;
    default:
      throw new Error(`unknown COMPATIBLE_CALL ${process.env.COMPATIBLE_CALL}`);
  }
}
