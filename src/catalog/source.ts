/**
 * Catalog text to a plain value plus a locator that maps a path back to its
 * line and column. JSON goes through the same YAML 1.2 parser (JSON is a
 * subset), so both formats get positions.
 */
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import {
  Composer,
  isMap,
  isPair,
  isScalar,
  isSeq,
  Lexer,
  LineCounter,
  Parser,
  visit,
  YAMLParseError,
  type Document,
  type Node,
} from 'yaml';
import type { CatalogProblem, PathSegment } from './problems.js';

/** Anchors/aliases beyond this are refused: a defence against "billion laughs" files. */
export const MAX_ALIAS_COUNT = 100;

/**
 * Largest file read, in bytes. Parsing with positions costs about a hundred times the text in
 * memory (an 18 MB catalog took 16 s and 2.5 GB), and catalogs are read when a service starts:
 * a few hundred kilobytes hold every model of every provider. Split larger price lists into layers.
 */
export const MAX_SOURCE_BYTES = 4 * 1024 * 1024;

/**
 * Deepest nesting of flow collections (`[`, `{`) accepted. Catalogs nest about six levels;
 * 4 MB of `[` took the parser 24 s and 3.7 GB before it gave up on its stack.
 */
export const MAX_FLOW_DEPTH = 64;

export type TextResult = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly problems: CatalogProblem[] };

const problemAt = (file: string, line: number, col: number, message: string): CatalogProblem[] => [{ file, line, col, path: [], message }];

/** What a path is when it is not a regular file, in words; undefined for a regular file. */
function notRegular(stats: Stats): string | undefined {
  if (stats.isFile()) return undefined;
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'a special file';
}

/** Thrown for a path that is not a regular file: opening a FIFO blocks until a writer comes, forever at start-up. */
class NotRegularFile extends Error {}

/** `O_NONBLOCK` where the platform has it: a FIFO put in place after the stat then opens without waiting. */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/** A regular file's bytes, at most `limit + 1` of them (a growing file may not end). */
function readBounded(file: string, limit: number): Buffer {
  // Stat first and never open anything else: a FIFO would block, a device may never end or act on open.
  const kind = notRegular(statSync(file));
  if (kind !== undefined) throw new NotRegularFile(kind);
  const fd = openSync(file, OPEN_FLAGS);
  try {
    const swapped = notRegular(fstatSync(fd));
    if (swapped !== undefined) throw new NotRegularFile(swapped);
    const buffer = Buffer.alloc(Math.min(limit + 1, 64 * 1024));
    const parts: Buffer[] = [];
    let total = 0;
    for (;;) {
      const n = readSync(fd, buffer, 0, Math.min(buffer.length, limit + 1 - total), null);
      if (n === 0) break;
      parts.push(Buffer.from(buffer.subarray(0, n)));
      total += n;
      if (total > limit) break;
    }
    return Buffer.concat(parts);
  } finally {
    closeSync(fd);
  }
}

/** Offset of the first byte that breaks UTF-8 (bytes known not to be valid UTF-8). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const length = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (length === 0 || !isUtf8(bytes.subarray(i, i + length))) return i;
    i += length;
  }
  return bytes.length;
}

/**
 * The text of a catalog or budgets file, or a located problem: not a regular file, unreadable, larger than
 * MAX_SOURCE_BYTES, or not UTF-8 (which would otherwise be read with U+FFFD in place of the
 * bad bytes and could pass validation with a mangled name).
 */
