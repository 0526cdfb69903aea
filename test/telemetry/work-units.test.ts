import { strict as assert } from 'node:assert';
import { decimal, formatDecimal, type Decimal } from '../../src/pricing/decimal.js';
import { WorkUnitTable, type FinishedUnit, type UnitCall } from '../../src/telemetry/work-units.js';

const call = (provider: string, usd: string, startMs: number, endMs: number, shadows: Record<string, string> = {}): UnitCall => ({
  provider,
  labels: { team: 'search' },
  cost: new Map([['USD', decimal(usd)]]),
  shadows: new Map(Object.entries(shadows).map(([plan, v]) => [plan, new Map([['USD', decimal(v)]])])),
  startMs,
  endMs,
});
const usd = (m: ReadonlyMap<string, Decimal>) => formatDecimal(m.get('USD')!);

describe('the table of conversations in progress', function () {
  let now = 0;
  let finished: FinishedUnit[];
  const table = (maxActive = 10, idleTimeoutMs = 1000) =>
    new WorkUnitTable({ maxActive, idleTimeoutMs, now: () => now }, (f) => finished.push(f));
  beforeEach(function () {
    now = 0;
    finished = [];
  });

  it('sums cost exactly, counts calls, spans first start to last end, and marks mixed providers', function () {
    const t = table();
    now = 100;
    t.add('conversation', 'a', call('openai', '0.1', 0, 100));
    now = 400;
    t.add('conversation', 'a', call('openai', '0.2', 250, 400));
    now = 900;
    t.add('conversation', 'a', call('anthropic', '0.0000001', 700, 900));
    t.flush();
    assert.equal(finished.length, 1);
    const [f] = finished;
    assert.equal(usd(f!.cost), '0.3000001', 'decimal, not 0.30000010000000004');
    assert.equal(f!.requests, 3);
    assert.equal(f!.durationSeconds, 0.9);
    assert.equal(f!.provider, 'mixed');
    assert.equal(f!.reason, 'flushed');
    assert.deepEqual(f!.labels, { team: 'search' });
  });

  it(
    'prices a shadow plan over the whole conversation: ' +
      'calls without that shadow count at their actual cost, also before the plan was first seen',
    function () {
      const t = table();
      t.add('conversation', 'a', call('tavily', '0.008', 0, 1));
      t.add('conversation', 'a', call('openai', '0.001', 1, 2, { 'what-if/flat': '0.0004' }));
      t.add('conversation', 'a', call('openai', '0.003', 2, 3, { 'what-if/flat': '0.0004' }));
      t.flush();
      assert.equal(usd(finished[0]!.cost), '0.012');
      assert.equal(usd(finished[0]!.shadows.get('what-if/flat')!), '0.0088');
    },
  );

  it('finishes idle conversations on sweep, oldest first, and keeps the active ones', function () {
    const t = table(10, 1000);
    now = 0;
    t.add('conversation', 'old', call('openai', '1', 0, 0));
    now = 800;
    t.add('conversation', 'recent', call('openai', '1', 800, 800));
    now = 1500;
    t.sweep();
    assert.deepEqual(
      finished.map((f) => [f.reason, f.requests]),
      [['idle', 1]],
    );
    assert.equal(t.size, 1);
    now = 1801;
    t.sweep();
    assert.equal(finished.length, 2);
    assert.equal(t.size, 0);
  });

  it('evicts the least recently used conversation when full, records it and counts it by unit', function () {
    const t = table(2);
    t.add('conversation', 'a', call('openai', '1', 0, 0));
    t.add('conversation', 'b', call('openai', '2', 0, 0));
    t.add('conversation', 'a', call('openai', '1', 0, 0)); // a is now the most recent
    t.add('workflow_run', 'r', call('openai', '5', 0, 0)); // evicts b
    assert.deepEqual(
      finished.map((f) => [f.unit, usd(f.cost), f.reason]),
      [['conversation', '2', 'evicted']],
    );
    assert.deepEqual(Object.fromEntries(t.activeByUnit()), { conversation: 1, workflow_run: 1 });
    assert.deepEqual(Object.fromEntries(t.evictions()), { conversation: 1 });
    assert.equal(t.size, 2);
  });

  it('keeps units of different names with the same id apart', function () {
    const t = table();
    t.add('conversation', 'x', call('openai', '1', 0, 0));
    t.add('ticket', 'x', call('openai', '2', 0, 0));
    t.flush();
    assert.deepEqual(finished.map((f) => [f.unit, usd(f.cost)]).sort(), [
      ['conversation', '1'],
      ['ticket', '2'],
    ]);
  });
});
