import { writeFileSync } from 'node:fs';
import { validateCatalogFile } from '../src/catalog/load.ts';
import { formatProblem } from '../src/catalog/problems.ts';
const cases: Record<string, string | Buffer> = {
  deepYaml: '['.repeat(100000) + ']'.repeat(100000),
  deepJson: '{"a":'.repeat(50000) + '1' + '}'.repeat(50000),
  deepMap: Array.from({length: 5000}, (_, i) => ' '.repeat(i) + 'a:').join('\n') + ' 1',
  bomb: 'a: &a ["x","x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]\n',
  nonUtf8: Buffer.concat([Buffer.from('catalog: x\xff\n'.replace('\xff',''), 'utf8'), Buffer.from([0xff, 0xfe, 0x0a]), Buffer.from('currency: USD\nplans: []\n')]),
  nonUtf8b: Buffer.concat([Buffer.from('catalog: abc'), Buffer.from([0xc3, 0x28]), Buffer.from('\ncurrency: USD\nplans: []\n')]),
  negRate: 'catalog: x\ncurrency: USD\nplans:\n  - {id: a, provider: p, operations: [chat], charges: [{unit: input_tokens, rate: -1}]}\n',
  hexRate: 'catalog: x\ncurrency: USD\nplans:\n  - {id: a, provider: p, operations: [chat], charges: [{unit: input_tokens, rate: 0x10}]}\n',
  infRate: 'catalog: x\ncurrency: USD\nplans:\n  - {id: a, provider: p, operations: [chat], charges: [{unit: input_tokens, rate: .inf}]}\n',
  nanRate: 'catalog: x\ncurrency: USD\nplans:\n  - {id: a, provider: p, operations: [chat], charges: [{unit: input_tokens, rate: .nan}]}\n',
  hugeExp: 'catalog: x\ncurrency: USD\nplans:\n  - {id: a, provider: p, operations: [chat], charges: [{unit: input_tokens, rate: "1e999999999"}]}\n',
  hugeExp2: 'catalog: x\ncurrency: USD\nplans:\n  - {id: a, provider: p, operations: [chat], charges: [{unit: input_tokens, rate: 1e308}]}\n',
  perInf: 'catalog: x\ncurrency: USD\nplans:\n  - {id: a, provider: p, operations: [chat], charges: [{unit: input_tokens, rate: 1, per: .inf, increment: .inf, minimum: .inf}]}\n',
  unknownUnit: 'catalog: x\ncurrency: USD\nplans:\n  - {id: a, provider: p, operations: [chat], charges: [{unit: bananas, rate: 1}]}\n',
  upperUnit: 'catalog: x\ncurrency: USD\nplans:\n  - {id: a, provider: p, operations: [chat], charges: [{unit: Tokens, rate: 1}]}\n',
  wrongTypes: 'catalog: 5\ncurrency: [USD]\nplans: {a: 1}\n',
  scalar: '42',
  empty: '',
  nullDoc: '~',
  proto: 'catalog: x\ncurrency: USD\n__proto__: {polluted: 1}\nplans: []\n',
  tabs: 'catalog: x\n\tcurrency: USD\n',
  dupKey: 'catalog: x\ncatalog: y\ncurrency: USD\nplans: []\n',
  binary: Buffer.from([0,1,2,3,0,0,0x89,0x50,0x4e,0x47]),
};
for (const [name, text] of Object.entries(cases)) {
  const f = `/work/main/.tmp-rb/${name}.yaml`;
  writeFileSync(f, text);
  const t = performance.now();
  try {
    const r = validateCatalogFile(f);
    console.log(name, (performance.now()-t).toFixed(0)+'ms', r.ok ? 'OK ' + JSON.stringify(r.document).slice(0,200) : r.problems.slice(0,4).map(formatProblem).join(' | ').slice(0, 400));
  } catch (e) { console.log(name, 'THREW', (e as Error).name, (e as Error).message.slice(0,200)); }
}
