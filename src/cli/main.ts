#!/usr/bin/env node
/** The `pricetag` binary. */
import { endQuietlyOnClosedPipe } from './io.js';
import { runCli } from './program.js';

endQuietlyOnClosedPipe();
process.exitCode = await runCli(process.argv.slice(2));
