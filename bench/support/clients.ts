/**
 * The three ways an application makes an AI call that the round-trip
 * benchmarks time: fetch, http.request and axios, each reading and parsing the
 * JSON answer as an application would. Load them after setUpTelemetry, as an
 * application loads http or axios after the SDK has started.
 */
import { createRequire } from 'node:module';

export type ClientName = 'fetch' | 'http' | 'axios';
export const CLIENTS: readonly ClientName[] = ['fetch', 'http', 'axios'];

/** POSTs `body` (JSON) to `url` and resolves with the parsed answer. */
export type PostJson = (url: string, body: string) => Promise<unknown>;

export async function loadClient(name: ClientName): Promise<PostJson> {
  if (name === 'fetch') {
    return async (url, body) => (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).json();
  }
  if (name === 'axios') {
    const { default: axios } = await import('axios');
    return async (url, body) => (await axios.post(url, body, { headers: { 'content-type': 'application/json' } })).data;
  }
  const http = createRequire(import.meta.url)('node:http') as typeof import('node:http');
  return (url, body) =>
    new Promise((resolve, reject) => {
      const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
      const req = http.request(url, { method: 'POST', headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          } catch (error) {
            reject(error);
          }
        });
      });
      req.on('error', reject);
      req.end(body);
    });
}
