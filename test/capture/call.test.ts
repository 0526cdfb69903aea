import { strict as assert } from 'node:assert';
import { ROOT_CONTEXT } from '@opentelemetry/api';
import { Call, type CallDeps } from '../../src/capture/call.js';
import { NO_ATTRIBUTION } from '../../src/record/attribution.js';
import type { CallRecord } from '../../src/record/call-record.js';
import { PricingContexts } from '../../src/record/price-facts.js';
import { loadCatalogs } from '../../src/catalog/load.js';
import { ProviderRegistry } from '../../src/providers/registry.js';
import type { ProviderAdapter } from '../../src/providers/types.js';

/** An adapter whose reader fails at the given step, to prove faults stay inside ai-pricetag. */
function faultyAdapter(step: 'begin' | 'event' | 'finish'): ProviderAdapter {
  return {
    provider: 'openai',
    baseUrls: ['https://api.example.com/v1'],
    route: () => ({
      operation: 'chat',
      requestFields: [],
      begin() {
        if (step === 'begin') throw new Error('begin failed');
        return {
          requestModel: 'gpt-4o-mini',
          responseFields: [],
          onEvent() {
            if (step === 'event') throw new Error('event failed');
          },
          finish() {
            if (step === 'finish') throw new Error('finish failed');
            return { items: [{ operation: 'chat', model: 'gpt-4o-mini', usage: { input_tokens: 1000 } }] };
          },
        };
      },
    }),
  };
}

function harnessFor(adapter: ProviderAdapter) {
  const loaded = loadCatalogs([]);
  assert.ok(loaded.ok);
  const records: CallRecord[] = [];
  const errors: string[] = [];
  const deps: CallDeps = {
    observer: { begin: () => ({ context: ROOT_CONTEXT, identified: () => undefined, end: (r) => records.push(r) }) },
    onInternalError: (error, where) => errors.push(`${where}: ${(error as Error).message}`),
    onSettled: () => undefined,
  };
  const registry = new ProviderRegistry([adapter]);
  const recognition = registry.recognize('POST', 'api.example.com', '/v1/chat/completions', () => undefined)!;
  const origin = { parent: ROOT_CONTEXT, attribution: NO_ATTRIBUTION, workUnitIds: new Map() };
  const pricing = new PricingContexts(loaded.pricer, new Map(), 'USD');
  const call = new Call(recognition, deps, origin, pricing, 'api.example.com', 443, 'application/json');
  return { call, records, errors };
}

describe('a call whose adapter fails', function () {
  for (const step of ['begin', 'event', 'finish'] as const) {
    it(`is recorded once as unpriced (error) when the adapter throws in ${step}, and the fault is reported`, function () {
      const { call, records, errors } = harnessFor(faultyAdapter(step));
      // Every transport event after the fault is ignored without throwing.
      assert.doesNotThrow(() => {
        call.requestBody('{"model":"gpt-4o-mini"}');
        call.requestDone();
        call.response(200, 'text/event-stream', undefined);
        call.responseBody(Buffer.from('data: {"x":1}\n\n'));
        call.responseDone();
        call.fail(new Error('late'));
      });
      assert.equal(records.length, 1);
      assert.equal(records[0]?.unpricedReason, 'error');
      assert.equal(records[0]?.cost, undefined);
      assert.equal(errors.length, 1);
      assert.match(errors[0]!, new RegExp(`${step} failed`));
    });
  }

  it('is priced normally when nothing fails (the same harness, for contrast)', function () {
    const adapter = faultyAdapter('finish');
    const ok: ProviderAdapter = {
      ...adapter,
      route: (head) => {
        const route = adapter.route(head)!;
        return {
          ...route,
          begin: (req, h) => ({
            ...route.begin(req, h),
            finish: () => ({ items: [{ operation: 'chat', model: 'gpt-4o-mini', usage: { input_tokens: 1000 } }] }),
          }),
        };
      },
    };
    const { call, records, errors } = harnessFor(ok);
    call.requestDone();
    call.response(200, 'application/json', undefined);
    call.responseDone();
    assert.deepEqual(errors, []);
    assert.equal(records[0]?.cost?.amount.toFixed(), '0.00015');
  });
});

describe('a call’s idle check (Call.stalled, asked by the sweep)', function () {
  it('counts from the last sweep that saw bytes move, never from before them', function () {
    const { call } = harnessFor(faultyAdapter('finish'));
    const start = performance.now();
    // Nothing moved since the call started: idle from its start.
    assert.equal(call.stalled(start + 50, 100), false);
    assert.equal(call.stalled(start + 150, 100), true);
    // Bytes move: the next sweep restarts the idle time at its own time.
    call.requestBody('{"model":"gpt-4o-mini"}');
    assert.equal(call.stalled(start + 200, 100), false);
    assert.equal(call.stalled(start + 290, 100), false);
    assert.equal(call.stalled(start + 301, 100), true);
    call.requestDone();
    call.response(200, 'application/json', undefined);
    call.responseBody(Buffer.from('{"id":"x"'));
    assert.equal(call.stalled(start + 400, 100), false);
    assert.equal(call.stalled(start + 501, 100), true);
  });
});
