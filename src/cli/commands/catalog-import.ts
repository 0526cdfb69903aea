/** `pricetag catalog import --from litellm FILE`: a community price list to our catalog format. */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { importLiteLLM } from '../../catalog/import/litellm/index.js';
import { validateCatalogValue } from '../../catalog/validate.js';
import { formatProblem } from '../../catalog/problems.js';
import { isCalendarDate } from '../../catalog/schema.js';
import { CliError, EXIT, onUserPath, type CliIo } from '../io.js';

export const IMPORT_FORMATS = ['litellm'] as const;

export interface ImportOptions {
  readonly from: string;
  readonly out?: string;
  readonly label?: string;
  readonly asOf?: string;
  readonly json?: boolean;
}

export function catalogImportCommand(file: string, options: ImportOptions, io: CliIo): number {
  if (!(IMPORT_FORMATS as readonly string[]).includes(options.from)) {
    throw new CliError(`--from must be one of ${IMPORT_FORMATS.join(', ')}, got "${options.from}"`);
  }
  if (options.asOf !== undefined && !isCalendarDate(options.asOf))
    throw new CliError(`--as-of must be a date YYYY-MM-DD, got "${options.asOf}"`);
  if (options.label !== undefined && options.label.trim() === '') throw new CliError('--label must not be empty');
  let json: unknown;
  try {
    // A FIFO or device would block or never end: refused before it is opened.
    if (!statSync(file).isFile()) throw new CliError(`${file}: not a regular file`, EXIT.invalid);
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    if (err instanceof CliError) throw err;
    const reason =
      err instanceof SyntaxError ? `not JSON (${err.message})` : `cannot read file (${(err as NodeJS.ErrnoException).code ?? 'error'})`;
    throw new CliError(`${file}: ${reason}`, EXIT.invalid);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new CliError(`${file}: not a LiteLLM price list (expected a JSON object of model entries)`, EXIT.invalid);
  }
  const result = importLiteLLM(json, { catalog: options.label, asOf: options.asOf });
  // An importer bug must not hand the user a catalog that will not load.
  const check = validateCatalogValue(result.document, options.out ?? '<import>');
  if (!check.ok) throw new CliError(check.problems.map(formatProblem).join('\n'), EXIT.invalid);

  const text = options.json ? `${JSON.stringify(result.document, null, 2)}\n` : stringify(result.document, { lineWidth: 0 });
  if (options.out === undefined) io.out(text);
  else onUserPath('write the catalog to', options.out, (out) => writeFileSync(out, text));

  io.err(`converted ${result.document.plans.length} plans from ${file}${options.out ? ` into ${options.out}` : ''}\n`);
  if (result.skipped.length > 0) {
    io.err(`not converted (${result.skipped.length} entries):\n`);
    for (const s of result.skipped) io.err(`  ${s.key}: ${s.reason}\n`);
  }
  if (result.dropped.length > 0) {
    io.err(`prices left out of converted plans (${result.dropped.length}):\n`);
    for (const d of result.dropped) io.err(`  ${d.key}: ${d.field}: ${d.reason}\n`);
  }
  return EXIT.ok;
}
