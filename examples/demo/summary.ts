/**
 * The demo's live summary: what the instrumented service spends, by provider, model and tier; the
 * tier mix now against its baseline; budget burn and alerts when Prometheus runs. Fed with scrapes
 * of the service's own /metrics (so it works without Prometheus), rendered as text.
 */
import { PROMETHEUS_SERIES as S } from '../../src/semconv.js';
import { sumBy, type Sample } from './exposition.js';

export interface BudgetStatus {
  readonly budget: string;
  readonly currency: string;
  readonly amount?: number;
  readonly spent?: number;
  /** Burn rate per alerting window (`1h`, `5m`, …, as written for a 30-day budget). */
  readonly burn: Readonly<Record<string, number>>;
}

export interface AlertLine {
  readonly name: string;
  readonly severity: string;
  readonly detail: string;
}

/** Everything the demo knows at one moment, beyond the scrape. */
export interface Context {
  readonly elapsedSeconds: number;
  readonly phase: string | undefined;
  readonly speed: number;
  readonly budgets?: readonly BudgetStatus[];
  readonly firing?: readonly AlertLine[];
  readonly received: readonly AlertLine[];
  readonly urls: readonly [string, string][];
  readonly notes: readonly string[];
}

type Shares = Record<string, number>;

export interface FinalSummary {
  readonly elapsedSeconds: number;
  readonly phasesSeen: readonly string[];
  /** Provider → currency → spend. */
  readonly spend: Record<string, Record<string, number>>;
  readonly calls: Record<string, number>;
  /** Plan → tier shares during the steady phase (baseline) and over the last window (recent). */
  readonly tierMix: Record<string, { baseline: Shares; recent: Shares }>;
  /** `provider model reason` → unpriced calls. */
  readonly unpriced: Record<string, number>;
  readonly alertsReceived: readonly string[];
}

interface Snapshot {
  readonly at: number;
  readonly cost: number;
  readonly tiers: Map<string, number>;
}

/** How far back "now" looks for the spend rate and the recent tier mix. */
const RECENT_MS = 15_000;

const money = (value: number, currency: string) => (currency === 'USD' ? `$${value.toFixed(4)}` : `${value.toFixed(4)} ${currency}`);
/** `advanced 78%, basic 22%`: tier shares, tiers in order. */
export const formatShares = (shares: Readonly<Record<string, number>>): string =>
  Object.entries(shares)
    .sort()
    .map(([tier, share]) => `${tier} ${Math.round(share * 100)}%`)
    .join(', ');
const pad = (text: string, width: number) => (text.length >= width ? text : text + ' '.repeat(width - text.length));

function shares(counts: Map<string, number>, plan: string): Shares {
  const out: Shares = {};
  let total = 0;
  for (const [key, n] of counts) {
    const [p, tier] = key.split(' ');
    if (p !== plan || n <= 0) continue;
    out[tier!] = n;
    total += n;
  }
  for (const tier of Object.keys(out)) out[tier] = out[tier]! / total;
  return out;
}

const delta = (now: Map<string, number>, then: Map<string, number>) => new Map([...now].map(([k, v]) => [k, v - (then.get(k) ?? 0)]));

export class DemoSummary {
  private samples: readonly Sample[] = [];
  private readonly history: Snapshot[] = [];
  private baseline: Map<string, number> | undefined;
  private readonly phases: string[] = [];

  /** Takes a scrape of the service's metrics. */
  update(samples: readonly Sample[], phase: string | undefined, at = Date.now()): void {
    this.samples = samples;
    if (phase !== undefined && this.phases.at(-1) !== phase) this.phases.push(phase);
    const tiers = this.tierCounts();
    // The baseline mix is the steady phase's: the last scrape taken in it, frozen once another phase begins.
    if (this.baseline === undefined && phase !== undefined && phase !== 'steady') this.baseline = this.history.at(-1)?.tiers ?? tiers;
    const cost = [...sumBy(samples, S.cost, ['ai_cost_currency'], (l) => l.ai_cost_currency === 'USD').values()].reduce((a, b) => a + b, 0);
    this.history.push({ at, cost, tiers });
    while (this.history.length > 2 && this.history[1]!.at <= at - RECENT_MS) this.history.shift();
  }

  private tierCounts(): Map<string, number> {
    return sumBy(this.samples, S.requests, ['ai_pricing_plan', 'ai_pricing_tier'], (l) => (l.ai_pricing_plan ?? '') !== '');
  }

  /** Calls by plan and tier at the latest scrape (counted once, in update). */
  private currentTiers(): Map<string, number> {
    return this.history.at(-1)?.tiers ?? new Map();
  }

  /** Plans whose calls fell into more than one tier: where drift can show. */
  private tieredPlans(): string[] {
    const tiers = new Map<string, Set<string>>();
    for (const key of this.currentTiers().keys()) {
      const [plan, tier] = key.split(' ');
      tiers.set(plan!, (tiers.get(plan!) ?? new Set()).add(tier!));
    }
    return [...tiers]
      .filter(([, t]) => t.size > 1)
      .map(([plan]) => plan)
      .sort();
  }

  private recentTiers(): Map<string, number> {
    const last = this.history.at(-1);
    const first = this.history[0];
    return last === undefined || first === undefined || first === last ? (last?.tiers ?? new Map()) : delta(last.tiers, first.tiers);
  }

