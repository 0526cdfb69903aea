// @google/genai in Vertex AI mode with its default base URLs. VERTEX_AUTH=express: an API key, so
// https://aiplatform.googleapis.com/v1/publishers/google/models/...; VERTEX_AUTH=project: project and
// location us-central1, so https://us-central1-aiplatform.googleapis.com/v1/projects/.../locations/...,
// with an auth client of the test's own that hands out a fixed bearer token (no token is fetched).
// VERTEX_CALL=generate: generateContent; stream: generateContentStream (SSE, `alt=sse`).
import { GoogleGenAI, type GoogleGenAIOptions } from '@google/genai';

const fakeAuthClient = {
  async getRequestHeaders(): Promise<Headers> {
    return new Headers({ authorization: 'Bearer test-not-a-token' });
  },
};

export default async function run(): Promise<unknown> {
  const options: GoogleGenAIOptions =
    process.env.VERTEX_AUTH === 'express'
      ? { vertexai: true, apiKey: 'test-not-a-key' }
      : {
          vertexai: true,
          project: 'my-project',
          location: 'us-central1',
          googleAuthOptions: { authClient: fakeAuthClient as never },
        };
  const ai = new GoogleGenAI(options);
  const model = process.env.VERTEX_MODEL ?? 'gemini-2.5-flash';
  const contents = 'Which screws suit a pine shelf?';
  if (process.env.VERTEX_CALL === 'stream') {
    let last: unknown;
    for await (const chunk of await ai.models.generateContentStream({ model, contents })) last = chunk.usageMetadata;
    return last;
  }
  const res = await ai.models.generateContent({ model, contents });
  return res.usageMetadata;
}
