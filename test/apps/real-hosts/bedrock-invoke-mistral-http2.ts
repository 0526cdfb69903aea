// bedrock-invoke-mistral.ts with the client's DEFAULT request handler (NodeHttp2Handler, node:http2).
import run from './bedrock-invoke-mistral.js';

export default async function runDefault(): Promise<unknown> {
  return run({ defaultHandler: true });
}
