/**
 * What a provider adapter wants to know of a JSON body, and the pure
 * reference extraction over a parsed value. The streaming scanner
 * (json-scanner.ts) yields exactly the same result from bytes, without holding
 * the body.
 *
 * A path is dot-separated keys; `*` matches any array index or object key.
 * `value` collects the JSON values found there (each at most VALUE_LIMIT bytes
 * of JSON text; larger ones are left out), `chars` the length in Unicode code
 * points of each string found there (the unit translation APIs bill), `count`
 * a 1 per value found (generated images, whose base64 payloads are never kept).
 */
export interface FieldSpec {
  readonly path: string;
  readonly mode: 'value' | 'chars' | 'count';
}

export const value = (path: string): FieldSpec => ({ path, mode: 'value' });
export const chars = (path: string): FieldSpec => ({ path, mode: 'chars' });
export const count = (path: string): FieldSpec => ({ path, mode: 'count' });

/** Largest JSON text of one extracted value: usage blocks and options are small. */
export const VALUE_LIMIT = 64 * 1024;

/** Values found per path, in document order. */
export type Extracted = ReadonlyMap<string, readonly unknown[]>;

export const NOTHING_EXTRACTED: Extracted = new Map();

/** Sum of the numbers found at a path (`chars` and `count` fields). */
export function sumOf(extracted: Extracted, path: string): number {
  let total = 0;
  for (const v of extracted.get(path) ?? []) if (typeof v === 'number') total += v;
  return total;
}

/** The first value found at a path, if any. */
export function first(extracted: Extracted, path: string): unknown {
  return extracted.get(path)?.[0];
}

/** The last value found at a path (streamed arrays repeat a field; the last is final). */
export function last(extracted: Extracted, path: string): unknown {
  const values = extracted.get(path);
  return values === undefined ? undefined : values[values.length - 1];
}

export function splitPath(path: string): string[] {
  return path === '' ? [] : path.split('.');
}

export function codePoints(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // A high surrogate followed by a low one is one code point.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/** Reference extraction from an already parsed value (small bodies, tests). */
/** The specs without repeats: a field asked for twice is still read once. */
export function distinctSpecs(specs: readonly FieldSpec[]): FieldSpec[] {
  const seen = new Set<string>();
  return specs.filter((s) => {
    const key = `${s.mode}\u0000${s.path}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function extractFields(root: unknown, specs: readonly FieldSpec[]): Extracted {
  const out = new Map<string, unknown[]>();
  for (const spec of distinctSpecs(specs)) {
    const found: unknown[] = [];
    const walk = (node: unknown, rest: readonly string[]): void => {
      if (rest.length === 0) {
        if (spec.mode === 'chars') {
          if (typeof node === 'string') found.push(codePoints(node));
        } else if (spec.mode === 'count') {
          found.push(1);
        } else if (JSON.stringify(node).length <= VALUE_LIMIT) {
          found.push(node);
        }
        return;
      }
      const [head, ...tail] = rest as [string, ...string[]];
      if (Array.isArray(node)) {
        if (head === '*') for (const item of node) walk(item, tail);
        else if (/^\d+$/.test(head) && Number(head) < node.length) walk(node[Number(head)], tail);
      } else if (typeof node === 'object' && node !== null) {
        if (head === '*') for (const v of Object.values(node)) walk(v, tail);
        else if (Object.hasOwn(node, head)) walk((node as Record<string, unknown>)[head], tail);
      }
    };
    walk(root, splitPath(spec.path));
    // As the streaming scanner does: values found for one path under several specs are listed together.
    if (found.length > 0) out.set(spec.path, [...(out.get(spec.path) ?? []), ...found]);
  }
  return out;
}
