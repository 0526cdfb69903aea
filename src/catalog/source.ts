/**
 * Catalog text to a plain value plus a locator that maps a path back to its
 * line and column. JSON goes through the same YAML 1.2 parser (JSON is a
 * subset), so both formats get positions.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import type { CatalogProblem, PathSegment } from './problems.js';

/** Anchors/aliases beyond this are refused: a defence against "billion laughs" files. */
export const MAX_ALIAS_COUNT = 100;

export interface Position {
  readonly line: number;
  readonly col: number;
}

export interface ParsedSource {
  readonly value: unknown;
  /** Position of the node at `path` (or of its nearest existing ancestor). */
  locate(path: readonly PathSegment[], onKey?: boolean): Position;
}

export type SourceResult = { readonly ok: true; readonly source: ParsedSource } | { readonly ok: false; readonly problems: CatalogProblem[] };

/**
 * Keeps a numeric `rate` as written: 0.100000000000000000001 would otherwise
 * become the float 0.1 before any decimal code saw it.
 */
function keepRateText(doc: Document): void {
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && pair.key.value === 'rate' && isScalar(pair.value) && typeof pair.value.value === 'number') {
        const text = pair.value.source;
        if (typeof text === 'string' && text !== '') pair.value.value = text;
      }
    },
  });
}

export function parseSource(text: string, file: string): SourceResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, keepSourceTokens: false });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((e) => {
        const pos = lineCounter.linePos(e.pos[0]);
        return { file, line: pos.line, col: pos.col, path: [], message: e.message.split('\n')[0] ?? e.code };
      }),
    };
  }
  keepRateText(doc);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    return { ok: false, problems: [{ file, line: 1, col: 1, path: [], message: (err as Error).message.split('\n')[0] ?? 'invalid document' }] };
  }

  const position = (node: Node | null | undefined): Position | undefined => {
    const offset = node?.range?.[0];
    return offset === undefined ? undefined : lineCounter.linePos(offset);
  };

  return {
    ok: true,
    source: {
      value,
      locate(path, onKey = false) {
        let node: unknown = doc.contents;
        let best = position(doc.contents as Node) ?? { line: 1, col: 1 };
        for (let i = 0; i < path.length; i++) {
          const seg = path[i]!;
          const last = i === path.length - 1;
          if (isMap(node)) {
            const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
            if (pair === undefined) return best;
            const target = last && onKey ? (pair.key as Node) : ((pair.value as Node | null) ?? (pair.key as Node));
            best = position(target) ?? best;
            node = pair.value;
          } else if (isSeq(node) && typeof seg === 'number') {
            const item = node.items[seg] as Node | undefined;
            if (item === undefined) return best;
            best = position(item) ?? best;
            node = item;
          } else {
            return best;
          }
        }
        return best;
      },
    },
  };
}
