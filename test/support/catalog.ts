// Builds compiled plans and pricers from catalog text, for tests.
import { readFileSync } from 'node:fs';
import { strict as assert } from 'node:assert';
import { compileCatalog } from '../../src/catalog/compile.js';
import { validateCatalogText } from '../../src/catalog/validate.js';
import { formatProblem } from '../../src/catalog/problems.js';
import { PlanIndex } from '../../src/pricing/plan-index.js';
import { Pricer } from '../../src/pricing/pricer.js';
import type { Plan } from '../../src/pricing/types.js';

export const fixture = (name: string): string => new URL(`../fixtures/${name}`, import.meta.url).pathname;

function compiledFromText(text: string, layer: number, file: string) {
  const result = validateCatalogText(text, file);
  assert.ok(result.ok, result.ok ? '' : result.problems.map(formatProblem).join('\n'));
  return compileCatalog(result.document, file, layer);
}

export function plansFromText(text: string, layer = 0, file = 'test.yaml'): Plan[] {
  return compiledFromText(text, layer, file).plans;
}

export function planFromText(text: string): Plan {
  const plans = plansFromText(text);
  assert.equal(plans.length, 1);
  return plans[0]!;
}

export function pricerFromTexts(...texts: string[]): Pricer {
  const layers = texts.map((t, layer) => compiledFromText(t, layer, `layer${layer}.yaml`));
  const aliases = new Map(layers.flatMap((l) => [...l.aliases]));
  return new Pricer(
    new PlanIndex(
      layers.flatMap((l) => l.plans),
      aliases,
    ),
  );
}

export const designExample = (): string => readFileSync(fixture('design-example.yaml'), 'utf8');
