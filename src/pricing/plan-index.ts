/**
 * Precompiled lookup from (provider, operation, model, day) to the plan in force.
 *
 * Exact model names are a Map hit; glob matches are computed once per model
 * name and cached (bounded, since model names can come from responses).
 * Precedence among matching plans: an exact name or alias beats a glob, a
 * longer glob beats a shorter one, a glob beats a plan without models; ties go
 * to the later catalog layer, then to the later declaration.
 */
import { globToRegExp, isGlob, literalLength } from './glob.js';
import type { Plan } from './types.js';
import type { UnpricedReason } from './vocabulary.js';

/** Distinct model names remembered per (provider, operation) before the cache restarts. */
export const MODEL_CACHE_LIMIT = 1024;

interface Candidate {
  readonly plan: Plan;
  /** Higher wins; see the module comment. */
  readonly rank: readonly [number, number, number, number];
}

interface Group {
  readonly exact: Map<string, Candidate[]>;
  readonly globs: { readonly regex: RegExp; readonly candidate: Candidate }[];
  readonly anyModel: Candidate[];
  readonly cache: Map<string, readonly Candidate[]>;
}

export type Resolution = { readonly plan: Plan } | { readonly plan?: undefined; readonly reason: UnpricedReason };

const EXACT = 3;
const GLOB = 2;
const ANY = 1;

function compareRank(a: Candidate, b: Candidate): number {
  for (let i = 0; i < 4; i++) {
    const d = b.rank[i]! - a.rank[i]!;
    if (d !== 0) return d;
  }
  return 0;
}

// Plans without effective_from are in force since -Infinity, where plain subtraction gives NaN.
export function compareNumbers(a: number, b: number): number {
  return a === b ? 0 : a < b ? -1 : 1;
}

const DAY_MS = 86_400_000;

export function epochDay(date: Date): number {
  return Math.floor(date.getTime() / DAY_MS);
}

export function today(): number {
  return Math.floor(Date.now() / DAY_MS);
}

export class PlanIndex {
  /** provider → operation → group: nested maps spare building a key string per call. */
  private readonly groups = new Map<string, Map<string, Group>>();
  /** Versions of each plan id, newest effective date (then latest layer) first. */
  private readonly versions = new Map<string, Plan[]>();

  constructor(
    plans: readonly Plan[],
    private readonly aliases: ReadonlyMap<string, string> = new Map(),
  ) {
    for (const plan of plans) {
      const list = this.versions.get(plan.id) ?? [];
      list.push(plan);
      this.versions.set(plan.id, list);
      for (const operation of plan.operations) this.register(plan, operation);
    }
    for (const list of this.versions.values()) {
      list.sort(
        (a, b) => compareNumbers(b.effectiveFrom, a.effectiveFrom) || b.origin.layer - a.origin.layer || b.origin.index - a.origin.index,
      );
    }
    for (const byOperation of this.groups.values()) {
      for (const group of byOperation.values()) {
        for (const list of group.exact.values()) list.sort(compareRank);
        group.anyModel.sort(compareRank);
      }
    }
  }

  private register(plan: Plan, operation: string): void {
    let byOperation = this.groups.get(plan.provider);
    if (byOperation === undefined) {
      byOperation = new Map();
      this.groups.set(plan.provider, byOperation);
    }
    let group = byOperation.get(operation);
    if (group === undefined) {
      group = { exact: new Map(), globs: [], anyModel: [], cache: new Map() };
      byOperation.set(operation, group);
    }
    const { layer, index } = plan.origin;
    if (plan.models.length === 0) {
      group.anyModel.push({ plan, rank: [ANY, 0, layer, index] });
      return;
    }
    for (const model of plan.models) {
      if (isGlob(model)) {
        group.globs.push({ regex: globToRegExp(model), candidate: { plan, rank: [GLOB, literalLength(model), layer, index] } });
      } else {
        const list = group.exact.get(model) ?? [];
        list.push({ plan, rank: [EXACT, 0, layer, index] });
        group.exact.set(model, list);
      }
    }
  }

  /** All plan versions, as compiled. */
  plans(): Plan[] {
    return [...this.versions.values()].flat();
  }

  /** The version of a plan id in force on a day, if any. */
  planInForce(id: string, day: number): Plan | undefined {
    const list = this.versions.get(id);
    if (list === undefined) return undefined;
    for (const plan of list) if (plan.effectiveFrom <= day) return plan;
    return undefined;
  }

  resolve(provider: string, operation: string, model: string | undefined, day: number): Resolution {
    const group = this.groups.get(provider)?.get(operation);
    if (group === undefined) return { reason: 'no_plan' };
    const candidates = this.candidates(group, model);
    if (candidates.length === 0) return { reason: model === undefined ? 'no_plan' : 'unknown_model' };
    for (const { plan } of candidates) {
      if (plan.effectiveFrom <= day && this.planInForce(plan.id, day) === plan) return { plan };
    }
    return { reason: 'no_plan' };
  }

  private candidates(group: Group, requested: string | undefined): readonly Candidate[] {
    if (requested === undefined) return group.anyModel;
    const model = this.aliases.get(requested) ?? requested;
    const cached = group.cache.get(model);
    if (cached !== undefined) return cached;
    const found: Candidate[] = [...(group.exact.get(model) ?? [])];
    for (const { regex, candidate } of group.globs) if (regex.test(model)) found.push(candidate);
    found.push(...group.anyModel);
    found.sort(compareRank);
    if (group.cache.size >= MODEL_CACHE_LIMIT) group.cache.clear();
    group.cache.set(model, found);
    return found;
  }
}
