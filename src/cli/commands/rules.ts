/** `pricetag rules --budgets FILE [--out FILE] [--time-scale N] [--min-range DURATION]`: the Prometheus rules of the pack. */
import { writeFileSync } from 'node:fs';
import { formatProblem } from '../../catalog/problems.js';
import { loadBudgetsFile } from '../../pack/budgets.js';
import { isDuration } from '../../pack/duration.js';
import { generateRules, renderRules } from '../../pack/rules.js';
import { CliError, EXIT, onUserPath, type CliIo } from '../io.js';

export interface RulesOptions {
  readonly budgets: string;
  readonly out?: string;
  readonly timeScale?: string;
  readonly minRange?: string;
}

export function rulesCommand(options: RulesOptions, io: CliIo): number {
  const scale = options.timeScale === undefined ? 1 : Number(options.timeScale);
  if (!Number.isFinite(scale) || scale < 1) throw new CliError(`--time-scale must be a number of at least 1, got "${options.timeScale}"`);
  if (options.minRange !== undefined && !isDuration(options.minRange))
    throw new CliError(`--min-range must be a duration such as 1m or 4s, got "${options.minRange}"`);
  const loaded = loadBudgetsFile(options.budgets);
  if (!loaded.ok) throw new CliError(loaded.problems.map(formatProblem).join('\n'), EXIT.invalid);
  const text = renderRules(
    generateRules(loaded.config, { timeScale: scale, minRange: options.minRange }),
    options.budgets,
    scale,
    options.minRange,
  );
  if (options.out === undefined) io.out(text);
  else {
    onUserPath('write rules to', options.out, (out) => writeFileSync(out, text));
    const n = loaded.config.budgets.length;
    io.err(`wrote ${options.out}: rules for ${n} budget${n === 1 ? '' : 's'}${scale === 1 ? '' : `, time scaled ×${scale}`}\n`);
  }
  return EXIT.ok;
}
