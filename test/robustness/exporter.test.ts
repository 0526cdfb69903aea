// The zero-code entry in a real process (node --import register): the host keeps running when
// the metrics port is taken or the configuration is broken; a restart frees and re-binds the
// port and starts counting afresh; the exporter binds where configured and serves nothing but
// metrics, whatever path, method or malformed request it is sent.
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { replayServerPerSuite, zeroCodeAppEnv } from '../support/child-process.js';
import { loadFixture } from '../support/fixtures.js';
import { freePort } from '../support/prometheus.js';
import { parseExposition, total } from './support.js';

const register = new URL('../../src/register.ts', import.meta.url).pathname;
const app = new URL('../apps/zero-code-app.mjs', import.meta.url).pathname;

interface Run {
  readonly child: ChildProcess;
  readonly stdout: string[];
  readonly stderr: string[];
  /** Resolves with the first stdout line matching. */
  line(pattern: RegExp): Promise<string>;
  exit(): Promise<number | null>;
}

function start(env: Record<string, string>): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', '--import', register, app], {
    env: { ...process.env, OTEL_SERVICE_NAME: 'robustness', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const waiting: [RegExp, (line: string) => void][] = [];
  createInterface({ input: child.stdout! }).on('line', (l) => {
    stdout.push(l);
    for (const [i, [pattern, resolve]] of waiting.entries())
      if (pattern.test(l)) {
        waiting.splice(i, 1);
        resolve(l);
      }
  });
  createInterface({ input: child.stderr! }).on('line', (l) => stderr.push(l));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return {
    child,
    stdout,
    stderr,
    line: (pattern) => {
      const seen = stdout.find((l) => pattern.test(l));
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        waiting.push([pattern, resolve]);
        void exited.then(() => reject(new Error(`exited without ${pattern}; stderr: ${stderr.join('\n')}`)));
      });
    },
    exit: () => exited,
  };
}

async function stop(run: Run): Promise<void> {
  if (run.child.exitCode === null && run.child.signalCode === null) {
    run.child.kill('SIGTERM');
    await run.exit();
  }
}

/** A raw HTTP exchange, for requests a client library would refuse to send. */
function raw(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.end(request));
    const parts: Buffer[] = [];
    socket.on('data', (c) => parts.push(c));
    socket.on('close', () => resolve(Buffer.concat(parts).toString('latin1')));
    socket.on('error', reject);
  });
}

function request(port: number, method: string, path: string, host = '127.0.0.1'): Promise<{ status: number; type: unknown; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host, port, method, path, agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body: Buffer.concat(parts).toString() }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

/** An address of this machine other than loopback, to check what a port is reachable on. */
function externalAddress(): string | undefined {
  for (const list of Object.values(networkInterfaces()))
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return undefined;
}

