import { writeFileSync } from 'node:fs';
import { validateCatalogFile } from '../src/catalog/load.ts';
const n = Number(process.argv[2]);
for (const [name, text] of [['flow', '['.repeat(n)], ['flowmap', '{a: '.repeat(n/4)], ['block', Array.from({length: Math.sqrt(n)|0}, (_, i) => ' '.repeat(i) + 'a:').join('\n')], ['seq', Array.from({length: Math.sqrt(n)|0}, (_, i) => ' '.repeat(i) + '-').join('\n')]] as const) {
writeFileSync('.tmp-rb/deep.yaml', text);
const t = performance.now();
try { const r = validateCatalogFile('.tmp-rb/deep.yaml');
console.log(name, text.length, r.ok, r.ok ? '' : r.problems.length + ' ' + r.problems[0]!.message, (performance.now() - t).toFixed(0) + 'ms', Math.round(process.memoryUsage().rss/1e6)+'MB'); } catch (e) { console.log(name, 'THREW', e) }
}
