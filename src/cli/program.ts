/** The `pricetag` command tree. `runCli` returns the exit code instead of exiting, for tests. */
import { Command, CommanderError, Option } from 'commander';
import { collect } from './catalog-options.js';
import { catalogImportCommand, IMPORT_FORMATS } from './commands/catalog-import.js';
import { catalogListCommand } from './commands/catalog-list.js';
import { dashboardsCommand } from './commands/dashboards.js';
import { priceCommand } from './commands/price.js';
import { rulesCommand } from './commands/rules.js';
import { GROUP_BY, simulateCommand } from './commands/simulate.js';
import { validateCommand } from './commands/validate.js';
import { CliError, EXIT, processIo, type CliIo } from './io.js';
import { PACKAGE_VERSION } from '../version.js';

function catalogOptions(cmd: Command): Command {
  return cmd
    .option('-c, --catalog <file>', 'catalog file layered over the built-in default (repeatable, in order)', collect)
    .option('--no-default', 'leave out the built-in default catalog');
}

function buildProgram(io: CliIo, setExit: (code: number) => void): Command {
  const program = new Command('pricetag')
    .description('Price AI API calls from a price catalog; validate and import catalogs.')
    .version(PACKAGE_VERSION)
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

  program
    .command('validate')
    .description('check catalog files; print every problem as FILE:LINE:COL: path: message')
    .argument('<file...>', 'catalog files (YAML or JSON)')
    .option('-v, --verbose', 'list each plan with its source and as-of date')
    .action((files: string[], opts: { verbose?: boolean }) => setExit(validateCommand(files, opts, io)));

  catalogOptions(
    program
      .command('price')
      .description('price one call: exit 0 priced, 3 unpriced, 1 invalid catalog')
      .option('--plan <id>', 'price under this plan id')
      .option('--provider <name>', 'provider of the call (gen_ai.provider.name)')
      .option('--operation <name>', 'operation of the call (gen_ai.operation.name)')
      .option('--model <name>', 'model of the call')
      .option('-u, --usage <name=number>', 'a usage quantity, e.g. input_tokens=1200 (repeatable)', collect)
      .option('-d, --dim <name=value>', 'a request dimension, e.g. search_depth=advanced (repeatable)', collect)
      .option('--at <date>', 'price with the plans in force on this date (YYYY-MM-DD)')
      .option('--json', 'print the result as one JSON object'),
  ).action((opts: Parameters<typeof priceCommand>[0]) => setExit(priceCommand(opts, io)));

  program
    .command('rules')
    .description('Prometheus recording and alerting rules for your budgets (burn rate, forecast, tier drift, unpriced calls)')
    .requiredOption('--budgets <file>', 'budgets file (YAML or JSON)')
    .option('-o, --out <file>', 'write the rules here instead of stdout')
    .option('--time-scale <n>', 'divide every window and for: by n (tests and demos)')
    .option('--min-range <duration>', 'shortest range selector to write, about 4 scrape intervals (default 1m; none with --time-scale)')
    .action((opts: Parameters<typeof rulesCommand>[0]) => setExit(rulesCommand(opts, io)));

  program
    .command('dashboards')
    .description('Grafana dashboards of the pack: spend, budgets, tier drift, pricing-model fit, instrumentation health')
    .option('-o, --out <dir>', 'write one <uid>.json per dashboard into this directory (default: print them as a JSON array)')
    .option('--budgets <file>', 'draw the alert thresholds of this budgets file (its alerts: overrides) instead of the defaults')
    .action(async (opts: Parameters<typeof dashboardsCommand>[0]) => setExit(await dashboardsCommand(opts, io)));

  catalogOptions(
    program
      .command('simulate')
      .description(
        'cost of a recorded workload (JSON Lines usage log) as priced by the catalog and under what-if plans: ' +
          'exit 0, 1 bad lines or catalog, 2 bad usage',
      )
      .requiredOption('--usage-log <file>', 'usage log: one JSON call per line (see docs/simulate.md)')
      .option('--plans <ids>', 'price every call under each of these plan ids too (comma-separated; repeatable)', collect)
      .addOption(new Option('--group-by <key>', 'also report the cost distribution per group').choices([...GROUP_BY]))
      .option('--at <date>', "price with the plans in force on this date (YYYY-MM-DD) instead of each call's time")
      .option('--json', 'print the result as one JSON object'),
  ).action(async (opts: Parameters<typeof simulateCommand>[0]) => setExit(await simulateCommand(opts, io)));

  const catalog = program.command('catalog').description('list and import catalogs');
  catalogOptions(
    catalog
      .command('list')
      .description('the plans in force with their tiers and rates')
      .option('--provider <name>', 'only this provider')
      .option('--operation <name>', 'only plans for this operation')
      .option('--all', 'include superseded and future plan versions')
      .option('--json', 'print rows as JSON'),
  ).action((opts: Parameters<typeof catalogListCommand>[0]) => setExit(catalogListCommand(opts, io)));

  catalog
    .command('import')
    .description('convert a community price list into a catalog; lists what it could not convert on stderr')
    .argument('<file>', 'price list to convert')
    .addOption(new Option('--from <format>', 'format of FILE').choices([...IMPORT_FORMATS]).makeOptionMandatory())
    .option('-o, --out <file>', 'write the catalog here instead of stdout')
    .option('--label <label>', 'version label of the new catalog')
    .option('--as-of <date>', 'date the prices were read (as_of of each plan)')
    .option('--json', 'write JSON instead of YAML')
    .action((file: string, opts: Parameters<typeof catalogImportCommand>[1]) => setExit(catalogImportCommand(file, opts, io)));

  return program;
}

export async function runCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildProgram(io, (c) => (code = c));
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end through here with exit code 0.
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (err instanceof CliError) {
      io.err(`pricetag: ${err.message}\n`);
      return err.exitCode;
    }
    throw err;
  }
}
