// `npm run build:dashboards`: writes dashboards/*.json. The generator lives in src/pack/dashboards/
// (so the published `pricetag dashboards` command can run it); this is only its entry for the repo.
import { fileURLToPath } from 'node:url';
import { writeDashboards } from '../../src/pack/dashboards/index.js';

const dir = fileURLToPath(new URL('..', import.meta.url));
for (const path of writeDashboards(dir)) process.stdout.write(`wrote ${path}\n`);
