// The configurations the demo stack mounts: Prometheus (with the generated demo rules),
// Alertmanager and Grafana provisioning, checked by their own tools where they have one, and
// against the services of docker-compose.yml they name.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { formatProblem } from '../../src/catalog/problems.js';
import { loadBudgetsFile } from '../../src/pack/budgets.js';
import { parseDuration } from '../../src/pack/duration.js';
import { generateRules, renderRules } from '../../src/pack/rules.js';
import { environmentOf, flag, hasBinary, mountOf, readYaml, root, service } from './stack.js';
import { DEMO_MIN_RANGE, DEMO_TIME_SCALE } from '../../examples/demo/stack.js';

const PROMETHEUS_CONFIG = 'deploy/prometheus/prometheus.yml';
const ALERTMANAGER_CONFIG = 'deploy/alertmanager/alertmanager.yml';
const GRAFANA_PROVISIONING = 'deploy/grafana/provisioning';

interface PrometheusConfig {
  global: { scrape_interval: string; evaluation_interval: string };
  rule_files: string[];
  alerting: { alertmanagers: { static_configs: { targets: string[] }[] }[] };
  scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
}

interface AlertmanagerConfig {
  route: { receiver: string; routes?: unknown[] };
  receivers: { name: string; webhook_configs?: { url: string }[] }[];
}

function tool(name: string, args: readonly string[]) {
  assert.ok(
    hasBinary(name),
    `${name} is not on PATH: install it (Debian: apt-get install prometheus prometheus-alertmanager); npm test and .ci/run do`,
  );
  return spawnSync(name, args, { cwd: root, encoding: 'utf8', timeout: 60_000 });
}

/** `npm run build:demo-rules`, read from package.json so the test regenerates what the script writes. */
function demoRulesScript(): { budgets: string; timeScale: number; minRange: string; out: string } {
  const script =
    (JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { scripts: Record<string, string> }).scripts['build:demo-rules'] ?? '';
  const arg = (name: string) => new RegExp(`--${name} (\\S+)`).exec(script)?.[1];
  const [budgets, timeScale, minRange, out] = [arg('budgets'), arg('time-scale'), arg('min-range'), arg('out')];
  assert.ok(
    budgets && timeScale && minRange && out,
    `package.json build:demo-rules names --budgets, --time-scale, --min-range and --out: ${script}`,
  );
  return { budgets, timeScale: Number(timeScale), minRange, out };
}

/** `*` of a rule_files glob, as Prometheus (Go's filepath.Match) reads it within one folder. */
const globMatches = (glob: string, name: string) =>
  new RegExp(
    `^${glob
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('[^/]*')}$`,
  ).test(name);

const hostPort = (url: string) => new URL(url).host;

