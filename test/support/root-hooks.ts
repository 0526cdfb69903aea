// Mocha root hooks: release what shared test fixtures hold once every test has run.
import { releaseHarness } from './harness.js';

export const mochaHooks = {
  async afterAll(): Promise<void> {
    await releaseHarness();
  },
};