  /** USD spent per second over the recent window. */
  private spendRate(): number | undefined {
    const last = this.history.at(-1);
    const first = this.history[0];
    if (last === undefined || first === undefined || last.at === first.at) return undefined;
    return (last.cost - first.cost) / ((last.at - first.at) / 1000);
  }

  render(ctx: Context): string {
    const lines: string[] = [];
    const mm = `${Math.floor(ctx.elapsedSeconds / 60)}:${String(Math.floor(ctx.elapsedSeconds % 60)).padStart(2, '0')}`;
    lines.push(`ai-pricetag demo  ${mm} elapsed  phase: ${ctx.phase ?? 'starting'}  (scenario ×${Math.round(ctx.speed)})`);
    const rate = this.spendRate();
    const spend = sumBy(this.samples, S.cost, ['gen_ai_provider_name', 'ai_cost_currency']);
    const calls = sumBy(this.samples, S.requests, ['gen_ai_provider_name']);
    const usd = [...spend].filter(([k]) => k.endsWith(' USD')).reduce((a, [, v]) => a + v, 0);
    lines.push(`Spend: ${money(usd, 'USD')} in all${rate === undefined ? '' : `, now ${money(rate, 'USD')}/s`}`);
    lines.push(`  ${pad('provider', 24)}${pad('spend', 20)}calls`);
    for (const [key, value] of [...spend].sort((a, b) => b[1] - a[1])) {
      const [provider, currency] = key.split(' ');
      lines.push(`  ${pad(provider!, 24)}${pad(money(value, currency!), 20)}${calls.get(provider!) ?? 0}`);
    }
    const byPlanTier = sumBy(this.samples, S.cost, ['ai_pricing_plan', 'ai_pricing_tier', 'ai_cost_currency']);
    const top = [...byPlanTier].sort((a, b) => b[1] - a[1]).slice(0, 5);
    if (top.length > 0) {
      lines.push('Top plan / tier by spend:');
      for (const [key, value] of top) {
        const [plan, tier, currency] = key.split(' ');
        lines.push(`  ${pad(`${plan} / ${tier}`, 48)}${money(value, currency!)}`);
      }
    }
    const plans = this.tieredPlans();
    if (plans.length > 0) {
      lines.push(`Tier mix: baseline (steady phase) → last ${RECENT_MS / 1000} s`);
      const recent = this.recentTiers();
      for (const plan of plans) {
        const fmt = (s: Shares) => formatShares(s) || '-';
        lines.push(
          `  ${pad(plan, 30)}` +
            `${fmt(this.baseline === undefined ? shares(this.currentTiers(), plan) : shares(this.baseline, plan))}` +
            `  →  ${fmt(shares(recent, plan))}`,
        );
      }
    }
    const unpriced = sumBy(this.samples, S.unpricedRequests, [
      'gen_ai_provider_name',
      'gen_ai_request_model',
      'ai_pricing_unpriced_reason',
    ]);
    if (unpriced.size > 0) lines.push(`Unpriced calls: ${[...unpriced].map(([k, v]) => `${k} ×${v}`).join('; ')}`);
    if (ctx.budgets !== undefined) {
      lines.push('Budgets (rules time-compressed ×120):');
      for (const b of ctx.budgets) {
        const burn = Object.entries(b.burn)
          .map(([w, v]) => `${w} ${v.toFixed(1)}×`)
          .join('  ');
        const spent =
          b.spent === undefined || b.amount === undefined ? '' : `  spent ${money(b.spent, b.currency)} of ${money(b.amount, b.currency)}`;
        lines.push(`  ${pad(b.budget, 16)}burn rate ${burn || 'n/a'}${spent}`);
      }
    }
    if (ctx.firing !== undefined) {
      const alert = (a: AlertLine) => `${a.name} (${a.severity}${a.detail === '' ? '' : `, ${a.detail}`})`;
      lines.push(`Alerts firing: ${ctx.firing.length === 0 ? 'none' : ctx.firing.map(alert).join('; ')}`);
    }
    if (ctx.received.length > 0) lines.push(`Received by the webhook: ${[...new Set(ctx.received.map((a) => a.name))].join(', ')}`);
    for (const note of ctx.notes) lines.push(note);
    lines.push(`Open: ${ctx.urls.map(([name, url]) => `${name} ${url}`).join('   ')}`);
    return lines.join('\n');
  }

  final(elapsedSeconds: number, received: readonly AlertLine[]): FinalSummary {
    const spend: FinalSummary['spend'] = {};
    for (const [key, value] of sumBy(this.samples, S.cost, ['gen_ai_provider_name', 'ai_cost_currency'])) {
      const [provider, currency] = key.split(' ');
      (spend[provider!] ??= {})[currency!] = value;
    }
    const recent = this.recentTiers();
    const tierMix: FinalSummary['tierMix'] = {};
    for (const plan of this.tieredPlans()) {
      tierMix[plan] = { baseline: shares(this.baseline ?? this.currentTiers(), plan), recent: shares(recent, plan) };
    }
    return {
      elapsedSeconds,
      phasesSeen: [...this.phases],
      spend,
      calls: Object.fromEntries(sumBy(this.samples, S.requests, ['gen_ai_provider_name'])),
      tierMix,
      unpriced: Object.fromEntries(
        sumBy(this.samples, S.unpricedRequests, ['gen_ai_provider_name', 'gen_ai_request_model', 'ai_pricing_unpriced_reason']),
      ),
      alertsReceived: [...new Set(received.map((a) => a.name))],
    };
  }
}
