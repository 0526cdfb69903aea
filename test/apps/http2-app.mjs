// An application that knows nothing of ai-pricetag, calling an OpenAI-compatible server over
// HTTP/2 with TLS: got with `http2: true`, then a raw `http2.connect` session, each making a chat
// completion (JSON) and a streamed one (SSE). With STAY_ALIVE=1 it keeps running (for a scrape).
import http2 from 'node:http2';
import got from 'got';

const base = new URL(process.env.PROVIDER_URL);
const ca = process.env.TLS_CA;
const bodies = { json: JSON.parse(process.env.JSON_BODY), sse: JSON.parse(process.env.STREAM_BODY) };
const apiKey = 'sk-http2-zero-code-marker';

/** got over HTTP/2; the protocol the response came on and its body. */
async function viaGot(body) {
  const stream = got.stream.post(`${base.href}/chat/completions`, {
    http2: true,
    https: { certificateAuthority: ca },
    headers: { authorization: `Bearer ${apiKey}` },
    json: body,
  });
  let version;
  stream.once('response', (res) => (version = res.httpVersion));
  const parts = [];
  for await (const chunk of stream) parts.push(chunk);
  return { version, body: Buffer.concat(parts).toString('utf8') };
}

/** A raw http2 client stream on `session`; its body. */
function viaSession(session, body) {
  return new Promise((resolve, reject) => {
    const stream = session.request({
      ':method': 'POST',
      ':path': `${base.pathname}/chat/completions`,
      'content-type': 'application/json',
      authorization: `Bearer ${apiKey}`,
    });
    const parts = [];
    stream.on('data', (c) => parts.push(c));
    stream.on('end', () => resolve({ version: '2.0', body: Buffer.concat(parts).toString('utf8') }));
    stream.on('error', reject);
    stream.end(JSON.stringify(body));
  });
}

/** Prompt tokens of a JSON completion, or of the usage chunk of a stream. */
function promptTokens(text) {
  if (!text.startsWith('data:')) return JSON.parse(text).usage.prompt_tokens;
  const usage = text
    .split('\n')
    .filter((l) => l.startsWith('data: {'))
    .map((l) => JSON.parse(l.slice(6)).usage)
    .find((u) => u);
  return usage.prompt_tokens;
}

const results = [await viaGot(bodies.json), await viaGot(bodies.sse)];
const session = http2.connect(base.origin, { ca });
try {
  results.push(await viaSession(session, bodies.json), await viaSession(session, bodies.sse));
} finally {
  session.close();
}
process.stdout.write(`app-result ${results.map((r) => `${r.version}:${promptTokens(r.body)}`).join(' ')}\n`);
if (process.env.STAY_ALIVE === '1') setInterval(() => undefined, 1 << 30);
