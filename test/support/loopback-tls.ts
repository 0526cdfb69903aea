// TLS on loopback for the tests: a throw-away certificate for 127.0.0.1, and the HTTP/2 replay
// server the HTTP/2 tests call over it (ALPN h2, HTTP/1.1 allowed), with the CA their clients trust.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testCertificateIn } from './real-hosts.js';
import { ReplayServer } from './replay-server.js';

/** A self-signed certificate for 127.0.0.1 (its own CA), as PEM text; made with the machine's openssl. */
export function loopbackCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'pricetag-tls-'));
  try {
    const files = testCertificateIn(dir, '127.0.0.1', 'IP:127.0.0.1');
    return { key: readFileSync(files.key, 'utf8'), cert: readFileSync(files.cert, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A started HTTP/2 replay server over TLS on 127.0.0.1, and the certificate to trust for it. */
export async function tlsHttp2Server(): Promise<{ server: ReplayServer; ca: string }> {
  const pair = loopbackCertificate();
  return { server: await new ReplayServer(pair, { http2: true }).start(), ca: pair.cert };
}