describe('zero-code in a real process: port, restart, exposure, broken configuration', function () {
  this.timeout(90_000);
  const replay = replayServerPerSuite();
  const fixture = loadFixture('openai', 'chat-cached');
  const appEnv = () => zeroCodeAppEnv(replay(), fixture.request);
  let dir: string;

  before(function () {
    replay().serve(fixture);
    dir = mkdtempSync(join(tmpdir(), 'pricetag-exporter-'));
  });
  after(function () {
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the application running when the metrics port is taken, and says so on stderr', async function () {
    const port = await freePort();
    const squatter = http.createServer((_req, res) => res.end('not yours'));
    await new Promise<void>((r) => squatter.listen(port, '127.0.0.1', r));
    try {
      const run = start({ ...appEnv(), OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1', OTEL_EXPORTER_PROMETHEUS_PORT: String(port) });
      await run.line(/^app-result 2006$/);
      assert.equal(await run.exit(), 0, run.stderr.join('\n'));
      assert.match(run.stderr.join('\n'), /ai-pricetag: metrics are not served on 127\.0\.0\.1:\d+: listen EADDRINUSE/);
      assert.equal((await request(port, 'GET', '/metrics')).body, 'not yours', 'the other server keeps its port');
    } finally {
      squatter.close();
    }
  });

  it('frees the port at exit; a restarted process binds it again and counts from zero', async function () {
    const port = await freePort();
    const env = { ...appEnv(), OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1', OTEL_EXPORTER_PROMETHEUS_PORT: String(port), STAY_ALIVE: '1' };
    const costs: number[] = [];
    for (let life = 0; life < 2; life++) {
      const run = start(env);
      try {
        await run.line(/^app-result/);
        const text = (await request(port, 'GET', '/metrics')).body;
        costs.push(total(parseExposition(text), 'ai_cost_total'));
        assert.equal(total(parseExposition(text), 'ai_requests_total'), 1, `life ${life}: one call counted`);
      } finally {
        await stop(run);
      }
    }
    assert.deepEqual(costs, [0.0003369, 0.0003369], 'a restart is a counter reset, as rate() and increase() expect');
  });

  it('binds where configured: loopback by default, every interface only when asked', async function () {
    const external = externalAddress();
    for (const host of [undefined, '127.0.0.1', '0.0.0.0']) {
      const port = await freePort();
      const run = start({
        ...appEnv(),
        OTEL_EXPORTER_PROMETHEUS_PORT: String(port),
        STAY_ALIVE: '1',
        ...(host === undefined ? {} : { OTEL_EXPORTER_PROMETHEUS_HOST: host }),
      });
      try {
        await run.line(/^app-result/);
        assert.equal((await request(port, 'GET', '/metrics')).status, 200, `${host ?? 'default'}: served on loopback`);
        if (external !== undefined) {
          const reached = await request(port, 'GET', '/metrics', external).then(
            (r) => r.status,
            (e: NodeJS.ErrnoException) => e.code,
          );
          assert.equal(reached, host === '0.0.0.0' ? 200 : 'ECONNREFUSED', `${host ?? 'default'} seen from ${external}`);
        }
      } finally {
        await stop(run);
      }
    }
  });

  it('serves metrics on /metrics and nothing anywhere else, for any method, path or malformed request', async function () {
    const port = await freePort();
    const run = start({
      ...appEnv(),
      OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
      OTEL_EXPORTER_PROMETHEUS_PORT: String(port),
      STAY_ALIVE: '1',
    });
    try {
      await run.line(/^app-result/);
      const metrics = await request(port, 'GET', '/metrics');
      assert.equal(metrics.status, 200);
      assert.equal(metrics.type, 'text/plain');
      parseExposition(metrics.body);
      for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
        const r = await request(port, method, '/metrics');
        assert.ok(
          (r.status === 200 && r.body === '') || parseExposition(r.body).samples.length > 0,
          `${method} /metrics serves the metrics or nothing`,
        );
      }
      const paths = [
        '/',
        '/metrics/',
        '/metrics.json',
        '/Metrics',
        '/metrics/../etc/passwd',
        '/..%2f..%2fetc%2fpasswd',
        '/debug/pprof',
        '/.env',
        '/admin',
        '/%00',
        '/metrics%00',
        `/${'a'.repeat(8000)}`,
      ];
      for (const path of paths) {
        for (const method of ['GET', 'POST', 'HEAD', 'TRACE']) {
          const r = await request(port, method, path);
          assert.equal(r.status, 404, `${method} ${path.slice(0, 40)}`);
          assert.equal(r.body, '', `${method} ${path.slice(0, 40)} has an empty body`);
        }
      }
      const malformed = [
        'GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n',
        'GARBAGE\r\n\r\n',
        `GET /${'x'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
        'GET http://[::1 HTTP/1.1\r\nHost: x\r\n\r\n',
        'GET /metrics HTTP/1.1\r\n' + 'X-H: v\r\n'.repeat(3000) + '\r\n',
      ];
      for (const text of malformed) {
        const answer = await raw(port, text);
        assert.ok(
          /^HTTP\/1\.1 (400|404|413|431) /.test(answer) || answer === '',
          `${JSON.stringify(text.slice(0, 30))} → ${answer.slice(0, 40)}`,
        );
      }
      // The process is still there and still serving.
      assert.equal((await request(port, 'GET', '/metrics')).status, 200);
    } finally {
      await stop(run);
    }
  });

  it('keeps the application running with every PRICETAG_* variable broken, naming each problem through the diag logger', async function () {
    const broken = join(dir, 'broken.yaml');
    writeFileSync(
      broken,
      'catalog: broken\ncurrency: USD\nplans:\n' +
        '  - { id: x/y, provider: x, operations: [chat], charges: [{ unit: requests, rate: "1e999999999" }] }\n',
    );
    const plus = join(dir, 'plus.yaml');
    writeFileSync(
      plus,
      'catalog: plus\ncurrency: USD\nplans:\n  - { id: x/z, provider: x, operations: [chat], charges: [{ unit: requests, rate: "+1" }] }\n',
    );
    const run = start({
      ...appEnv(),
      PRICETAG_ENDPOINTS: `openai=${replay().origin}/v1,garbage`,
      PRICETAG_SHADOW_PLANS: 'no-equals-sign',
      PRICETAG_WORK_UNITS: 'also-no-equals-sign',
      PRICETAG_CATALOGS: `${broken},${plus},${join(dir, 'missing.yaml')}`,
      PRICETAG_CALL_TIMEOUT_MS: 'soon',
      OTEL_EXPORTER_PROMETHEUS_PORT: 'not-a-port',
      OTEL_METRICS_EXPORTER: 'none',
      OTEL_LOG_LEVEL: 'error',
    });
    await run.line(/^app-result 2006$/);
    assert.equal(await run.exit(), 0, run.stderr.join('\n'));
    const said = run.stderr.join('\n');
    assert.match(said, /PRICETAG_ENDPOINTS: "garbage" is not provider=baseUrl; the entry is left out/);
    assert.match(said, /PRICETAG_SHADOW_PLANS: "no-equals-sign" is not plan=alternative/);
    assert.match(said, /broken\.yaml:4:\d+: plans\[0\]\.charges\[0\]\.rate: must be 0 or between/);
    assert.match(said, /missing\.yaml:1:1: \$: cannot read file \(ENOENT\)/);
    assert.doesNotMatch(said, /plus\.yaml/, 'a rate of "+1" is valid (it once threw out of the decimal parser)');
  });
});
