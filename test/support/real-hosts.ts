// Calls to the providers' real host names over TLS, without leaving the machine: a test app runs in
// a network and mount namespace of its own (root only: `unshare`), where a hosts file of the test's
// own sends each named host to 127.0.0.1, a replay server listens on 443 with a certificate for
// those names, and Node trusts that certificate (NODE_EXTRA_CA_CERTS). The app's clients, SDKs and
// ai-pricetag see `https://api.groq.com/...` exactly as in production.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/** Environment variables the app reads (see `realHostsTls`). */
export const REAL_HOSTS_KEY = 'REAL_HOSTS_TLS_KEY';
export const REAL_HOSTS_CERT = 'REAL_HOSTS_TLS_CERT';

/** Key and certificate files the app in the namespace serves with (paths in `REAL_HOSTS_KEY/CERT`). */
export function realHostsTls(): { key: string; cert: string } {
  const key = process.env[REAL_HOSTS_KEY];
  const cert = process.env[REAL_HOSTS_CERT];
  if (key === undefined || cert === undefined) throw new Error('not started by runWithRealHosts');
  return { key, cert };
}

/**
 * A throw-away self-signed certificate (its own CA) for `subjectAltName` (e.g. `DNS:api.groq.com`,
 * `IP:127.0.0.1`), valid one day, made with the machine's openssl: key.pem and cert.pem in `dir`.
 */
export function testCertificateIn(dir: string, commonName: string, subjectAltName: string): { key: string; cert: string } {
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      `/CN=${commonName}`,
      '-addext',
      `subjectAltName=${subjectAltName}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  return { key, cert };
}

export interface RealHostsOptions {
  /** Host names sent to 127.0.0.1 and named in the certificate. */
  readonly hosts: readonly string[];
  /** The app, a path relative to test/apps/, run with `--import tsx`. */
  readonly app: string;
  readonly env?: Readonly<Record<string, string>>;
  /** @default 60000 */
  readonly timeoutMs?: number;
}

/** Runs the app in its namespace; resolves with its stdout, rejects with its stderr. */
export async function runWithRealHosts(options: RealHostsOptions): Promise<string> {
  if (process.getuid?.() !== 0) throw new Error('runWithRealHosts needs root (network namespaces via unshare)');
  const dir = mkdtempSync(join(tmpdir(), 'pricetag-real-hosts-'));
  try {
    const { key, cert } = testCertificateIn(dir, options.hosts[0] ?? 'localhost', options.hosts.map((h) => `DNS:${h}`).join(','));
    const hostsFile = join(dir, 'hosts');
    writeFileSync(hostsFile, `127.0.0.1 localhost ${options.hosts.join(' ')}\n::1 localhost\n`);
    const app = fileURLToPath(new URL(`../apps/${options.app}`, import.meta.url));
    const script = 'ip link set lo up && mount --bind "$1" /etc/hosts && shift && exec "$@"';
    const { stdout } = await exec(
      'unshare',
      ['--net', '--mount', '--propagation', 'private', 'sh', '-c', script, 'sh', hostsFile, process.execPath, '--import', 'tsx', app],
      {
        env: {
          ...process.env,
          ...options.env,
          NODE_EXTRA_CA_CERTS: cert,
          [REAL_HOSTS_KEY]: key,
          [REAL_HOSTS_CERT]: cert,
          // No proxy can be reached from the namespace; the host's settings must not send calls there.
          HTTPS_PROXY: '',
          HTTP_PROXY: '',
          https_proxy: '',
          http_proxy: '',
        },
        timeout: options.timeoutMs ?? 60_000,
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    return stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One series of a counter the app collected: its labels and its value. */
export interface CounterSeries {
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly value: number;
}

/**
 * What test/apps/real-hosts-app.ts prints: the scenario's result, our spans, what the server got
 * (`httpVersion` '2.0' for a request on an HTTP/2 stream, else '1.1'), and the ai.cost and
 * ai.requests counters collected after the calls ended.
 */
export interface ScenarioOut {
  readonly result: unknown;
  readonly spans: readonly Record<string, unknown>[];
  readonly received: readonly { method: string; path: string; host?: string; httpVersion: '1.1' | '2.0' }[];
  readonly metrics: { readonly cost: readonly CounterSeries[]; readonly requests: readonly CounterSeries[] };
}

/**
 * A catalog of the test's own in a file, for the tests of the calling `describe` (written before
 * them, removed after them); returns a getter for its path, to pass as PRICETAG_CATALOGS.
 */
export function testCatalogPerSuite(text: string): () => string {
  let dir: string | undefined;
  before(function () {
    dir = mkdtempSync(join(tmpdir(), 'pricetag-test-catalog-'));
    writeFileSync(join(dir, 'test-rates.yaml'), text);
  });
  after(function () {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });
  return () => join(dir!, 'test-rates.yaml');
}

/** Runs the scenario `test/apps/real-hosts/<scenario>` against `fixture` (`provider/name`) on `hosts`. */
export async function runScenario(
  scenario: string,
  fixture: string,
  hosts: readonly string[],
  env: Readonly<Record<string, string>> = {},
): Promise<ScenarioOut> {
  const stdout = await runWithRealHosts({ hosts, app: 'real-hosts-app.ts', env: { SCENARIO: scenario, FIXTURE: fixture, ...env } });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as ScenarioOut;
}
