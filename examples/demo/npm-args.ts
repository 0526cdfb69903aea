/**
 * `npm run demo --duration 60` (flags without `--`) hands the flags to npm, which passes them on as
 * npm_config_duration=true plus a bare `60` argument (or npm_config_duration=60 for `--duration=60`,
 * and npm_config_prometheus='' for `--no-prometheus`). Turns both forms back into our flags.
 */
const VALUED = ['duration', 'speed', 'seed', 'metrics-port', 'summary-json'] as const;

const isBare = (args: readonly string[], i: number) =>
  !args[i]!.startsWith('-') && !(args[i - 1]?.startsWith('--') && !args[i - 1]!.includes('='));

export function npmConfigArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): string[] {
  const flags = argv.filter((_, i) => !isBare(argv, i));
  const bare = argv.filter((_, i) => isBare(argv, i));
  for (const name of VALUED) {
    const value = env[`npm_config_${name.replace('-', '_')}`];
    if (value === undefined || flags.some((a) => a === `--${name}` || a.startsWith(`--${name}=`))) continue;
    if (value === 'true') {
      const next = bare.shift();
      if (next !== undefined) flags.push(`--${name}`, next);
    } else if (value !== '') {
      flags.push(`--${name}`, value);
    }
  }
  if ((env.npm_config_prometheus === '' || env.npm_config_prometheus === 'false') && !flags.includes('--no-prometheus'))
    flags.push('--no-prometheus');
  // Anything left bare is passed on for the parser to reject with its own message.
  return [...flags, ...bare];
}
