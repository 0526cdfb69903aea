/**
 * Writes a synthetic usage log to a file, for measuring `pricetag simulate`:
 *   npx tsx src/simulate/generate-file.ts OUT.jsonl [LINES] [SEED]
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { generateUsageLog } from './generate.js';

export function writeUsageLog(path: string, lines: number, seed = 1): void {
  const fd = openSync(path, 'w');
  try {
    let batch = '';
    for (const line of generateUsageLog({ lines, seed })) {
      batch += line;
      if (batch.length > 1 << 20) {
        writeSync(fd, batch);
        batch = '';
      }
    }
    writeSync(fd, batch);
  } finally {
    closeSync(fd);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [path, lines = '1000000', seed = '1'] = process.argv.slice(2);
  if (path === undefined) {
    process.stderr.write('usage: tsx src/simulate/generate-file.ts OUT.jsonl [LINES] [SEED]\n');
    process.exitCode = 2;
  } else {
    writeUsageLog(path, Number(lines), Number(seed));
  }
}
