// A diag logger that throws never turns ai-pricetag's own messages into the application's
// exceptions: not at construction (catalog and endpoint problems), not inside a call (a hook fault).
import { strict as assert } from 'node:assert';
import { replayServerPerSuite, runApp } from '../support/child-process.js';
import { loadFixture } from '../support/fixtures.js';

describe('a diag logger that throws (a fresh process)', function () {
  this.timeout(60_000);
  const replay = replayServerPerSuite();

  it('is contained: the application gets its response and the call is priced', async function () {
    const fixture = loadFixture('openai', 'chat-cached');
    replay().serve(fixture);
    const stdout = await runApp('throwing-diag-app.ts', {
      PROVIDER_URL: `${replay().origin}/v1`,
      REQUEST_BODY: JSON.stringify(fixture.request.body),
    });
    const seen = JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, number>;
    assert.equal(seen.status, 200);
    assert.ok(seen.bytes! > 0);
    // The faults were logged (so the throwing logger was really called) and went no further.
    assert.ok(seen.loggedAtSetup! >= 2, `catalog and endpoint problems logged: ${stdout}`);
    assert.ok(seen.loggedInCall! >= 1, `the hook fault logged: ${stdout}`);
    assert.equal(seen.cost, 0.0003369);
  });
});
