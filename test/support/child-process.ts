// Runs a test application (test/apps/) in a fresh Node process with TypeScript support, against
// its own replay server, for tests that need a process set up from scratch.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ReplayServer } from './replay-server.js';

const exec = promisify(execFile);

/** Starts a replay server before the suite and stops it after; returns a getter for it. */
export function replayServerPerSuite(): () => ReplayServer {
  let server: ReplayServer | undefined;
  before(async function () {
    server = await new ReplayServer().start();
  });
  after(async function () {
    await server?.stop();
  });
  return () => server!;
}

/** Runs `test/apps/<app>` with `--import tsx` and any further `--import`s; resolves with its stdout. */
export async function runApp(app: string, env: Record<string, string>, imports: readonly string[] = []): Promise<string> {
  const path = new URL(`../apps/${app}`, import.meta.url).pathname;
  const args = ['--import', 'tsx', ...imports.flatMap((i) => ['--import', i]), path];
  const { stdout } = await exec(process.execPath, args, { env: { ...process.env, ...env } });
  return stdout;
}

/** The environment of test/apps/zero-code-app.mjs calling the replay server with a fixture's request. */
export function zeroCodeAppEnv(replay: ReplayServer, request: { readonly body?: unknown }): Record<string, string> {
  return {
    OPENAI_BASE_URL: `${replay.origin}/v1`,
    REQUEST_BODY: JSON.stringify(request.body),
    PRICETAG_ENDPOINTS: `openai=${replay.origin}/v1`,
  };
}
