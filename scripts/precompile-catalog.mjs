// Build step after tsc: validates catalogs/default.yaml with the compiled validator and writes
// dist/catalog/default-catalog.json (the document and the SHA-256 of the YAML it came from),
// which the package loads at start-up instead of parsing and validating the YAML again.
// Static imports of the validator, not load.js's lazy require: the build also runs on Node 20.
import { readFileSync, writeFileSync } from 'node:fs';
import { DEFAULT_CATALOG_PATH, PRECOMPILED_DEFAULT_CATALOG, sha256Of } from '../dist/catalog/load.js';
import { formatProblem } from '../dist/catalog/problems.js';
import { readSourceFile } from '../dist/catalog/source.js';
import { validateCatalogText } from '../dist/catalog/validate.js';

const read = readSourceFile(DEFAULT_CATALOG_PATH);
const result = read.ok ? validateCatalogText(read.text, DEFAULT_CATALOG_PATH) : read;
if (!result.ok) {
  process.stderr.write(`the built-in catalog is invalid:\n${result.problems.map(formatProblem).join('\n')}\n`);
  process.exit(1);
}
const precompiled = { sha256: sha256Of(readFileSync(DEFAULT_CATALOG_PATH)), document: result.document };
writeFileSync(PRECOMPILED_DEFAULT_CATALOG, `${JSON.stringify(precompiled)}\n`);
