// Shared by the dashboard tests: the committed dashboards as JSON, their panels, queries and
// variables, Grafana variable substitution, and PromQL checks with Prometheus' own lezer grammar.
import { strict as assert } from 'node:assert';
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
  /** Metric names of every vector and range selector (each alternative of a `__name__` matcher). */
  readonly metrics: string[];
  /** Per selector, the metric names it may select: its name, or the alternatives of its `__name__` matcher. */
  readonly selectors: string[][];
}

/** A `__name__=~` regex the pack writes: names joined by `|`, nothing else. */
const NAME_ALTERNATIVES = /^[A-Za-z_:][A-Za-z0-9_:]*(\|[A-Za-z_:][A-Za-z0-9_:]*)*$/;

export function checkPromQL(expr: string): PromQLCheck {
  const tree = parser.parse(expr);
  const errors: string[] = [];
  const selectors: string[][] = [];
  const text = (node: { from: number; to: number } | null | undefined) => (node == null ? '' : expr.slice(node.from, node.to));
  tree.iterate({
    enter(node) {
      if (node.type.isError) errors.push(`at ${node.from}: "${expr.slice(Math.max(0, node.from - 15), node.to + 15)}"`);
      if (node.name !== 'VectorSelector') return;
      const identifier = node.node.getChild('Identifier');
      if (identifier !== null) {
        selectors.push([text(identifier)]);
        return;
      }
      for (const matcher of node.node.getChild('LabelMatchers')?.getChildren('UnquotedLabelMatcher') ?? []) {
        if (text(matcher.getChild('LabelName')) !== '__name__') continue;
        const op = text(matcher.getChild('MatchOp'));
        const value = JSON.parse(text(matcher.getChild('StringLiteral')) || '""') as string;
        if (op === '=') selectors.push([value]);
        else if (op === '=~' && NAME_ALTERNATIVES.test(value)) selectors.push(value.split('|'));
        else errors.push(`a __name__ matcher other than = or =~ of plain names: ${text(matcher)}`);
      }
    },
  });
  if (expr.trim() === '') errors.push('empty expression');
  return { errors, metrics: selectors.flat(), selectors };
}

// ---------------------------------------------------------------------------------------------
// Every query of the committed dashboards against a real Prometheus

interface ApiResult {
  readonly resultType?: string;
  readonly result?: readonly { readonly values?: readonly unknown[]; readonly value?: unknown }[];
}

export interface DashboardRun {
  /** Prometheus' URL. */
  readonly url: string;
  /** Evaluation time (seconds since the epoch); range queries end here. */
  readonly now: number;
  /** Range queries look back this far, at this step; Grafana's time variables say the same. */
  readonly lookbackS: number;
  readonly stepS: number;
  readonly timeVariables: Readonly<Record<string, string>>;
  /** Queries that may rightly return nothing, by `panel title` or `panel title › refId`, with the reason. */
  readonly noDataExpected: Readonly<Record<string, string>>;
}

export interface DashboardRunResult {
  /** Queries Prometheus rejected, with the error. */
  readonly failed: string[];
  /** Queries without data (outside the allow-list). */
  readonly empty: string[];
  /** Variables that found no values. */
  readonly emptyVariables: string[];
  readonly checked: number;
}

async function api<T>(url: string, path: string, params: Record<string, string>): Promise<T> {
  const res = await fetch(`${url}${path}?${new URLSearchParams(params)}`);
  const body = (await res.json()) as { status: string; data?: T; error?: string };
  if (body.status !== 'success') throw new Error(body.error ?? `HTTP ${res.status}`);
  return body.data!;
}

/**
 * Runs every panel query of the committed dashboards as Grafana would: multi-value filters at All
 * (`.*`), single-value ones at their default or, without one, each of the first three values found.
 */
export async function runDashboardQueries(run: DashboardRun): Promise<DashboardRunResult> {
  const failed: string[] = [];
  const empty: string[] = [];
  const emptyVariables: string[] = [];
  let checked = 0;
  for (const { json: dashboard } of committedDashboards().values()) {
    let assignments: Record<string, string>[] = [{ ...run.timeVariables, datasource: 'prometheus' }];
    for (const v of dashboard.templating.list.filter((x) => x.type === 'query')) {
      const next: Record<string, string>[] = [];
      for (const values of assignments) {
        const lv = labelValues(variableQuery(v))!;
        const found = await api<string[]>(run.url, `/api/v1/label/${lv.label}/values`, {
          'match[]': substitute(lv.selector, values),
          start: String(run.now - run.lookbackS),
          end: String(run.now),
        });
        if (found.length === 0) emptyVariables.push(`${dashboard.uid}: variable ${v.name} (${variableQuery(v)}) finds no values`);
        const current = v.current?.value;
        if (v.includeAll === true) next.push({ ...values, [v.name]: v.allValue ?? '.*' });
        else if (typeof current === 'string' && current !== '') next.push({ ...values, [v.name]: current });
        else for (const value of found.slice(0, 3)) next.push({ ...values, [v.name]: value });
      }
      assignments = next;
    }
    for (const values of assignments) {
      const label = Object.entries(values)
        .filter(([k]) => !k.startsWith('__') && k !== 'datasource' && values[k] !== '.*')
        .map(([k, v]) => `${k}=${v}`)
        .join(' ');
      for (const q of panelQueries(dashboard)) {
        const where = `${dashboard.uid}${label === '' ? '' : ` (${label})`} / ${q.where}`;
        const expr = substitute(q.expr, values);
        checked++;
        try {
          const data =
            q.target.instant === true
              ? await api<ApiResult>(run.url, '/api/v1/query', { query: expr, time: String(run.now) })
              : await api<ApiResult>(run.url, '/api/v1/query_range', {
                  query: expr,
                  start: String(run.now - run.lookbackS),
                  end: String(run.now),
                  step: String(run.stepS),
                });
          const hasData = (data.result ?? []).some((r) => (r.values === undefined ? r.value !== undefined : r.values.length > 0));
          const allowed = run.noDataExpected[q.where] ?? run.noDataExpected[q.panel.title ?? ''];
          if (!hasData && allowed === undefined) empty.push(`${where}: ${expr}`);
        } catch (err) {
          failed.push(`${where}: ${(err as Error).message}\n    ${expr}`);
        }
      }
    }
  }
  return { failed, empty, emptyVariables, checked };
}

/** Every variable has values and every panel query returns data, but for the allow-listed ones. */
export async function assertDashboardsHaveData(run: DashboardRun): Promise<void> {
  const result = await runDashboardQueries(run);
  assert.deepEqual(result.emptyVariables, [], 'variables without values');
  assert.deepEqual(result.failed, [], `queries Prometheus rejected:\n${result.failed.join('\n')}`);
  assert.deepEqual(result.empty, [], `queries without data:\n${result.empty.join('\n')}`);
  assert.ok(result.checked > 90, `checked ${result.checked} queries`);
}
