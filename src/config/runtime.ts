/**
 * What a resolved configuration builds, once per configuration: the pricer from the catalogs,
 * the provider registry from the endpoints and routes, and what calls are started with. A
 * catalog, route or endpoint with a problem is left out on its own and said (stderr once, and
 * through `log`); the rest is used. Never throws into the host.
 */
import { loadCatalogs, validateCatalogInput, type CatalogInput } from '../catalog/load.js';
import { formatProblem } from '../catalog/problems.js';
import type { CallSettings } from '../capture/calls.js';
import { PlanIndex } from '../pricing/plan-index.js';
import { Pricer } from '../pricing/pricer.js';
import { customAdapters } from '../providers/custom-routes.js';
import { BUILT_IN_ADAPTERS } from '../providers/index.js';
import { ProviderRegistry } from '../providers/registry.js';
import { Attributor } from '../record/attribution.js';
import { PricingContexts } from '../record/price-facts.js';
import { reportConfigProblem } from './env.js';
import type { ResolvedConfig } from './resolve.js';

export interface Runtime extends CallSettings {
  readonly pricer: Pricer;
  /** Version labels of the catalogs in use, built-in first. */
  readonly catalogLabels: readonly string[];
  /** Catalog inputs left out for their problems, by file name (or document name). */
  readonly invalidCatalogs: readonly string[];
}

export interface RuntimeLog {
  warn(message: string): void;
  error(message: string): void;
}

export function buildRuntime(config: ResolvedConfig, log: RuntimeLog): Runtime {
  const usable: CatalogInput[] = [];
  const invalid: string[] = [];
  for (const input of config.catalogs) {
    const name = typeof input === 'string' ? input : (input.name ?? '<catalog object>');
    const check = validateCatalogInput(input);
    // Deprecated provider ids and the like: the catalog is used, and the user told once.
    for (const warning of check.warnings ?? []) reportConfigProblem(formatProblem(warning), (message) => log.warn(message));
    if (check.ok) usable.push(input);
    else {
      invalid.push(name);
      reportConfigProblem(`catalog left out, its prices are not used:\n${check.problems.map(formatProblem).join('\n')}`, (message) =>
        log.error(message),
      );
    }
  }
  const loaded = loadCatalogs(usable, { includeDefault: config.includeDefaultCatalog });
  let pricer: Pricer;
  let labels: string[];
  if (loaded.ok) {
    pricer = loaded.pricer;
    labels = loaded.catalogs.map((c) => c.label);
  } else {
    log.error(`no catalog could be loaded; calls are recorded unpriced:\n${loaded.problems.map(formatProblem).join('\n')}`);
    pricer = new Pricer(new PlanIndex([]));
    labels = [];
  }
  const warn = (message: string) => log.warn(message);
  // A route that cannot be compiled is left out, as an invalid endpoint is: never thrown into the host.
  const routes = config.routes.filter((route) => {
    try {
      customAdapters([route], warn);
      return true;
    } catch (error) {
      reportConfigProblem(`route ignored: ${(error as Error).message}`, (message) => log.error(message));
      return false;
    }
  });
  const adapters = [...customAdapters(routes, warn), ...BUILT_IN_ADAPTERS];
  const registry = new ProviderRegistry(adapters, config.endpoints, warn);
  for (const { entry, reason } of registry.rejectedEndpoints) {
    reportConfigProblem(`endpoint ${entry} left out: ${reason}`, (message) => log.error(message));
  }
  const firstPlan = pricer.index.plans()[0];
  return {
    pricer,
    catalogLabels: labels,
    invalidCatalogs: invalid,
    registry,
    pricing: new PricingContexts(pricer, config.shadowPlans, firstPlan?.currency ?? 'USD'),
    attributor: new Attributor(config.attribution),
    workUnitSources: config.workUnits,
    callTimeoutMs: config.callTimeoutMs,
  };
}
