// ConverseStream with the client's DEFAULT request handler (NodeHttp2Handler, node:http2),
// captured by src/capture/http2.ts; the app serves HTTP/2 with REAL_HOSTS_HTTP2=1.
import run from './bedrock-converse-stream.js';

export default async function runDefault(): Promise<unknown> {
  return run({ defaultHandler: true });
}
