// An application that knows nothing of ai-pricetag: the official openai client.
// With STAY_ALIVE=1 it keeps running (for a scrape) after printing its result.
import OpenAI from 'openai';

// With CONVERSATION_ID, every call carries it in an x-conversation-id header, as behind a gateway.
const defaultHeaders = process.env.CONVERSATION_ID === undefined ? undefined : { 'x-conversation-id': process.env.CONVERSATION_ID };
const client = new OpenAI({ apiKey: 'sk-zero-code-marker', baseURL: process.env.OPENAI_BASE_URL, maxRetries: 0, defaultHeaders });
const completion = await client.chat.completions.create(JSON.parse(process.env.REQUEST_BODY));
process.stdout.write(`app-result ${completion.usage.prompt_tokens}\n`);
if (process.env.STAY_ALIVE === '1') setInterval(() => undefined, 1 << 30);
// A batch job that ends itself the moment its work is done.
if (process.env.EXIT_AT_ONCE === '1') process.exit(3);
