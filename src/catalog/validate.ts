/** Parses and validates catalog text, returning every problem at once with its location. */
import type { core } from 'zod';
import { catalogSchema, type CatalogDocument } from './schema.js';
import { checkCatalogRules } from './rules.js';
import type { CatalogProblem, PathSegment } from './problems.js';
import { parseSource, type ParsedSource } from './source.js';

export type ValidationResult =
  | { readonly ok: true; readonly document: CatalogDocument; readonly source?: ParsedSource }
  | { readonly ok: false; readonly problems: CatalogProblem[] };

function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
  let v = root;
  for (const seg of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string, unknown>)[seg as string];
  }
  return v;
}

interface Pending {
  readonly path: readonly PathSegment[];
  readonly message: string;
  readonly onKey: boolean;
}

function schemaProblems(value: unknown, issues: readonly core.$ZodIssue[]): Pending[] {
  const out: Pending[] = [];
  for (const issue of issues) {
    const path = issue.path.filter((s): s is PathSegment => typeof s !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push({ path: [...path, key], message: 'unknown key', onKey: true });
    } else if (path.length > 0 && valueAt(value, path) === undefined && valueAt(value, path.slice(0, -1)) !== undefined) {
      out.push({ path, message: 'is required', onKey: false });
    } else {
      out.push({ path, message: issue.message, onKey: false });
    }
  }
  return out;
}

/** Validates an already-parsed value; `source` (when given) supplies positions. */
export function validateCatalogValue(value: unknown, file: string, source?: ParsedSource): ValidationResult {
  const parsed = catalogSchema.safeParse(value);
  const pending = parsed.success ? [] : schemaProblems(value, parsed.error.issues);
  for (const p of checkCatalogRules(value)) pending.push({ path: p.path, message: p.message, onKey: p.onKey ?? false });
  if (pending.length === 0 && parsed.success) return { ok: true, document: parsed.data, source };

  const seen = new Set<string>();
  const problems: CatalogProblem[] = [];
  for (const p of pending) {
    const pos = source?.locate(p.path, p.onKey);
    const key = `${pos?.line}:${pos?.col}:${p.path.join('.')}:${p.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push({ file, line: pos?.line, col: pos?.col, path: p.path, message: p.message });
  }
  problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0));
  return { ok: false, problems };
}

export function validateCatalogText(text: string, file: string): ValidationResult {
  const parsed = parseSource(text, file);
  if (!parsed.ok) return parsed;
  return validateCatalogValue(parsed.source.value, file, parsed.source);
}
