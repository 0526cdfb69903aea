/** Reads catalogs from files or objects and layers them over the built-in default. */
import { fileURLToPath } from 'node:url';
import { PlanIndex } from '../pricing/plan-index.js';
import { Pricer } from '../pricing/pricer.js';
import { compileCatalog, type CompiledCatalog } from './compile.js';
import type { CatalogProblem } from './problems.js';
import type { CatalogDocument } from './schema.js';
import { readSourceFile } from './source.js';
import { validateCatalogText, validateCatalogValue, type ValidationResult } from './validate.js';

/** The price list shipped with the package. */
export const DEFAULT_CATALOG_PATH = fileURLToPath(new URL('../../catalogs/default.yaml', import.meta.url));

export function validateCatalogFile(file: string): ValidationResult {
  const read = readSourceFile(file);
  return read.ok ? validateCatalogText(read.text, file) : read;
}

/** A catalog as a path or as an in-memory document (named for messages). */
export type CatalogInput = string | { readonly name?: string; readonly document: unknown };

export type LoadResult =
  | { readonly ok: true; readonly pricer: Pricer; readonly catalogs: readonly CompiledCatalog[] }
  | { readonly ok: false; readonly problems: CatalogProblem[] };

export interface LoadOptions {
  /** Layer the built-in default catalog first. @default true */
  readonly includeDefault?: boolean;
}

/** Loads every layer; any problem in any layer fails the whole load, listing all of them. */
export function loadCatalogs(inputs: readonly CatalogInput[], options: LoadOptions = {}): LoadResult {
  const layers: CatalogInput[] = options.includeDefault === false ? [...inputs] : [DEFAULT_CATALOG_PATH, ...inputs];
  const problems: CatalogProblem[] = [];
  const documents: { doc: CatalogDocument; file: string }[] = [];
  for (const input of layers) {
    const file = typeof input === 'string' ? input : (input.name ?? '<catalog object>');
    const result = typeof input === 'string' ? validateCatalogFile(input) : validateCatalogValue(input.document, file);
    if (result.ok) documents.push({ doc: result.document, file });
    else problems.push(...result.problems);
  }
  if (problems.length > 0) return { ok: false, problems };
  const catalogs = documents.map(({ doc, file }, layer) => compileCatalog(doc, file, layer));
  const aliases = new Map<string, string>();
  for (const c of catalogs) for (const [alias, model] of c.aliases) aliases.set(alias, model);
  const index = new PlanIndex(catalogs.flatMap((c) => c.plans), aliases);
  return { ok: true, pricer: new Pricer(index), catalogs };
}
