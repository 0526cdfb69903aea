import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../examples/emulator/main.ts', import.meta.url));

function run(args: readonly string[]): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return { child, output: () => out, exited };
}

async function waitFor(output: () => string, pattern: RegExp, exited: Promise<unknown>): Promise<RegExpMatchArray> {
  let done = false;
  void exited.then(() => (done = true));
  for (;;) {
    const match = pattern.exec(output());
    if (match !== null) return match;
    if (done) throw new Error(`exited without printing ${pattern}:\n${output()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('the emulator CLI (examples/emulator/main.ts)', function () {
  this.timeout(30_000);

  it('prints its origin and PRICETAG_ENDPOINTS, serves, and stops cleanly on SIGTERM', async function () {
    const { child, output, exited } = run(['--port', '0', '--seed', '3', '--latency', '0', '--chunk-delay', '0']);
    try {
      const [, origin] = await waitFor(output, /listening on (http:\/\/127\.0\.0\.1:\d+) .*seed 3/, exited);
      const [, endpoints] = await waitFor(output, /^PRICETAG_ENDPOINTS=(\S+)$/m, exited);
      assert.ok(endpoints!.startsWith(`openai=${origin}/openai/v1,anthropic=${origin}/anthropic,gcp.gemini=${origin}/google,`), endpoints);
      assert.equal((await fetch(`${origin}/healthz`)).status, 200);
      const response = await fetch(`${origin}/tavily/search`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'q' }),
      });
      assert.equal(response.status, 200);
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await exited, 0);
    assert.match(output(), /emulator stopped \(SIGTERM\) after 1 requests/);
  });

  it('refuses an error rate outside 0..1', async function () {
    const { output, exited } = run(['--error-rate', '2']);
    assert.notEqual(await exited, 0);
    assert.match(output(), /--error-rate.*expected a number from 0 to 1/);
  });
});
