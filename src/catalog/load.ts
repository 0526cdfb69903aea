/** Reads catalogs from files or objects and layers them over the built-in default. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { PlanIndex } from '../pricing/plan-index.js';
import { Pricer } from '../pricing/pricer.js';
import { compileCatalog, type CompiledCatalog } from './compile.js';
import type { CatalogProblem } from './problems.js';
import type { CatalogDocument } from './schema.js';
import type { ValidationResult } from './validate.js';

/** The price list shipped with the package. */
export const DEFAULT_CATALOG_PATH = fileURLToPath(new URL('../../catalogs/default.yaml', import.meta.url));

/**
 * The built-in catalog as validated at build time (scripts/precompile-catalog.mjs), with the
 * SHA-256 of the YAML it came from: a service that adds no catalog of its own starts without
 * loading the YAML parser and the schema validator (about 0.1 s). Absent when running from
 * the sources; ignored when the YAML has changed since.
 */
export const PRECOMPILED_DEFAULT_CATALOG = new URL('./default-catalog.json', import.meta.url);

export interface PrecompiledCatalog {
  readonly sha256: string;
  readonly document: CatalogDocument;
}

type Validation = typeof import('./validate.js') & typeof import('./source.js');
const requireHere = createRequire(import.meta.url);
let validation: Validation | undefined;

/** The parser and validator, loaded on first use (synchronously: loading a catalog is). */
function validator(): Validation {
  return (validation ??= {
    ...(requireHere('./validate.js') as typeof import('./validate.js')),
    ...(requireHere('./source.js') as typeof import('./source.js')),
  });
}

export function validateCatalogFile(file: string): ValidationResult {
  const { readSourceFile } = validator();
  const read = readSourceFile(file);
  return read.ok ? validateCatalogText(read.text, file) : read;
}

/** Parses and validates catalog text (YAML or JSON), returning every problem with its location. */
export function validateCatalogText(text: string, file: string): ValidationResult {
  return validator().validateCatalogText(text, file);
}

/** Validates an already-parsed catalog document. */
export function validateCatalogValue(value: unknown, file: string): ValidationResult {
  return validator().validateCatalogValue(value, file);
}

/** Validates a catalog given as a path or as an in-memory document. */
export function validateCatalogInput(input: CatalogInput): ValidationResult {
  return typeof input === 'string' ? validateCatalogFile(input) : validateCatalogValue(input.document, input.name ?? '<catalog object>');
}

export function sha256Of(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

let defaultDocument: CatalogDocument | undefined;

/** The built-in catalog's document: precompiled when it matches the YAML, else validated now. */
function builtInCatalog(): ValidationResult {
  // The built-in catalog uses current names only: it has no warnings.
  if (defaultDocument !== undefined) return { ok: true, document: defaultDocument, warnings: [] };
  let precompiled: PrecompiledCatalog | undefined;
  try {
    precompiled = JSON.parse(readFileSync(PRECOMPILED_DEFAULT_CATALOG, 'utf8')) as PrecompiledCatalog;
  } catch {
    precompiled = undefined;
  }
  if (precompiled !== undefined && precompiled.sha256 === sha256Of(readFileSync(DEFAULT_CATALOG_PATH))) {
    defaultDocument = precompiled.document;
    return { ok: true, document: defaultDocument, warnings: [] };
  }
  const result = validateCatalogFile(DEFAULT_CATALOG_PATH);
  if (result.ok) defaultDocument = result.document;
  return result;
}

/** A catalog as a path or as an in-memory document (named for messages). */
export type CatalogInput = string | { readonly name?: string; readonly document: unknown };

/** `warnings` (deprecated names) of every layer, in layer order; they never fail a load. */
export type LoadResult =
  | { readonly ok: true; readonly pricer: Pricer; readonly catalogs: readonly CompiledCatalog[]; readonly warnings: CatalogProblem[] }
  | { readonly ok: false; readonly problems: CatalogProblem[]; readonly warnings: CatalogProblem[] };

export interface LoadOptions {
  /** Layer the built-in default catalog first. @default true */
  readonly includeDefault?: boolean;
}

/** Loads every layer; any problem in any layer fails the whole load, listing all of them. */
export function loadCatalogs(inputs: readonly CatalogInput[], options: LoadOptions = {}): LoadResult {
  const problems: CatalogProblem[] = [];
  const warnings: CatalogProblem[] = [];
  const documents: { doc: CatalogDocument; file: string }[] = [];
  const add = (result: ValidationResult, file: string) => {
    warnings.push(...(result.warnings ?? []));
    if (result.ok) documents.push({ doc: result.document, file });
    else problems.push(...result.problems);
  };
  if (options.includeDefault !== false) add(builtInCatalog(), DEFAULT_CATALOG_PATH);
  for (const input of inputs) add(validateCatalogInput(input), typeof input === 'string' ? input : (input.name ?? '<catalog object>'));
  if (problems.length > 0) return { ok: false, problems, warnings };
  const catalogs = documents.map(({ doc, file }, layer) => compileCatalog(doc, file, layer));
  const aliases = new Map<string, string>();
  for (const c of catalogs) for (const [alias, model] of c.aliases) aliases.set(alias, model);
  const index = new PlanIndex(
    catalogs.flatMap((c) => c.plans),
    aliases,
  );
  return { ok: true, pricer: new Pricer(index), catalogs, warnings };
}
