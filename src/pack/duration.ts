/** Prometheus durations (`1h30m`, `7d`) to seconds and back. */

const UNITS: readonly [string, number][] = [
  ['y', 365 * 86400],
  ['w', 7 * 86400],
  ['d', 86400],
  ['h', 3600],
  ['m', 60],
  ['s', 1],
];

const DURATION = /^(?:\d+(?:ms|[ywdhms]))+$/;

export function isDuration(text: string): boolean {
  return DURATION.test(text) && parseDuration(text) > 0;
}

/** Seconds in a duration such as `1h30m`; NaN when it is not one. */
export function parseDuration(text: string): number {
  if (!DURATION.test(text)) return Number.NaN;
  let seconds = 0;
  for (const [, n, unit] of text.matchAll(/(\d+)(ms|[ywdhms])/g)) {
    seconds += unit === 'ms' ? Number(n) / 1000 : Number(n) * UNITS.find(([u]) => u === unit)![1];
  }
  return seconds;
}

/** The shortest Prometheus spelling of a whole number of seconds (at least 1s). */
export function formatDuration(seconds: number): string {
  let rest = Math.max(1, Math.round(seconds));
  let out = '';
  for (const [unit, size] of UNITS) {
    if (unit === 'y' || unit === 'w') continue;
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}
