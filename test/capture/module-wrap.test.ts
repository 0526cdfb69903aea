// keepOutermost: ours ends up on top of whoever wrapped after it, a call passes each wrapper
// once, release leaves other wrappers in place, and a rival that also insists on being outermost
// cannot make the chain grow without bound.
import { strict as assert } from 'node:assert';
import { isOurs, keepOutermost, MAX_REWRAPS, releaseWrapper } from '../../src/capture/module-wrap.js';

type Fn = (this: unknown, ...args: unknown[]) => unknown;

/** A module with one function, and a log of which wrappers a call went through. */
function fixture() {
  const calls: string[] = [];
  const module: { request: Fn } = {
    request: () => {
      calls.push('original');
      return 'result';
    },
  };
  const ours = (next: () => Fn, active: () => boolean): Fn =>
    function (this: unknown, ...args: unknown[]) {
      if (active()) calls.push('ours');
      return next().apply(this, args);
    };
  const foreign = (label: string) => {
    const inner = module.request;
    module.request = function (this: unknown, ...args: unknown[]) {
      calls.push(label);
      return inner.apply(this, args);
    };
  };
  return { calls, module, ours, foreign };
}

describe('keepOutermost', function () {
  it('wraps over another wrapper, so a call meets ours first, and passes the result through', function () {
    const { calls, module, ours, foreign } = fixture();
    keepOutermost(module, 'request', ours);
    foreign('http-instrumentation');
    assert.equal(keepOutermost(module, 'request', ours), true);
    assert.equal(module.request(), 'result');
    assert.deepEqual(calls.slice(0, 2), ['ours', 'http-instrumentation']);
    assert.equal(keepOutermost(module, 'request', ours), false, 'already on top: nothing to do');
  });

  it('on release, restores the original where ours is outermost and keeps the others', function () {
    const { calls, module, ours, foreign } = fixture();
    foreign('other');
    const before = module.request;
    keepOutermost(module, 'request', ours);
    assert.ok(isOurs(module.request));
    releaseWrapper(module, 'request');
    assert.equal(module.request, before);
    module.request();
    assert.deepEqual(calls, ['other', 'original']);
  });

  it('stops re-wrapping after MAX_REWRAPS when a rival keeps wrapping over it', function () {
    const { calls, module, ours, foreign } = fixture();
    for (let i = 0; i < 100; i++) {
      keepOutermost(module, 'request', ours);
      foreign('rival');
    }
    module.request();
    assert.equal(calls.filter((c) => c === 'rival').length, 100);
    assert.ok(calls.filter((c) => c === 'ours').length <= MAX_REWRAPS, `${calls.length} wrappers passed`);
    assert.equal(calls.at(-1), 'original');
  });
});
