// Shared by the dashboard tests: the committed dashboards as JSON, their panels, queries and
// variables, Grafana variable substitution, and PromQL checks with Prometheus' own lezer grammar.
import { readdirSync, readFileSync } from 'node:fs';
import { parser } from '@prometheus-io/lezer-promql';

export const root = new URL('../../', import.meta.url).pathname;
export const dashboardsDir = `${root}dashboards/`;

export interface DatasourceRef {
  readonly type?: string;
  readonly uid?: string;
}

export interface TargetJson {
  readonly refId?: string;
  readonly expr?: string;
  readonly instant?: boolean;
  readonly range?: boolean;
  readonly format?: string;
  readonly legendFormat?: string;
  readonly datasource?: DatasourceRef;
}

export interface ThresholdStep {
  readonly value: number | null;
  readonly color: string;
}

export interface PanelJson {
  readonly id?: number;
  readonly type: string;
  readonly title?: string;
  readonly description?: string;
  readonly gridPos?: { readonly x: number; readonly y: number; readonly w: number; readonly h: number };
  readonly datasource?: DatasourceRef;
  readonly targets?: readonly TargetJson[];
  readonly links?: readonly { readonly url?: string; readonly placement?: string }[];
  readonly fieldConfig?: {
    readonly defaults?: { readonly unit?: string; readonly thresholds?: { readonly steps: readonly ThresholdStep[] } };
  };
  readonly options?: { readonly yAxis?: { readonly unit?: string } };
  readonly panels?: readonly PanelJson[];
}

export interface VariableJson {
  readonly type: string;
  readonly name: string;
  readonly query?: unknown;
  readonly datasource?: DatasourceRef;
  readonly current?: { readonly value?: string | readonly string[] };
  readonly multi?: boolean;
  readonly includeAll?: boolean;
  readonly allValue?: string;
}

export interface DashboardJson {
  readonly uid: string;
  readonly title: string;
  readonly description?: string;
  readonly tags?: readonly string[];
  readonly schemaVersion?: number;
  readonly panels: readonly PanelJson[];
  readonly templating: { readonly list: readonly VariableJson[] };
  readonly links?: readonly { readonly type?: string; readonly tags?: readonly string[]; readonly placement?: string }[];
}

/** The committed dashboards, by file name. */
export function committedDashboards(): Map<string, { text: string; json: DashboardJson }> {
  const out = new Map<string, { text: string; json: DashboardJson }>();
  for (const file of readdirSync(dashboardsDir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const text = readFileSync(`${dashboardsDir}${file}`, 'utf8');
    out.set(file, { text, json: JSON.parse(text) as DashboardJson });
  }
  return out;
}

/** Every panel, rows and the panels of collapsed rows included. */
export function allPanels(dashboard: DashboardJson): PanelJson[] {
  return dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
}

export const isRow = (p: PanelJson) => p.type === 'row';

export interface QueryRef {
  readonly dashboard: DashboardJson;
  readonly panel: PanelJson;
  readonly target: TargetJson;
  readonly expr: string;
  /** `Panel title › refId`, for messages and allow-lists. */
  readonly where: string;
}

export function panelQueries(dashboard: DashboardJson): QueryRef[] {
  return allPanels(dashboard).flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({
      dashboard,
      panel,
      target,
      expr: target.expr ?? '',
      where: `${panel.title ?? '?'} › ${target.refId ?? '?'}`,
    })),
  );
}

/** The text of a query variable's query (a string, or the object form newer Grafana writes). */
export function variableQuery(variable: VariableJson): string {
  const q = variable.query;
  if (typeof q === 'string') return q;
  if (q !== null && typeof q === 'object' && typeof (q as { query?: unknown }).query === 'string') return (q as { query: string }).query;
  return '';
}

/** `label_values(selector, label)` → its parts. */
export function labelValues(query: string): { selector: string; label: string } | undefined {
  const m = /^label_values\((.*),\s*([a-zA-Z_][a-zA-Z0-9_]*)\)$/s.exec(query.trim());
  return m === null ? undefined : { selector: m[1]!, label: m[2]! };
}

/**
 * Replaces Grafana variables (`$name`, `${name}`, `${name:format}`, `[[name]]`) with values;
 * a variable without a value is an error (a query using a variable its dashboard does not define).
 */
export function substitute(expr: string, values: Readonly<Record<string, string>>): string {
  return expr.replace(/\$\{(\w+)(?::\w+)?\}|\[\[(\w+)\]\]|\$(\w+)/g, (whole, a?: string, b?: string, c?: string) => {
    const name = a ?? b ?? c ?? '';
    const value = values[name];
    if (value === undefined) throw new Error(`unknown variable ${whole} in ${expr}`);
    return value;
  });
}

/** Values that make any of our queries parse: durations for the time variables, a name for the rest. */
export function placeholderValues(dashboard: DashboardJson): Record<string, string> {
  const values: Record<string, string> = { __range: '1h', __rate_interval: '1m', __interval: '1m' };
  for (const v of dashboard.templating.list) values[v.name] = 'placeholder';
  return values;
}

export interface PromQLCheck {
  /** Parse errors, each with the text around it. */
  readonly errors: string[];
  /** Metric names of every vector and range selector. */
  readonly metrics: string[];
}

export function checkPromQL(expr: string): PromQLCheck {
  const tree = parser.parse(expr);
  const errors: string[] = [];
  const metrics: string[] = [];
  tree.iterate({
    enter(node) {
      if (node.type.isError) errors.push(`at ${node.from}: "${expr.slice(Math.max(0, node.from - 15), node.to + 15)}"`);
      if (node.name === 'Identifier' && node.node.parent?.name === 'VectorSelector') metrics.push(expr.slice(node.from, node.to));
    },
  });
  if (expr.trim() === '') errors.push('empty expression');
  return { errors, metrics };
}
