/**
 * Pricing hot path: catalog lookup + exact price for a 3-charge token plan, a
 * tiered per-request plan and a blended plan, in a 10-plan and a 2,000-plan
 * catalog. Baseline, same run: the same formula in plain float arithmetic with
 * the plan already in hand (what an inexact, lookup-free pricer would cost).
 */
import { loadCatalogs } from '../src/catalog/load.js';
import type { CatalogDocument } from '../src/catalog/schema.js';
import type { Pricer, PriceRequest } from '../src/pricing/pricer.js';
import { measure, type MeasureOptions } from './harness.js';
import type { Row } from './row.js';

const PLANS: CatalogDocument['plans'] = [
  {
    id: 'openai/gpt-4o-mini',
    provider: 'openai',
    operations: ['chat'],
    models: ['gpt-4o-mini', 'gpt-4o-mini-20*'],
    charges: [
      { unit: 'input_tokens', rate: '0.15', per: 1_000_000 },
      { unit: 'cached_input_tokens', rate: '0.075', per: 1_000_000 },
      { unit: 'output_tokens', rate: '0.6', per: 1_000_000 },
    ],
  },
  {
    id: 'tavily/search',
    provider: 'tavily',
    operations: ['search'],
    tiers: [
      { name: 'basic', when: { search_depth: 'basic' }, charges: [{ unit: 'requests', rate: '0.008' }] },
      { name: 'advanced', when: { search_depth: 'advanced' }, charges: [{ unit: 'requests', rate: '0.016' }] },
    ],
  },
  {
    id: 'perplexity/sonar',
    provider: 'perplexity',
    operations: ['chat'],
    models: ['sonar'],
    tiers: ['low', 'medium', 'high'].map((size, i) => ({
      name: size,
      when: { search_context_size: size },
      charges: [
        { unit: 'requests', rate: String(5 + 3 * i), per: 1000 },
        { unit: 'input_tokens', rate: '1', per: 1_000_000 },
        { unit: 'output_tokens', rate: '1', per: 1_000_000 },
      ],
    })),
  },
];

/** `count` plans: the three above plus filler providers with exact and glob models. */
function catalog(count: number): CatalogDocument {
  const filler = Array.from({ length: count - PLANS.length }, (_, i) => ({
    id: `filler/${i}`,
    provider: i % 3 === 0 ? 'openai' : `provider-${i % 40}`,
    operations: ['chat'],
    models: i % 2 === 0 ? [`model-${i}`] : [`family-${i}-*`],
    charges: [
      { unit: 'input_tokens', rate: '0.5', per: 1_000_000 },
      { unit: 'output_tokens', rate: '1.5', per: 1_000_000 },
    ],
  }));
  return { catalog: `bench-${count}`, currency: 'USD', plans: [...filler.slice(0, filler.length >> 1), ...PLANS, ...filler.slice(filler.length >> 1)] };
}

function pricerOf(count: number): Pricer {
  const result = loadCatalogs([{ name: `bench-${count}`, document: catalog(count) }], { includeDefault: false });
  if (!result.ok) throw new Error('bench catalog invalid');
  return result.pricer;
}

const calls: Record<string, (i: number) => PriceRequest> = {
  'token plan (3 charges)': (i) => ({
    provider: 'openai',
    operation: 'chat',
    model: 'gpt-4o-mini-2024-07-18',
    usage: { input_tokens: 1200 + (i & 255), cached_input_tokens: 256, output_tokens: 300 + (i & 63) },
  }),
  'tiered per-request plan': (i) => ({ provider: 'tavily', operation: 'search', usage: {}, dimensions: { search_depth: i & 1 ? 'advanced' : 'basic' } }),
  'blended plan (tier + 3 charges)': (i) => ({
    provider: 'perplexity',
    operation: 'chat',
    model: 'sonar',
    usage: { input_tokens: 800 + (i & 127), output_tokens: 200 },
    dimensions: { search_context_size: ['low', 'medium', 'high'][i % 3]! },
  }),
};


export function pricingBenchmarks(options: MeasureOptions): Row[] {
  // Float baseline: rate × quantity / per for the token call, plan already known.
  const baseline = measure(
    'float arithmetic, no lookup',
    (i) => (0.15 * (1200 + (i & 255))) / 1e6 + (0.075 * 256) / 1e6 + (0.6 * (300 + (i & 63))) / 1e6,
    options,
  );
  const rows: Row[] = [];
  for (const size of [10, 2000]) {
    const pricer = pricerOf(size);
    for (const [label, call] of Object.entries(calls)) {
      // Requests are built outside the timed loop, as the instrumentation has them in hand.
      const requests = Array.from({ length: 1024 }, (_, i) => call(i));
      const ours = measure(`price: ${label}, ${size} plans`, (i) => {
        const r = pricer.price(requests[i & 1023]!);
        if (!r.priced) throw new Error(`unpriced ${label}: ${r.reason}`);
        return r.cost;
      }, options);
      rows.push({ name: ours.name, baseline, ours });
    }
  }
  return rows;
}
