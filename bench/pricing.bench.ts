/**
 * Pricing hot path: catalog lookup + exact price for a 3-charge token plan, a
 * tiered per-request plan and a blended plan, in a 10-plan catalog, a
 * 2,000-plan synthetic catalog (half of it glob models, a third under the
 * same provider as the call) and a 2,000-plan catalog made by the real LiteLLM
 * importer (the LiteLLM excerpt in test/fixtures/litellm, its entries repeated under new
 * names until the import holds 2,000 plans: every shape LiteLLM has, at the size
 * of the full list). Baseline, same run: the same formula in plain float
 * arithmetic with the plan already in hand (what an inexact, lookup-free
 * pricer would cost).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importLiteLLM } from '../src/catalog/import/litellm/index.js';
import { loadCatalogs, type CatalogInput } from '../src/catalog/load.js';
import type { CatalogDocument } from '../src/catalog/schema.js';
import type { Pricer, PriceRequest } from '../src/pricing/pricer.js';
import { measure, type MeasureOptions } from './harness.js';
import type { Row } from './row.js';
import { REPO_ROOT } from './support/paths.js';

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
  return {
    catalog: `bench-${count}`,
    currency: 'USD',
    plans: [...filler.slice(0, filler.length >> 1), ...PLANS, ...filler.slice(filler.length >> 1)],
  };
}

function pricerOf(inputs: CatalogInput[]): Pricer {
  const result = loadCatalogs(inputs, { includeDefault: false });
  if (!result.ok) throw new Error(`bench catalog invalid: ${JSON.stringify(result.problems.slice(0, 3))}`);
  return result.pricer;
}

/** The LiteLLM excerpt the importer's tests use (test/fixtures/litellm, with its source and licence). */
function liteLLMSample(): Record<string, unknown> {
  return JSON.parse(readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'litellm', 'litellm-prices-sample.json'), 'utf8')) as Record<
    string,
    unknown
  >;
}

/** A LiteLLM import of `plans` plans: the excerpt's entries repeated under suffixed names, converted by the real importer. */
function liteLLMCatalog(sample: Record<string, unknown>, plans: number): CatalogDocument {
  const json: Record<string, unknown> = {};
  let document: CatalogDocument | undefined;
  for (let copy = 0; ; copy++) {
    for (const [key, entry] of Object.entries(sample)) json[copy === 0 ? key : `${key}-copy${copy}`] = entry;
    document = importLiteLLM(json, { asOf: '2026-11-27' }).document;
    if (document.plans.length >= plans) break;
  }
  return { ...document, plans: document.plans.slice(0, plans) };
}

interface Catalog {
  readonly label: string;
  readonly inputs: CatalogInput[];
}

function catalogs(): Catalog[] {
  // The three benchmarked plans layered over 1,997 imported ones.
  const imported = liteLLMCatalog(liteLLMSample(), 2000 - PLANS.length);
  return [
    { label: '10 plans', inputs: [{ name: 'bench-10', document: catalog(10) }] },
    { label: '2,000 plans (synthetic)', inputs: [{ name: 'bench-2000', document: catalog(2000) }] },
    {
      label: '2,000 plans (LiteLLM import)',
      inputs: [
        { name: 'litellm', document: imported },
        { name: 'bench-3', document: { catalog: 'bench-3', currency: 'USD', plans: PLANS } },
      ],
    },
  ];
}

const calls: Record<string, (i: number) => PriceRequest> = {
  'token plan (3 charges)': (i) => ({
    provider: 'openai',
    operation: 'chat',
    model: 'gpt-4o-mini-2024-07-18',
    usage: { input_tokens: 1200 + (i & 255), cached_input_tokens: 256, output_tokens: 300 + (i & 63) },
  }),
  'tiered per-request plan': (i) => ({
    provider: 'tavily',
    operation: 'search',
    usage: {},
    dimensions: { search_depth: i & 1 ? 'advanced' : 'basic' },
  }),
  'blended plan (tier + 3 charges)': (i) => ({
    provider: 'perplexity',
    operation: 'chat',
    model: 'sonar',
    usage: { input_tokens: 800 + (i & 127), output_tokens: 200 },
    dimensions: { search_context_size: ['low', 'medium', 'high'][i % 3]! },
  }),
};

export function pricingBenchmarks(options: MeasureOptions, quick: boolean): Row[] {
  // Float baseline: rate × quantity / per for the token call, plan already known.
  const baseline = measure(
    'float arithmetic, no lookup',
    (i) => (0.15 * (1200 + (i & 255))) / 1e6 + (0.075 * 256) / 1e6 + (0.6 * (300 + (i & 63))) / 1e6,
    options,
  );
  const rows: Row[] = [];
  const all = catalogs();
  const small = new Map<string, number>();
  for (const { label: size, inputs } of quick ? all.slice(0, 1).concat(all.slice(-1)) : all) {
    const pricer = pricerOf(inputs);
    const planCount = pricer.index.plans().length;
    if (!size.startsWith(planCount.toLocaleString('en'))) throw new Error(`catalog "${size}" has ${planCount} plans`);
    for (const [label, call] of Object.entries(calls)) {
      // Requests are built outside the timed loop, as the instrumentation has them in hand.
      const requests = Array.from({ length: 1024 }, (_, i) => call(i));
      const ours = measure(
        `price: ${label}, ${size}`,
        (i) => {
          const r = pricer.price(requests[i & 1023]!);
          if (!r.priced) throw new Error(`unpriced ${label}: ${r.reason}`);
          return r.cost;
        },
        options,
      );
      const tenPlans = small.get(label);
      if (tenPlans === undefined) {
        small.set(label, ours.median);
        rows.push({ name: ours.name, baseline, ours, goal: { text: '< 1 µs', met: ours.median < 1000 } });
      } else {
        const growth = ours.median / tenPlans;
        rows.push({
          name: ours.name,
          baseline,
          ours,
          note: `${growth.toFixed(2)}× the 10-plan figure`,
          goal: { text: '< 1 µs, flat (≤ 1.5× 10 plans)', met: ours.median < 1000 && growth <= 1.5 },
        });
      }
    }
  }
  return rows;
}
