// The official cohere-ai client (CohereClientV2) with its default base URL (https://api.cohere.com).
// COHERE_CALL=chat: v2 chat; stream: chatStream (SSE); embed: v2 embed; rerank: v2 rerank.
import { CohereClientV2 } from 'cohere-ai';

export default async function run(): Promise<unknown> {
  const client = new CohereClientV2({ token: 'test-not-a-key' });
  const messages = [{ role: 'user' as const, content: 'Which screws suit a pine shelf?' }];
  switch (process.env.COHERE_CALL) {
    case 'stream': {
      let usage: unknown;
      for await (const event of await client.chatStream({ model: 'command-r-08-2024', messages })) {
        if (event.type === 'message-end') usage = event.delta?.usage;
      }
      return usage;
    }
    case 'embed': {
      const res = await client.embed({
        model: 'embed-v4.0',
        texts: ['pine shelf', 'oak shelf'],
        inputType: 'search_document',
        embeddingTypes: ['float'],
      });
      return res.meta?.billedUnits;
    }
    case 'rerank': {
      const res = await client.rerank({
        model: 'rerank-v3.5',
        query: 'screws for pine',
        documents: ['Pine is a softwood.', 'Oak is a hardwood.', 'Coarse threads grip softwood.'],
        topN: 2,
      });
      return res.meta?.billedUnits;
    }
    default: {
      const res = await client.chat({ model: 'command-a-03-2025', messages });
      return res.usage;
    }
  }
}
