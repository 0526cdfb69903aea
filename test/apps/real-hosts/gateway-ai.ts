// The `ai` package with a plain string model id, which it sends through the Vercel AI Gateway
// (https://ai-gateway.vercel.sh, AI_GATEWAY_API_KEY set by the test to a fake key).
// GATEWAY_CALL=generate: generateText; stream: streamText, read to its end.
import { generateText, streamText } from 'ai';

export default async function run(): Promise<unknown> {
  const model = 'openai/gpt-4o-mini';
  const prompt = 'Which screws suit a pine shelf?';
  if (process.env.GATEWAY_CALL === 'stream') {
    const result = streamText({ model, prompt, maxRetries: 0 });
    let text = '';
    for await (const delta of result.textStream) text += delta;
    return { chars: text.length, usage: await result.usage };
  }
  const result = await generateText({ model, prompt, maxRetries: 0 });
  return { chars: result.text.length, usage: result.usage };
}
