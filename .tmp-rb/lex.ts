import { readFileSync } from 'node:fs';
import { Lexer } from 'yaml';
function depth(text: string) { let d = 0, max = 0, off = 0; for (const tok of new Lexer().lex(text)) { if (tok === '[' || tok === '{') { d++; if (d > max) max = d; if (d > 64) return { max, off }; } else if (tok === ']' || tok === '}') d--; off += tok.length; } return { max, off }; }
for (const text of ['['.repeat(4000000), '{a: '.repeat(1000000), readFileSync('/tmp/rb/huge.yaml','utf8').slice(0, 4<<20), 'a: "[[[[[[[[[[[[[[["\nb: |\n  [[[[[[[[\nc: [1, [2, {x: [3]}]] # [[[[ \n']) {
  const t = performance.now(); const r = depth(text); console.log(text.length, r, (performance.now()-t).toFixed(0)+'ms');
}
