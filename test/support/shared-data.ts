// Reference data kept in the steering repository's shared/data/, beside this checkout.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function sharedDataFile(name: string): string {
  const dir = process.env.PRICETAG_SHARED_DATA ?? fileURLToPath(new URL('../../../shared/data/', import.meta.url));
  const file = `${dir.replace(/\/$/, '')}/${name}`;
  if (!existsSync(file)) {
    throw new Error(`reference data ${name} not found at ${file}: check out shared/ beside this repository, or set PRICETAG_SHARED_DATA to its data/ folder`);
  }
  return file;
}
