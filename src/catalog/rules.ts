/**
 * Rules that one field's schema cannot express. They read the raw document
 * defensively, so they still report while the schema reports other problems.
 */
import { isCategoricalDimension, USAGE_UNITS } from '../pricing/vocabulary.js';
import { deprecationNotice } from '../providers/provider-ids.js';
import type { CatalogProblem, PathSegment } from './problems.js';

export interface RuleProblem {
  readonly path: readonly PathSegment[];
  readonly message: string;
  readonly onKey?: boolean;
  readonly severity?: CatalogProblem['severity'];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function checkWhen(when: unknown, at: PathSegment[], out: RuleProblem[]): void {
  if (!isObj(when)) return;
  for (const [name, cond] of Object.entries(when)) {
    if (!isObj(cond)) continue;
    if (isCategoricalDimension(name)) {
      out.push({ path: [...at, name], message: `upto/above need a numeric usage quantity; "${name}" is a categorical dimension` });
    }
    const { upto, above } = cond;
    if (typeof upto === 'number' && typeof above === 'number' && upto <= above) {
      out.push({ path: [...at, name], message: `empty range: upto ${upto} is not above ${above}` });
    }
  }
}

/** Edit distance, for telling a misspelt unit from a custom one. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++)
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
}

const KNOWN_UNITS: ReadonlySet<string> = new Set(USAGE_UNITS);

/**
 * A unit no adapter reports is charged on a quantity of 0, so `input_token` would price every
 * input token at nothing. Units of custom routes are free names; a near miss of a built-in unit
 * is taken for the typo it almost always is.
 */
function misspeltUnit(unit: string): string | undefined {
  if (KNOWN_UNITS.has(unit) || unit.length < 4) return undefined;
  return USAGE_UNITS.find((known) => editDistance(unit, known) <= 2);
}

function checkCharges(charges: unknown, at: PathSegment[], out: RuleProblem[]): void {
  const seen = new Set<string>();
  list(charges).forEach((c, i) => {
    if (!isObj(c) || typeof c.unit !== 'string') return;
    if (seen.has(c.unit)) out.push({ path: [...at, i, 'unit'], message: `unit "${c.unit}" is charged twice in one tier` });
    seen.add(c.unit);
    const near = misspeltUnit(c.unit);
    if (near !== undefined) out.push({ path: [...at, i, 'unit'], message: `unknown usage unit "${c.unit}" (did you mean "${near}"?)` });
  });
}

function checkTiers(tiers: unknown, at: PathSegment[], out: RuleProblem[]): void {
  let defaultTier: string | undefined;
  const names = new Set<string>();
  list(tiers).forEach((t, j) => {
    if (!isObj(t)) return;
    const here = [...at, j];
    const name = typeof t.name === 'string' ? t.name : `#${j}`;
    if (defaultTier !== undefined) {
      out.push({
        path: here,
        message: `tier "${name}" can never match: it follows the default tier "${defaultTier}" (a tier without when)`,
      });
    }
    if (names.has(name)) out.push({ path: [...here, 'name'], message: `duplicate tier name "${name}"` });
    names.add(name);
    const when = t.when;
    if (when === undefined || (isObj(when) && Object.keys(when).length === 0)) defaultTier ??= name;
    checkWhen(when, [...here, 'when'], out);
    checkCharges(t.charges, [...here, 'charges'], out);
  });
}

export function checkCatalogRules(doc: unknown): RuleProblem[] {
  const out: RuleProblem[] = [];
  if (!isObj(doc)) {
    out.push({ path: [], message: 'a catalog must be a mapping with catalog, currency and plans' });
    return out;
  }
  const firstAt = new Map<string, number>();
  list(doc.plans).forEach((p, i) => {
    if (!isObj(p)) return;
    const here: PathSegment[] = ['plans', i];
    if (typeof p.id === 'string') {
      const key = `${p.id}\u0000${typeof p.effective_from === 'string' ? p.effective_from : ''}`;
      const first = firstAt.get(key);
      if (first !== undefined) {
        const when = typeof p.effective_from === 'string' ? `effective_from ${p.effective_from}` : 'no effective_from';
        out.push({ path: [...here, 'id'], message: `duplicate plan id "${p.id}" with ${when} (first at plans[${first}])` });
      } else {
        firstAt.set(key, i);
      }
    }
    // A deprecated provider id still prices its calls (compile maps it): worth a warning, not a refusal.
    const notice = typeof p.provider === 'string' ? deprecationNotice(p.provider) : undefined;
    if (notice !== undefined) out.push({ path: [...here, 'provider'], message: notice, severity: 'warning' });
    const hasCharges = p.charges !== undefined;
    const hasTiers = p.tiers !== undefined;
    if (hasCharges === hasTiers) {
      out.push({ path: here, message: hasCharges ? 'a plan has either charges or tiers, not both' : 'a plan needs charges or tiers' });
    }
    checkCharges(p.charges, [...here, 'charges'], out);
    checkTiers(p.tiers, [...here, 'tiers'], out);
  });
  return out;
}
