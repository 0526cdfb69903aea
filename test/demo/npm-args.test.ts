import { strict as assert } from 'node:assert';
import { npmConfigArgs } from '../../examples/demo/npm-args.js';

describe('demo flags given to npm without --', function () {
  it('takes `npm run demo --duration 60` (npm_config_duration=true and a bare 60) as --duration 60', function () {
    assert.deepEqual(npmConfigArgs(['60'], { npm_config_duration: 'true' }), ['--duration', '60']);
  });

  it('takes --duration=60 --speed=30 --no-prometheus from npm config values', function () {
    assert.deepEqual(npmConfigArgs([], { npm_config_duration: '60', npm_config_speed: '30', npm_config_prometheus: '' }), [
      '--duration',
      '60',
      '--speed',
      '30',
      '--no-prometheus',
    ]);
  });

  it('leaves flags given after -- alone, values included', function () {
    assert.deepEqual(npmConfigArgs(['--speed', '30', '--duration', '45'], { npm_config_duration: 'true' }), [
      '--speed',
      '30',
      '--duration',
      '45',
    ]);
  });

  it('pairs bare values with npm flags in order, and passes leftovers on for the parser to reject', function () {
    assert.deepEqual(npmConfigArgs(['60', '7', 'extra'], { npm_config_duration: 'true', npm_config_seed: 'true' }), [
      '--duration',
      '60',
      '--seed',
      '7',
      'extra',
    ]);
  });
});
