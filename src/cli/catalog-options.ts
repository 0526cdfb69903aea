/** The `--catalog FILE... [--no-default]` options shared by commands that price. */
import { loadCatalogs, type LoadResult } from '../catalog/load.js';
import { formatProblem } from '../catalog/problems.js';
import { CliError, EXIT } from './io.js';

export interface CatalogOptions {
  readonly catalog?: readonly string[];
  /** commander's negation of --no-default */
  readonly default?: boolean;
}

/** Loads the layers or throws one CliError listing every problem. */
export function loadFromOptions(options: CatalogOptions): Extract<LoadResult, { ok: true }> {
  const result = loadCatalogs(options.catalog ?? [], { includeDefault: options.default !== false });
  if (!result.ok) throw new CliError(result.problems.map(formatProblem).join('\n'), EXIT.invalid);
  return result;
}

export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
