// An application that knows nothing of ai-pricetag: the official openai client.
// With STAY_ALIVE=1 it keeps running (for a scrape) after printing its result.
import OpenAI from 'openai';

const client = new OpenAI({ apiKey: 'sk-zero-code-marker', baseURL: process.env.OPENAI_BASE_URL, maxRetries: 0 });
const completion = await client.chat.completions.create(JSON.parse(process.env.REQUEST_BODY));
process.stdout.write(`app-result ${completion.usage.prompt_tokens}\n`);
if (process.env.STAY_ALIVE === '1') setInterval(() => undefined, 1 << 30);
