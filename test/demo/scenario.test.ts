import { strict as assert } from 'node:assert';
import { CYCLE_MINUTES, PHASES, mixAt, speedToFit } from '../../examples/demo-service/scenario.js';

describe('demo scenario', function () {
  const start = (name: string) => {
    let t = 0;
    for (const p of PHASES) {
      if (p.name === name) return t;
      t += p.minutes;
    }
    throw new Error(name);
  };

  it('runs the four phases in order and repeats', function () {
    const seen = [...Array(CYCLE_MINUTES * 2).keys()].map((m) => mixAt(m + 0.5).phase);
    assert.deepEqual([...new Set(seen)], ['steady', 'tier-drift', 'spend-spike', 'unknown-model']);
    assert.equal(mixAt(CYCLE_MINUTES + 0.5).phase, 'steady');
  });

  it('moves traffic into the pricier tiers during drift and keeps it there for the rest of the cycle', function () {
    const steady = mixAt(1);
    const early = mixAt(start('tier-drift') + 0.5);
    const drifted = mixAt(start('spend-spike') - 0.1);
    assert.ok(steady.advancedSearch < early.advancedSearch && early.advancedSearch < drifted.advancedSearch);
    assert.ok(drifted.advancedSearch - steady.advancedSearch > 0.5, 'a drift the tier-drift alert (threshold 0.2) can see');
    assert.equal(steady.longContext, 0);
    assert.ok(drifted.longContext > 0 && drifted.highQuality > steady.highQuality);
    assert.deepEqual({ ...mixAt(start('unknown-model') + 1), phase: '', unknownModel: 0 }, { ...drifted, phase: '', unknownModel: 0 });
  });

  it('adds the runaway agent only in the spike and the unknown model only in its phase', function () {
    for (let m = 0; m < CYCLE_MINUTES; m += 0.25) {
      const mix = mixAt(m);
      assert.equal(mix.agentLoopPerSecond > 0, mix.phase === 'spend-spike', `minute ${m}`);
      assert.equal(mix.unknownModel > 0, mix.phase === 'unknown-model', `minute ${m}`);
    }
  });

  it('fits one cycle into a duration', function () {
    assert.equal(speedToFit(60), CYCLE_MINUTES);
    assert.equal(speedToFit(CYCLE_MINUTES * 60), 1);
  });
});