export function readSourceFile(file: string): TextResult {
  let bytes: Buffer;
  try {
    bytes = readBounded(file, MAX_SOURCE_BYTES);
  } catch (err) {
    const message =
      err instanceof NotRegularFile
        ? `is ${err.message}, not a regular file`
        : `cannot read file (${(err as NodeJS.ErrnoException).code ?? 'error'})`;
    return { ok: false, problems: problemAt(file, 1, 1, message) };
  }
  if (bytes.length > MAX_SOURCE_BYTES) {
    return { ok: false, problems: problemAt(file, 1, 1, `file is larger than ${MAX_SOURCE_BYTES} bytes; split it into several catalogs`) };
  }
  if (!isUtf8(bytes)) {
    const at = firstInvalidUtf8(bytes);
    const lineStart = bytes.lastIndexOf(0x0a, at - 1) + 1;
    let line = 1;
    for (let i = bytes.indexOf(0x0a); i !== -1 && i < at; i = bytes.indexOf(0x0a, i + 1)) line++;
    const col = bytes.subarray(lineStart, at).toString('utf8').length + 1;
    return {
      ok: false,
      problems: problemAt(file, line, col, `not UTF-8 text (byte 0x${bytes[at]!.toString(16).padStart(2, '0')} at offset ${at})`),
    };
  }
  return { ok: true, text: bytes.toString('utf8') };
}

/**
 * parseDocument, fed token by token so that flow nesting deeper than MAX_FLOW_DEPTH stops
 * the parse at once (with the offending offset) rather than exhausting the stack.
 */
function parseBounded(text: string, lineCounter: LineCounter): { doc: Document } | { tooDeepAt: number } {
  const parser = new Parser(lineCounter.addNewLine);
  const composer = new Composer({ uniqueKeys: true, prettyErrors: false, keepSourceTokens: false });
  let depth = 0;
  let tooDeepAt: number | undefined;
  function* tokens() {
    lineCounter.addNewLine(0);
    for (const lexeme of new Lexer().lex(text)) {
      if (lexeme === '[' || lexeme === '{') {
        if (++depth > MAX_FLOW_DEPTH) {
          tooDeepAt = parser.offset;
          return;
        }
      } else if (lexeme === ']' || lexeme === '}') {
        depth--;
      }
      yield* parser.next(lexeme);
    }
    yield* parser.end();
  }
  let doc: Document | undefined;
  for (const next of composer.compose(tokens(), true, text.length)) {
    if (doc === undefined) doc = next;
    else {
      doc.errors.push(
        new YAMLParseError([next.range[0], next.range[1]], 'MULTIPLE_DOCS', 'a file holds one YAML document; found a second one'),
      );
      break;
    }
  }
  if (tooDeepAt !== undefined) return { tooDeepAt };
  return { doc: doc! };
}

export interface Position {
  readonly line: number;
  readonly col: number;
}

export interface ParsedSource {
  readonly value: unknown;
  /** Position of the node at `path` (or of its nearest existing ancestor). */
  locate(path: readonly PathSegment[], onKey?: boolean): Position;
}

export type SourceResult =
  { readonly ok: true; readonly source: ParsedSource } | { readonly ok: false; readonly problems: CatalogProblem[] };

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

/** The parser's own words, except where it ran out of stack (block nesting thousands deep). */
function parseMessage(message: string): string {
  return /call stack|stack overflow/i.test(message) ? 'nested too deeply' : (message.split('\n')[0] ?? message);
}

export function parseSource(text: string, file: string): SourceResult {
  const lineCounter = new LineCounter();
  let parsed: ReturnType<typeof parseBounded>;
  try {
    parsed = parseBounded(text, lineCounter);
  } catch (err) {
    return { ok: false, problems: problemAt(file, 1, 1, parseMessage((err as Error).message)) };
  }
  if ('tooDeepAt' in parsed) {
    const pos = lineCounter.linePos(parsed.tooDeepAt);
    return { ok: false, problems: problemAt(file, pos.line, pos.col, `nested deeper than ${MAX_FLOW_DEPTH} levels`) };
  }
  const { doc } = parsed;
  if (doc.errors.length > 0) {
    const seen = new Set<string>();
    const problems: CatalogProblem[] = [];
    for (const e of doc.errors) {
      const pos = lineCounter.linePos(e.pos[0]);
      const message = parseMessage(e.message);
      // A stack overflow is reported once, not once per nesting level it unwound through.
      if (message === 'nested too deeply' && seen.has(message)) continue;
      seen.add(message);
      problems.push({ file, line: pos.line, col: pos.col, path: [], message });
    }
    return { ok: false, problems };
  }
  keepRateText(doc);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    return { ok: false, problems: problemAt(file, 1, 1, parseMessage((err as Error).message)) };
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
