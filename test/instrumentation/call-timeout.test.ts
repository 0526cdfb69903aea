// callTimeoutMs is honoured within a second: a call whose response stops moving is closed as
// aborted once the timeout has passed, not at the next 15-second sweep as before.
import { strict as assert } from 'node:assert';
import { runApp } from '../support/child-process.js';

describe('callTimeoutMs (a fresh process)', function () {
  this.timeout(60_000);

  it('closes a stalled call as aborted after the timeout, within a second of it', async function () {
    const timeoutMs = 400;
    const stdout = await runApp('stalled-call-app.ts', { CALL_TIMEOUT_MS: String(timeoutMs) });
    const seen = JSON.parse(stdout.trim().split('\n').pop()!) as { closedAfterMs: number; aborted: unknown; inFlight: number };
    assert.equal(seen.inFlight, 0, 'the call was closed');
    assert.equal(seen.aborted, true);
    // Never before the timeout; well within the old 15-second sweep even on a busy machine
    // (the sweep runs every min(500 ms, timeout / 8), here every 50 ms).
    assert.ok(seen.closedAfterMs >= timeoutMs - 50, `closed after ${seen.closedAfterMs.toFixed(0)} ms`);
    assert.ok(seen.closedAfterMs < timeoutMs + 5000, `closed after ${seen.closedAfterMs.toFixed(0)} ms`);
  });
});
