// An application that knows nothing of ai-pricetag: the official openai client and plain fetch.
import OpenAI from 'openai';

const client = new OpenAI({ apiKey: 'sk-zero-code-marker', baseURL: process.env.OPENAI_BASE_URL, maxRetries: 0 });
const completion = await client.chat.completions.create(JSON.parse(process.env.REQUEST_BODY));
process.stdout.write(`app-result ${completion.usage.prompt_tokens}\n`);
