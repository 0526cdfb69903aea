/**
 * `pricetag dashboards` and `npm run build:dashboards`: the Grafana dashboards of the pack,
 * built with @grafana/grafana-foundation-sdk from the pack configuration (alert thresholds
 * drawn on panels come from the budgets file's `alerts:` or the defaults).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Dashboard, DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { DEFAULT_ALERTS } from '../config.js';
import { budgetsDashboard } from './budgets.js';
import { buildDashboard } from './common.js';
import { healthDashboard } from './health.js';
import { pricingFitDashboard } from './pricing-fit.js';
import type { DashboardsConfig } from './refs.js';
import { spendDashboard } from './spend.js';
import { tierDriftDashboard } from './tier-drift.js';

export { DASHBOARDS, type DashboardsConfig } from './refs.js';

export interface GeneratedDashboard {
  readonly uid: string;
  readonly title: string;
  /** File name under the output directory: `<uid>.json`. */
  readonly file: string;
  readonly dashboard: Dashboard;
}

/** Top to bottom of the story: spend first, then what explains it, then whether the numbers can be trusted. */
const GENERATORS: readonly ((config: DashboardsConfig) => DashboardBuilder)[] = [
  spendDashboard,
  budgetsDashboard,
  tierDriftDashboard,
  pricingFitDashboard,
  healthDashboard,
];

export const DEFAULT_DASHBOARDS_CONFIG: DashboardsConfig = { alerts: DEFAULT_ALERTS };

export function generateDashboards(config: DashboardsConfig = DEFAULT_DASHBOARDS_CONFIG): GeneratedDashboard[] {
  return GENERATORS.map((generate) => {
    const dashboard = buildDashboard(generate(config));
    const uid = dashboard.uid ?? '';
    return { uid, title: dashboard.title ?? uid, file: `${uid}.json`, dashboard };
  });
}

/** The committed form of a dashboard: the SDK's JSON, two-space indented, with a final newline. */
export function renderDashboard(dashboard: Dashboard): string {
  return `${JSON.stringify(dashboard, null, 2)}\n`;
}

/** Writes every dashboard to `dir` (created if needed); returns the paths written. */
export function writeDashboards(dir: string, config: DashboardsConfig = DEFAULT_DASHBOARDS_CONFIG): string[] {
  mkdirSync(dir, { recursive: true });
  return generateDashboards(config).map((d) => {
    const path = join(dir, d.file);
    writeFileSync(path, renderDashboard(d.dashboard));
    return path;
  });
}
