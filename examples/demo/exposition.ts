/**
 * Reads Prometheus text exposition (what the demo service's /metrics serves) into samples, for the
 * demo's live summary when no Prometheus is running. Handles the escapes the format defines in
 * label values (\\, \" and \n); comments and malformed lines are skipped.
 */

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;

export function parseExposition(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const sample = parseLine(line);
    if (sample !== undefined) out.push(sample);
  }
  return out;
}

function parseLine(line: string): Sample | undefined {
  const name = NAME.exec(line)?.[0];
  if (name === undefined) return undefined;
  let at = name.length;
  const labels: Record<string, string> = {};
  if (line[at] === '{') {
    at++;
    while (line[at] !== '}') {
      if (line[at] === ',') at++;
      if (line[at] === '}') break;
      const key = LABEL_NAME.exec(line.slice(at))?.[0];
      if (key === undefined || line[at + key.length] !== '=' || line[at + key.length + 1] !== '"') return undefined;
      at += key.length + 2;
      let value = '';
      for (; at < line.length && line[at] !== '"'; at++) {
        if (line[at] === '\\') {
          at++;
          value += line[at] === 'n' ? '\n' : (line[at] ?? '');
        } else {
          value += line[at];
        }
      }
      if (at >= line.length) return undefined;
      labels[key] = value;
      at++;
    }
    at++;
  }
  const text = line.slice(at).trim().split(/\s+/)[0] ?? '';
  const value = SPECIAL[text] ?? (text === '' ? NaN : Number(text));
  return Number.isNaN(value) && text !== 'NaN' ? undefined : { name, labels, value };
}

const SPECIAL: Readonly<Record<string, number>> = { '+Inf': Infinity, '-Inf': -Infinity, NaN: NaN };

/** Sums samples of `name` grouped by the values of `by` (joined with a space). */
export function sumBy(
  samples: readonly Sample[],
  name: string,
  by: readonly string[],
  where: (labels: Readonly<Record<string, string>>) => boolean = () => true,
): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of samples) {
    if (s.name !== name || !where(s.labels)) continue;
    const key = by.map((b) => s.labels[b] ?? '').join(' ');
    out.set(key, (out.get(key) ?? 0) + s.value);
  }
  return out;
}
