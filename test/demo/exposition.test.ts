import { strict as assert } from 'node:assert';
import { parseExposition, sumBy } from '../../examples/demo/exposition.js';
import { metricsEndpoint } from '../support/metrics-endpoint.js';

describe('reading the Prometheus exposition for the demo summary', function () {
  it('reads what the real exporter writes, escaped label values included', async function () {
    const endpoint = await metricsEndpoint();
    try {
      const counter = endpoint.meterProvider.getMeter('t').createCounter('ai.cost');
      const model = 'gpt "quoted"\nline\\two';
      counter.add(0.25, { gen_ai_request_model: model, gen_ai_provider_name: 'openai' });
      counter.add(0.5, { gen_ai_request_model: 'plain', gen_ai_provider_name: 'openai' });
      const samples = parseExposition(await endpoint.scrape());
      const cost = samples.filter((s) => s.name === 'ai_cost_total');
      assert.deepEqual(
        cost.map((s) => [s.labels.gen_ai_request_model, s.value]).sort(),
        [
          [model, 0.25],
          ['plain', 0.5],
        ].sort(),
      );
      assert.deepEqual([...sumBy(samples, 'ai_cost_total', ['gen_ai_provider_name'])], [['openai', 0.75]]);
    } finally {
      await endpoint.close();
    }
  });

  it('skips comments and malformed lines, keeps special values', function () {
    const samples = parseExposition(
      ['# HELP x y', 'a{b="1"} 2', 'broken{b="1 3', 'c 4 1700000000000', 'd{e="f"} +Inf', 'g{h=1} 5', ''].join('\n'),
    );
    assert.deepEqual(
      samples.map((s) => [s.name, s.labels, s.value]),
      [
        ['a', { b: '1' }, 2],
        ['c', {}, 4],
        ['d', { e: 'f' }, Infinity],
      ],
    );
  });
});
