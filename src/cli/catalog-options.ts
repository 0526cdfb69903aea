/** The `--catalog FILE... [--no-default]` options shared by commands that price. */
import { loadCatalogs, type LoadResult } from '../catalog/load.js';
import { formatProblem } from '../catalog/problems.js';
import { currentProviderId, deprecationNotice } from '../providers/provider-ids.js';
import { CliError, EXIT, type CliIo } from './io.js';

export interface CatalogOptions {
  readonly catalog?: readonly string[];
  /** commander's negation of --no-default */
  readonly default?: boolean;
}

/** Loads the layers or throws one CliError listing every problem; warnings go to stderr either way. */
export function loadFromOptions(options: CatalogOptions, io: CliIo): Extract<LoadResult, { ok: true }> {
  const result = loadCatalogs(options.catalog ?? [], { includeDefault: options.default !== false });
  for (const warning of result.warnings) io.err(`${formatProblem(warning)}\n`);
  if (!result.ok) throw new CliError(result.problems.map(formatProblem).join('\n'), EXIT.invalid);
  return result;
}

/** A `--provider` value as the catalog knows it: a deprecated id is taken for its replacement, with a warning. */
export function providerOption(provider: string, io: CliIo): string {
  const notice = deprecationNotice(provider);
  if (notice !== undefined) io.err(`pricetag: warning: --provider: ${notice}\n`);
  return currentProviderId(provider);
}

export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
