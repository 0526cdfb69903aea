// ConverseStream with the client's DEFAULT request handler (NodeHttp2Handler, node:http2).
// Needs HTTP/2 capture (src/capture/http2.ts) and an HTTP/2 replay server; not run yet.
import run from './bedrock-converse-stream.js';

export default async function runDefault(): Promise<unknown> {
  return run({ defaultHandler: true });
}
