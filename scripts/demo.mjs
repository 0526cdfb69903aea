// `npm run demo`: runs examples/demo/run.ts with tsx. On a Node older than 22.15 (this repo's
// floor) it provisions Node 24 from the npm registry first, as `npm test` does.
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBuilt } from './ensure-build.mjs';
import { ensureNode, MIN_NODE, nodeIsSupported } from './ensure-node.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
let node = process.execPath;
if (!nodeIsSupported()) {
  process.stderr.write(`Node ${process.versions.node} is below ${MIN_NODE.join('.')}; running the demo with Node 24 instead.\n`);
  node = ensureNode(24);
}
// The demo service runs `--import ai-pricetag/register`, which resolves to dist/.
ensureBuilt();
const child = spawn(node, ['--import', 'tsx', join(root, 'examples/demo/run.ts'), ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, PATH: `${dirname(node)}:${process.env.PATH}` },
});
// Ctrl-C reaches the demo through the terminal's process group; the demo stops its own children.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal === null ? 1 : 128 + 2)));
