// docker-compose.yml of the demo stack. No Docker engine runs here: the file is validated by
// Debian's docker-compose (`config` needs no engine) and its names, ports, paths and images are
// checked against each other and against the repository.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { parseEndpoints } from '../../src/config/env.js';
import { BUILT_IN_ADAPTERS } from '../../src/providers/index.js';
import { ProviderRegistry } from '../../src/providers/registry.js';
import { pricetag } from '../support/cli.js';
import { bindMounts, compose, COMPOSE_FILE, envFiles, environmentOf, flag, hasBinary, root, service, type Service } from './stack.js';

/** The port each published service listens on in its container (the images' defaults for the pulled ones). */
const LISTEN_PORTS: Readonly<Record<string, number>> = { 'demo-service': 9464, prometheus: 9090, alertmanager: 9093, grafana: 3000 };
/** A version tag: `v3.13.1`, `0.33.0`, `24.21.0-slim`; never `latest`, never a bare major. */
const PINNED_TAG = /^v?\d+\.\d+\.\d+(?:-[a-z0-9.]+)?$/;

function dockerCompose(args: readonly string[], input?: string) {
  assert.ok(
    hasBinary('docker-compose'),
    'docker-compose is not on PATH: install it (Debian: apt-get install docker-compose); npm test and .ci/run do',
  );
  return spawnSync('docker-compose', args, { cwd: root, encoding: 'utf8', input, timeout: 60_000 });
}

/** Validates compose text given on stdin, paths resolved from the repository as for the real file. */
const configOf = (text: string) => dockerCompose(['--project-directory', root, '-f', '-', 'config', '-q'], text);

function tagOf(image: string): string | undefined {
  const name = image.split('@')[0]!;
  const colon = name.lastIndexOf(':');
  return colon > name.lastIndexOf('/') ? name.slice(colon + 1) : undefined;
}

/** The port a service listens on: its `--port`, its metrics port, or its image's default. */
function listenPort(name: string, s: Service): number | undefined {
  const port = flag(s.command, '--port') ?? environmentOf(s).OTEL_EXPORTER_PROMETHEUS_PORT ?? LISTEN_PORTS[name];
  return port === undefined || port === null ? undefined : Number(port);
}

