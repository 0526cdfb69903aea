/** Parses and validates catalog text (and other YAML/JSON documents), returning every problem at once with its location. */
import { safeParse, type BaseIssue, type GenericSchema } from 'valibot';
import { catalogSchema, type CatalogDocument } from './schema.js';
import { checkCatalogRules, type RuleProblem } from './rules.js';
import type { CatalogProblem, PathSegment } from './problems.js';
import { parseSource, type ParsedSource } from './source.js';

/** Warnings (deprecated names) never fail a document: they come with it, or with its errors. */
export type ValidationResult =
  | { readonly ok: true; readonly document: CatalogDocument; readonly source?: ParsedSource; readonly warnings: CatalogProblem[] }
  | { readonly ok: false; readonly problems: CatalogProblem[]; readonly warnings?: CatalogProblem[] };

function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
  let v = root;
  for (const seg of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string, unknown>)[seg as string];
  }
  return v;
}

/** A strict object's issue for a key it does not know (the path ends at that key). */
function isUnknownKey(issue: BaseIssue<unknown>): boolean {
  return issue.type === 'strict_object' && issue.expected === 'never';
}

function schemaProblems(value: unknown, issues: readonly BaseIssue<unknown>[]): RuleProblem[] {
  const out: RuleProblem[] = [];
  for (const issue of issues) {
    const path = (issue.path ?? []).map((item) => item.key).filter((s): s is PathSegment => typeof s === 'string' || typeof s === 'number');
    if (isUnknownKey(issue)) {
      out.push({ path, message: 'unknown key', onKey: true });
    } else if (path.length > 0 && valueAt(value, path) === undefined && valueAt(value, path.slice(0, -1)) !== undefined) {
      out.push({ path, message: 'is required' });
    } else {
      out.push({ path, message: issue.message });
    }
  }
  return out;
}

export type DocumentResult<T> =
  | { readonly ok: true; readonly document: T; readonly warnings: CatalogProblem[] }
  | { readonly ok: false; readonly problems: CatalogProblem[]; readonly warnings: CatalogProblem[] };

/** Located, without repeats, in file order. */
function located(pending: readonly RuleProblem[], file: string, source: ParsedSource | undefined): CatalogProblem[] {
  const seen = new Set<string>();
  const problems: CatalogProblem[] = [];
  for (const p of pending) {
    const pos = source?.locate(p.path, p.onKey ?? false);
    const key = `${pos?.line}:${pos?.col}:${p.path.join('.')}:${p.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const problem: CatalogProblem = { file, line: pos?.line, col: pos?.col, path: p.path, message: p.message };
    problems.push(p.severity === undefined ? problem : { ...problem, severity: p.severity });
  }
  return problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0));
}

/**
 * A parsed document against its schema and cross-field rules (run on the raw value, so they
 * report alongside schema problems): all problems, located, in file order. Warnings are apart:
 * a document with warnings only is valid.
 */
export function validateDocument<T>(
  value: unknown,
  schema: GenericSchema<unknown, T>,
  rules: (value: unknown) => RuleProblem[],
  file: string,
  source?: ParsedSource,
): DocumentResult<T> {
  const parsed = safeParse(schema, value);
  const found = [...(parsed.success ? [] : schemaProblems(value, parsed.issues)), ...rules(value)];
  const errors = found.filter((p) => p.severity === undefined);
  const warnings = located(
    found.filter((p) => p.severity !== undefined),
    file,
    source,
  );
  if (errors.length === 0 && parsed.success) return { ok: true, document: parsed.output, warnings };
  return { ok: false, problems: located(errors, file, source), warnings };
}

/** Validates an already-parsed catalog; `source` (when given) supplies positions. */
export function validateCatalogValue(value: unknown, file: string, source?: ParsedSource): ValidationResult {
  const result = validateDocument(value, catalogSchema, checkCatalogRules, file, source);
  return result.ok ? { ok: true, document: result.document, source, warnings: result.warnings } : result;
}

export function validateCatalogText(text: string, file: string): ValidationResult {
  const parsed = parseSource(text, file);
  if (!parsed.ok) return parsed;
  return validateCatalogValue(parsed.source.value, file, parsed.source);
}
