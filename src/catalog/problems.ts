/** A located catalog problem (an error, or a warning) and its one-line rendering `FILE:LINE:COL: path: message`. */

export type PathSegment = string | number;

export interface CatalogProblem {
  readonly file: string;
  /** 1-based; absent for catalogs given as objects. */
  readonly line?: number;
  readonly col?: number;
  readonly path: readonly PathSegment[];
  readonly message: string;
  /** `warning`: worth fixing, but the document is used (a deprecated name). Absent: an error. */
  readonly severity?: 'warning';
}

/** `plans[3].charges[0].rate`; `$` for the document itself. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out === '' ? '$' : out;
}

/** `FILE:LINE:COL: path: message`, the message of a warning starting `warning: `. */
export function formatProblem(p: CatalogProblem): string {
  const where = p.line === undefined ? p.file : `${p.file}:${p.line}:${p.col ?? 1}`;
  return `${where}: ${formatPath(p.path)}: ${p.severity === 'warning' ? 'warning: ' : ''}${p.message}`;
}
