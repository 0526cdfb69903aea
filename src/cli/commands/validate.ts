/** `pricetag validate FILE...`: every problem of every file, located; warnings alone do not fail a file. */
import { validateCatalogFile } from '../../catalog/load.js';
import { formatProblem } from '../../catalog/problems.js';
import { EXIT, type CliIo } from '../io.js';

export interface ValidateOptions {
  readonly verbose?: boolean;
}

export function validateCommand(files: readonly string[], options: ValidateOptions, io: CliIo): number {
  let failed = false;
  for (const file of files) {
    const result = validateCatalogFile(file);
    if (!result.ok) {
      failed = true;
      const all = [...result.problems, ...(result.warnings ?? [])].sort(
        (a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0),
      );
      for (const problem of all) io.out(`${formatProblem(problem)}\n`);
      continue;
    }
    for (const warning of result.warnings) io.out(`${formatProblem(warning)}\n`);
    const { document } = result;
    io.out(`${file}: valid, ${document.plans.length} plans (catalog ${document.catalog})\n`);
    if (options.verbose) {
      for (const plan of document.plans) {
        const from = plan.effective_from ? ` from ${plan.effective_from}` : '';
        const asOf = plan.as_of ? ` as of ${plan.as_of}` : '';
        io.out(`  ${plan.id}${from}: ${plan.source ?? '(no source)'}${asOf}\n`);
      }
    }
  }
  return failed ? EXIT.invalid : EXIT.ok;
}
