/** `pricetag dashboards [--out DIR] [--budgets FILE]`: the Grafana dashboards of the pack. */
import { formatProblem } from '../../catalog/problems.js';
import { hasPeer, MissingPeerError } from '../../export/optional-peer.js';
import { loadBudgetsFile } from '../../pack/budgets.js';
import { CliError, EXIT, onUserPath, type CliIo } from '../io.js';

export interface DashboardsOptions {
  readonly out?: string;
  readonly budgets?: string;
}

/** It has no root export: its presence is checked through a subpath. */
export const GRAFANA_SDK = '@grafana/grafana-foundation-sdk';

export async function dashboardsCommand(options: DashboardsOptions, io: CliIo): Promise<number> {
  // Loaded here, not at start-up: only this command needs the Grafana SDK, an optional peer.
  if (!hasPeer(`${GRAFANA_SDK}/dashboard`))
    throw new CliError(new MissingPeerError('pricetag dashboards', [GRAFANA_SDK]).message, EXIT.usage);
  const { DEFAULT_DASHBOARDS_CONFIG, generateDashboards, writeDashboards } = await import('../../pack/dashboards/index.js');
  let config = DEFAULT_DASHBOARDS_CONFIG;
  if (options.budgets !== undefined) {
    const loaded = loadBudgetsFile(options.budgets);
    if (!loaded.ok) throw new CliError(loaded.problems.map(formatProblem).join('\n'), EXIT.invalid);
    config = { alerts: loaded.config.alerts };
  }
  if (options.out === undefined) {
    io.out(
      `${JSON.stringify(
        generateDashboards(config).map((d) => d.dashboard),
        null,
        2,
      )}\n`,
    );
    return EXIT.ok;
  }
  const written = onUserPath('write dashboards to', options.out, (out) => writeDashboards(out, config));
  io.err(`wrote ${written.length} dashboards to ${options.out}: ${written.map((p) => p.slice(p.lastIndexOf('/') + 1)).join(', ')}\n`);
  return EXIT.ok;
}
