// The official openai client with its default base URL (https://api.openai.com/v1).
import OpenAI from 'openai';

export default async function run(): Promise<unknown> {
  const client = new OpenAI({ apiKey: 'sk-test-not-a-key', maxRetries: 0 });
  const res = await client.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'Which screws suit a pine shelf?' }],
  });
  return res.usage;
}
