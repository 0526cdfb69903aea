/** The dashboards of the pack: stable uids (links and bookmarks depend on them) and titles. */
import type { AlertsConfig } from '../config.js';
import type { DashboardRef } from './common.js';

export const DASHBOARDS = {
  spend: { uid: 'ai-pricetag-spend', title: 'AI spend overview' },
  budgets: { uid: 'ai-pricetag-budgets', title: 'AI budgets' },
  tierDrift: { uid: 'ai-pricetag-tier-drift', title: 'AI tier drift' },
  pricingFit: { uid: 'ai-pricetag-pricing-fit', title: 'AI pricing-model fit' },
  health: { uid: 'ai-pricetag-health', title: 'AI instrumentation health' },
} as const satisfies Record<string, DashboardRef>;

/** What the dashboards draw from the pack configuration: the alert thresholds of the budgets file (or the defaults). */
export interface DashboardsConfig {
  readonly alerts: AlertsConfig;
}
