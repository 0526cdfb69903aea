// groq-sdk with its default base URL (https://api.groq.com/openai/v1), streamed: the usage comes
// in the final chunk's x_groq.usage.
import Groq from 'groq-sdk';

export default async function run(): Promise<unknown> {
  const client = new Groq({ apiKey: 'gsk-test-not-a-key', maxRetries: 0 });
  const stream = await client.chat.completions.create({
    model: 'openai/gpt-oss-120b',
    messages: [{ role: 'user', content: 'Pine or oak for a shelf?' }],
    stream: true,
  });
  let usage: unknown;
  for await (const chunk of stream) usage = chunk.x_groq?.usage ?? usage;
  return usage;
}