describe('the demo stack configuration', function () {
  this.timeout(60_000);
  const prometheus = () => readYaml<PrometheusConfig>(PROMETHEUS_CONFIG);

  describe('Prometheus', function () {
    it(`passes promtool check config ${PROMETHEUS_CONFIG}, rules included`, function () {
      const run = tool('promtool', ['check', 'config', PROMETHEUS_CONFIG]);
      assert.equal(run.status, 0, run.stdout + run.stderr);
      assert.match(
        run.stdout,
        new RegExp(`Checking ${demoRulesScript().out.replace(/\./g, '\\.')}\\n\\s+SUCCESS: \\d+ rules found`),
        'the demo rules were found and checked',
      );
    });

    it('keeps the committed demo rules equal to what npm run build:demo-rules writes', function () {
      const { budgets, timeScale, minRange, out } = demoRulesScript();
      // The same profile `npm run demo` generates at start, so both stacks alert alike.
      assert.deepEqual({ timeScale, minRange }, { timeScale: DEMO_TIME_SCALE, minRange: DEMO_MIN_RANGE });
      const loaded = loadBudgetsFile(`${root}${budgets}`);
      assert.ok(loaded.ok, loaded.ok ? '' : loaded.problems.map(formatProblem).join('\n'));
      const expected = renderRules(generateRules(loaded.config, { timeScale, minRange }), budgets, timeScale, minRange);
      assert.equal(readFileSync(`${root}${out}`, 'utf8'), expected, `${out} is stale: run npm run build:demo-rules`);
    });

    it('finds the rules next to its configuration, in the repository and in the container', function () {
      const { out } = demoRulesScript();
      const config = prometheus();
      const s = service('prometheus');
      assert.equal(dirname(out), dirname(PROMETHEUS_CONFIG));
      assert.equal(mountOf(s, PROMETHEUS_CONFIG), '/etc/prometheus/prometheus.yml', 'the image reads /etc/prometheus/prometheus.yml');
      const inContainer = mountOf(s, out);
      assert.equal(inContainer, `/etc/prometheus/${basename(out)}`);
      for (const glob of config.rule_files)
        assert.ok(!glob.startsWith('/') && !glob.includes('/'), `rule_files ${glob} is relative to the configuration's folder`);
      assert.ok(
        config.rule_files.some((glob) => globMatches(glob, basename(out))),
        `rule_files ${config.rule_files.join(', ')} match ${basename(out)}`,
      );
    });

    it('scrapes the demo service under job demo-service at its metrics port', function () {
      const env = environmentOf(service('demo-service'));
      const jobs = prometheus().scrape_configs;
      const job = jobs.find((j) => j.job_name === 'demo-service');
      assert.ok(job, 'a scrape job named demo-service (the demo budgets select job="demo-service")');
      assert.equal(env.OTEL_SERVICE_NAME, job.job_name);
      assert.deepEqual(
        job.static_configs.flatMap((c) => c.targets),
        [`demo-service:${env.OTEL_EXPORTER_PROMETHEUS_PORT}`],
      );
      assert.match(readFileSync(`${root}${demoRulesScript().budgets}`, 'utf8'), /selector: \{ job: demo-service/);
    });

    it('scrapes often enough for the shortest time-scaled range, and evaluates as often as the shortest for:', function () {
      const { global } = prometheus();
      const rules = readFileSync(`${root}${demoRulesScript().out}`, 'utf8');
      const ranges = [...rules.matchAll(/\[(\w+)\]/g)].map((m) => parseDuration(m[1]!));
      const fors = [...rules.matchAll(/^\s+for: (\w+)$/gm)].map((m) => parseDuration(m[1]!));
      assert.ok(ranges.length > 0 && fors.length > 0 && [...ranges, ...fors].every(Number.isFinite));
      // A rate needs two samples inside its window.
      assert.ok(
        2 * parseDuration(global.scrape_interval) <= Math.min(...ranges),
        `scrape_interval ${global.scrape_interval} is at most half of the shortest range (${Math.min(...ranges)}s)`,
      );
      assert.ok(
        parseDuration(global.evaluation_interval) <= Math.min(...fors),
        `evaluation_interval ${global.evaluation_interval} is at most the shortest for: (${Math.min(...fors)}s)`,
      );
    });

    it('sends alerts to the alertmanager service', function () {
      const targets = prometheus().alerting.alertmanagers.flatMap((a) => a.static_configs.flatMap((c) => c.targets));
      assert.deepEqual(targets, [`alertmanager:9093`]);
      assert.deepEqual(service('alertmanager').ports, ['9093:9093']);
    });
  });

  describe('Alertmanager', function () {
    it(`passes amtool check-config ${ALERTMANAGER_CONFIG}`, function () {
      const run = tool('amtool', ['check-config', ALERTMANAGER_CONFIG]);
      assert.equal(run.status, 0, run.stdout + run.stderr);
      assert.match(run.stdout, /SUCCESS/);
    });

    it('is the configuration the alertmanager service reads', function () {
      assert.equal(mountOf(service('alertmanager'), ALERTMANAGER_CONFIG), '/etc/alertmanager/alertmanager.yml');
    });

    it('routes every alert to the alert-webhook service', function () {
      const config = readYaml<AlertmanagerConfig>(ALERTMANAGER_CONFIG);
      assert.equal(config.route.routes, undefined, 'no sub-routes: the root route takes every alert');
      const receiver = config.receivers.find((r) => r.name === config.route.receiver);
      const port = flag(service('alert-webhook').command, '--port');
      assert.deepEqual(
        receiver?.webhook_configs?.map((w) => w.url),
        [`http://alert-webhook:${port}/alerts`],
      );
    });
  });

  describe('Grafana', function () {
    const grafana = () => service('grafana');

    it('provisions from the repository', function () {
      assert.equal(mountOf(grafana(), GRAFANA_PROVISIONING), '/etc/grafana/provisioning');
    });

    it('has the Prometheus service as its default datasource, with the fixed uid the dashboards default to', function () {
      const { datasources } = readYaml<{ datasources: Record<string, unknown>[] }>(`${GRAFANA_PROVISIONING}/datasources/prometheus.yml`);
      assert.equal(datasources.length, 1);
      const ds = datasources[0]!;
      assert.equal(ds.uid, 'prometheus');
      assert.equal(ds.type, 'prometheus');
      assert.equal(ds.isDefault, true);
      assert.equal(hostPort(String(ds.url)), 'prometheus:9090');
      assert.deepEqual(service('prometheus').ports, ['9090:9090']);
      assert.equal(
        (ds.jsonData as { timeInterval?: string }).timeInterval,
        prometheus().global.scrape_interval,
        'the datasource knows the scrape interval ($__rate_interval)',
      );
    });

    it('loads the dashboards of ./dashboards into the folder ai-pricetag', function () {
      const { providers } = readYaml<{ providers: { folder: string; type: string; options: { path: string } }[] }>(
        `${GRAFANA_PROVISIONING}/dashboards/ai-pricetag.yml`,
      );
      assert.equal(providers.length, 1);
      assert.equal(providers[0]!.type, 'file');
      assert.equal(providers[0]!.folder, 'ai-pricetag');
      assert.equal(providers[0]!.options.path, mountOf(grafana(), 'dashboards'));
    });

    it('lets anonymous visitors view, and takes the admin password from the environment', function () {
      const env = environmentOf(grafana());
      assert.equal(env.GF_AUTH_ANONYMOUS_ENABLED, 'true');
      assert.equal(env.GF_AUTH_ANONYMOUS_ORG_ROLE, 'Viewer');
      assert.equal(env.GF_SECURITY_ADMIN_PASSWORD, '${GRAFANA_ADMIN_PASSWORD:-admin}');
      assert.deepEqual(grafana().ports, ['3000:3000']);
    });
  });
});
