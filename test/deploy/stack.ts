// The demo stack's files as the deploy tests read them: docker-compose.yml (merge keys resolved),
// the env file of the demo service, and the configurations it mounts.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export const root = new URL('../../', import.meta.url).pathname;
export const COMPOSE_FILE = 'docker-compose.yml';

export const hasBinary = (name: string): boolean => spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;

export interface HealthCheck {
  readonly test: readonly string[];
}

export interface Service {
  readonly image?: string;
  readonly build?: { readonly context: string; readonly dockerfile: string };
  readonly command?: readonly string[];
  readonly environment?: Readonly<Record<string, string | null>>;
  readonly env_file?: string | readonly string[];
  readonly ports?: readonly string[];
  readonly volumes?: readonly string[];
  readonly depends_on?: Readonly<Record<string, { condition: string }>>;
  readonly healthcheck?: HealthCheck;
}

export interface Compose {
  readonly services: Readonly<Record<string, Service>>;
}

export function readYaml<T>(path: string): T {
  return parse(readFileSync(`${root}${path}`, 'utf8'), { merge: true }) as T;
}

export const compose = (): Compose => readYaml<Compose>(COMPOSE_FILE);

export function service(name: string): Service {
  const s = compose().services[name];
  if (s === undefined) throw new Error(`${COMPOSE_FILE} has no service "${name}"`);
  return s;
}

export const envFiles = (s: Service): string[] =>
  s.env_file === undefined ? [] : typeof s.env_file === 'string' ? [s.env_file] : [...s.env_file];

/** KEY=VALUE lines of an env file (no quoting or expansion: compose reads these files literally too). */
export function readEnvFile(path: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(`${root}${path}`, 'utf8').split('\n')) {
    const text = line.trim();
    if (text === '' || text.startsWith('#')) continue;
    const eq = text.indexOf('=');
    out[text.slice(0, eq)] = text.slice(eq + 1);
  }
  return out;
}

/** A service's environment as its container sees it: env files first, then `environment`. */
export function environmentOf(s: Service): Record<string, string | null> {
  return Object.assign({}, ...envFiles(s).map(readEnvFile), s.environment ?? {}) as Record<string, string | null>;
}

/** The value after `--flag` in a command. */
export function flag(command: readonly string[] | undefined, name: string): string | undefined {
  const i = (command ?? []).indexOf(name);
  return i < 0 ? undefined : command![i + 1];
}

/** Bind mounts (`./host:container[:mode]`) as host path relative to the repository, and container path. */
export function bindMounts(s: Service): { host: string; container: string }[] {
  return (s.volumes ?? [])
    .map((v) => v.split(':'))
    .filter(([host]) => host !== undefined && (host.startsWith('./') || host.startsWith('../') || host.startsWith('/')))
    .map(([host, container]) => ({ host: host!.replace(/^\.\//, ''), container: container! }));
}

/** The container path at which a repository file or folder is mounted into a service. */
export function mountOf(s: Service, host: string): string | undefined {
  return bindMounts(s).find((m) => m.host === host)?.container;
}
