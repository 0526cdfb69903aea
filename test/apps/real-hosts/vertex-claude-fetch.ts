// Claude on Vertex AI with plain fetch (the @anthropic-ai/vertex-sdk client is not installed): the
// body has anthropic_version vertex-2023-10-16 and no model; the model, with its @ date, is in the
// path. VERTEX_CALL=raw: rawPredict on us-east5 (Claude Sonnet 4); stream: streamRawPredict on the
// global endpoint (Claude Haiku 4.5), the SSE body read to its end.
export default async function run(): Promise<unknown> {
  const stream = process.env.VERTEX_CALL === 'stream';
  const url = stream
    ? 'https://aiplatform.googleapis.com/v1/projects/my-project/locations/global/publishers/anthropic/models/claude-haiku-4-5@20251001:streamRawPredict'
    : 'https://us-east5-aiplatform.googleapis.com/v1/projects/my-project/locations/us-east5/publishers/anthropic/models/claude-sonnet-4@20250514:rawPredict';
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer test-not-a-token' },
    body: JSON.stringify({
      anthropic_version: 'vertex-2023-10-16',
      max_tokens: 256,
      ...(stream ? { stream: true } : {}),
      messages: [{ role: 'user', content: 'Which screws suit a pine shelf?' }],
    }),
  });
  const text = await res.text();
  return { status: res.status, bytes: text.length };
}