describe('docker-compose.yml (the demo stack)', function () {
  this.timeout(60_000);

  it('passes docker-compose config', function () {
    const run = dockerCompose(['-f', COMPOSE_FILE, 'config', '-q']);
    assert.equal(run.status, 0, run.stdout + run.stderr);
  });

  it('fails docker-compose config when the file is broken, so the check above can fail', function () {
    const text = readFileSync(`${root}${COMPOSE_FILE}`, 'utf8');
    assert.equal(configOf(text).status, 0, 'the unchanged text passes through stdin too');
    const broken = [
      ['an unknown option', text.replace(/^(\s+)image: prom\/prometheus:/m, '$1imagee: prom/prometheus:')],
      [
        'a dependency on a service that does not exist',
        text.replace(/^(\s+)emulator:\n(\s+condition: service_healthy)/m, '$1emulatr:\n$2'),
      ],
      ['a YAML error', text.replace(/^services:\n/m, 'services:\n  oops: [\n')],
    ] as const;
    for (const [what, copy] of broken) {
      assert.notEqual(copy, text, `the broken copy with ${what} differs from the file`);
      const run = configOf(copy);
      assert.notEqual(run.status, 0, `docker-compose config accepted ${what}`);
    }
  });

  it('has the services of the demo stack', function () {
    assert.deepEqual(Object.keys(compose().services).sort(), [
      'alert-webhook',
      'alertmanager',
      'demo-service',
      'emulator',
      'grafana',
      'prometheus',
    ]);
  });

  it('pins every image it pulls to a version, and builds the Node services from a pinned base image', function () {
    const dockerfiles = new Set<string>();
    for (const [name, s] of Object.entries(compose().services)) {
      if (s.build !== undefined) {
        dockerfiles.add(s.build.dockerfile);
        assert.notEqual(tagOf(s.image ?? ''), 'latest', `${name}: a built image is not tagged latest`);
        continue;
      }
      assert.ok(s.image !== undefined, `${name} has an image or a build`);
      assert.match(tagOf(s.image) ?? '(no tag)', PINNED_TAG, `${name}: image ${s.image} is pinned to a version`);
    }
    assert.deepEqual([...dockerfiles], ['deploy/Dockerfile'], 'one image for the Node services');
    const froms = [...readFileSync(`${root}deploy/Dockerfile`, 'utf8').matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1]!);
    assert.ok(froms.length > 0);
    for (const from of froms) assert.match(tagOf(from) ?? '(no tag)', PINNED_TAG, `deploy/Dockerfile: FROM ${from} is pinned to a version`);
    assert.match(froms[0]!, /^node:24\.\d+\.\d+-slim$/);
  });

  it('keeps node_modules, dist, .cache and .git out of the image build context', function () {
    const ignored = new Set(
      readFileSync(`${root}.dockerignore`, 'utf8')
        .split('\n')
        .map((l) => l.trim()),
    );
    for (const entry of ['node_modules', 'dist', '.cache', '.git']) assert.ok(ignored.has(entry), `.dockerignore lists ${entry}`);
  });

  it('mounts, builds from and reads env files that exist in the repository', function () {
    for (const [name, s] of Object.entries(compose().services)) {
      const paths = [
        ...bindMounts(s).map((m) => m.host),
        ...envFiles(s),
        ...(s.build === undefined ? [] : [s.build.context, s.build.dockerfile]),
      ];
      for (const path of paths) {
        assert.ok(!path.startsWith('/') && !path.startsWith('../'), `${name}: ${path} is inside the repository`);
        assert.ok(existsSync(`${root}${path}`), `${name}: ${path} exists (a missing bind source would be created empty by Docker)`);
      }
    }
  });

  it('runs scripts of examples/ that exist', function () {
    const scripts = Object.values(compose().services).flatMap((s) => (s.command ?? []).filter((arg) => arg.startsWith('examples/')));
    assert.deepEqual(scripts.sort(), ['examples/demo-service/main.ts', 'examples/demo/webhook-main.ts', 'examples/emulator/main.ts']);
    const missing = scripts.filter((script) => !existsSync(`${root}${script}`));
    assert.deepEqual(missing, [], 'every script a service runs is in the repository');
  });

  it('starts the demo service with zero-code instrumentation, serving metrics on all interfaces', function () {
    const s = service('demo-service');
    assert.deepEqual(s.command?.slice(0, 5), ['node', '--import', 'tsx', '--import', 'ai-pricetag/register']);
    const env = environmentOf(s);
    assert.equal(env.OTEL_SERVICE_NAME, 'demo-service');
    assert.equal(env.OTEL_EXPORTER_PROMETHEUS_HOST, '0.0.0.0');
    assert.ok(!('PRICETAG_ENDPOINTS' in (s.environment ?? {})), 'the endpoints are set in one place, the env file');
  });

  it('points every provider endpoint of the demo service at the emulator service, as the emulator lists them', async function () {
    const env = environmentOf(service('demo-service'));
    const emulator = service('emulator');
    assert.equal(env.EMULATOR_URL, `http://emulator:${listenPort('emulator', emulator)}`);
    assert.equal(flag(emulator.command, '--public-origin'), env.EMULATOR_URL);
    const endpoints = parseEndpoints(env.PRICETAG_ENDPOINTS ?? undefined);
    assert.ok(endpoints.length > 0, 'PRICETAG_ENDPOINTS is set');
    for (const e of endpoints) assert.ok(e.baseUrl.startsWith(`${env.EMULATOR_URL}/`), `${e.provider}: ${e.baseUrl} is under EMULATOR_URL`);
    assert.doesNotThrow(() => new ProviderRegistry(BUILT_IN_ADAPTERS, endpoints));
    const { pricetagEndpointsFor } = await import('../../examples/emulator/server.js');
    assert.equal(
      env.PRICETAG_ENDPOINTS,
      pricetagEndpointsFor(env.EMULATOR_URL!),
      'deploy/demo.env PRICETAG_ENDPOINTS is what the emulator serves',
    );
  });

  it('configures the demo service as npm run demo does (examples/demo/stack.ts)', async function () {
    const demo = await import('../../examples/demo/stack.js');
    const env = environmentOf(service('demo-service'));
    assert.equal(env.OTEL_SERVICE_NAME, demo.DEMO_JOB);
    assert.equal(env.PRICETAG_SHADOW_PLANS, demo.DEMO_SHADOW_PLANS);
    assert.equal(env.PRICETAG_BAGGAGE_LABELS, 'feature');
    assert.equal(env.PRICETAG_WORK_UNIT_IDLE_MS, demo.DEMO_CONVERSATION_IDLE_MS);
    const catalogs = (env.PRICETAG_CATALOGS ?? '').split(',');
    assert.deepEqual(catalogs, ['examples/demo/catalog.yaml'], 'relative to the image working directory, the repository root');
    assert.match(readFileSync(`${root}deploy/Dockerfile`, 'utf8'), /^WORKDIR \/app$/m);
    for (const catalog of catalogs) {
      const run = await pricetag('validate', `${root}${catalog}`);
      assert.equal(run.code, 0, run.stdout + run.stderr);
    }
  });

  it('listens on 0.0.0.0 in the Node services and publishes each port it serves to people on the same number', function () {
    for (const name of ['emulator', 'alert-webhook']) assert.equal(flag(service(name).command, '--host'), '0.0.0.0', name);
    for (const [name, port] of Object.entries(LISTEN_PORTS)) {
      const s = service(name);
      assert.equal(listenPort(name, s), port, `${name} listens on ${port}`);
      assert.deepEqual(s.ports, [`${port}:${port}`], `${name} publishes ${port}`);
    }
  });

  it('waits only on services that have a healthcheck, and each healthcheck probes its own service port', function () {
    const services = compose().services;
    for (const [name, s] of Object.entries(services)) {
      for (const [dependency, { condition }] of Object.entries(s.depends_on ?? {})) {
        assert.ok(services[dependency] !== undefined, `${name} depends on ${dependency}, a service`);
        if (condition === 'service_healthy')
          assert.ok(services[dependency]!.healthcheck !== undefined, `${dependency} has the healthcheck ${name} waits for`);
      }
      if (s.healthcheck === undefined) continue;
      assert.equal(s.healthcheck.test[0], 'CMD', `${name}: the healthcheck runs without a shell`);
      const port = listenPort(name, s);
      assert.ok(port !== undefined, `${name} has a known port`);
      assert.match(
        s.healthcheck.test.join(' '),
        new RegExp(`127\\.0\\.0\\.1:${port}\\b|\\(${port}, '127\\.0\\.0\\.1'\\)`),
        `${name}: the healthcheck probes port ${port}`,
      );
    }
  });
});
