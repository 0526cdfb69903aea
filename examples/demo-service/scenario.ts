/**
 * The demo's script: what the service's traffic looks like at each moment, as a pure function of
 * scenario time so it can be tested and compressed (`--speed`). Four phases a FinOps engineer will
 * recognise, then the cycle repeats:
 *
 *   steady         the mix the budgets were sized for
 *   tier-drift     searches move to advanced depth, document prompts cross the long-context
 *                  threshold, generated images move to high quality: more spend per call
 *   spend-spike    an agent loop gone wrong calls the most expensive model with a growing context
 *   unknown-model  a new feature ships calling a model the catalog does not know (unpriced)
 *
 * Rates are real calls per second (they do not scale with speed): alerting sees spend per second.
 */

export type PhaseName = 'steady' | 'tier-drift' | 'spend-spike' | 'unknown-model';

/** What the traffic generator needs to know right now. */
export interface Mix {
  readonly phase: PhaseName;
  /** Share of web searches at advanced depth (the pricier tier). */
  readonly advancedSearch: number;
  /** Share of document analyses whose prompt exceeds the long-context threshold. */
  readonly longContext: number;
  /** Share of generated images at high quality. */
  readonly highQuality: number;
  /** Extra calls per second of the runaway agent loop. */
  readonly agentLoopPerSecond: number;
  /** Share of chat calls that go to the model the catalog does not know. */
  readonly unknownModel: number;
}

interface Phase {
  readonly name: PhaseName;
  /** Length in scenario minutes. */
  readonly minutes: number;
}

export const PHASES: readonly Phase[] = [
  { name: 'steady', minutes: 6 },
  { name: 'tier-drift', minutes: 10 },
  { name: 'spend-spike', minutes: 12 },
  { name: 'unknown-model', minutes: 12 },
];

export const CYCLE_MINUTES = PHASES.reduce((sum, p) => sum + p.minutes, 0);

/** The steady mix, and where drift ends up. */
const BASELINE = { advancedSearch: 0.1, longContext: 0, highQuality: 0.1 } as const;
const DRIFTED = { advancedSearch: 0.85, longContext: 0.5, highQuality: 0.7 } as const;
/** Drift ramps in over this share of its phase, then holds. */
const RAMP = 0.4;
const AGENT_LOOP_PER_SECOND = 12;
const UNKNOWN_MODEL_SHARE = 0.4;

const lerp = (a: number, b: number, t: number) => a + (b - a) * Math.min(1, Math.max(0, t));

/** The mix at `minutes` of scenario time (cycles every CYCLE_MINUTES). */
export function mixAt(minutes: number): Mix {
  let t = ((minutes % CYCLE_MINUTES) + CYCLE_MINUTES) % CYCLE_MINUTES;
  let index = 0;
  while (t >= PHASES[index]!.minutes) {
    t -= PHASES[index]!.minutes;
    index++;
  }
  const phase = PHASES[index]!;
  // Drift holds through the later phases of a cycle: the spike and the new model come on top of it.
  const drift = phase.name === 'steady' ? 0 : phase.name === 'tier-drift' ? t / (phase.minutes * RAMP) : 1;
  return {
    phase: phase.name,
    advancedSearch: lerp(BASELINE.advancedSearch, DRIFTED.advancedSearch, drift),
    longContext: lerp(BASELINE.longContext, DRIFTED.longContext, drift),
    highQuality: lerp(BASELINE.highQuality, DRIFTED.highQuality, drift),
    agentLoopPerSecond: phase.name === 'spend-spike' ? AGENT_LOOP_PER_SECOND : 0,
    unknownModel: phase.name === 'unknown-model' ? UNKNOWN_MODEL_SHARE : 0,
  };
}

/** Scenario minutes per real minute that fit one whole cycle into `seconds`. */
export function speedToFit(seconds: number): number {
  return CYCLE_MINUTES / (seconds / 60);
}
