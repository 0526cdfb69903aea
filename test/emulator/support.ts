// The provider emulator behind the shared instrumented test process: its endpoints are added to the
// one PricetagInstrumentation a process may have (test/support/harness.ts) and taken off again after.
import { startEmulator, type Emulator, type EmulatorOptions } from '../../examples/emulator/server.js';
import { harness, type Harness } from '../support/harness.js';

export interface InstrumentedEmulator {
  readonly h: Harness;
  readonly emulator: Emulator;
  stop(): Promise<void>;
}

export async function instrumentedEmulator(options: EmulatorOptions = {}): Promise<InstrumentedEmulator> {
  const h = await harness();
  const emulator = await startEmulator({ seed: 1, ...options });
  const previous = h.instrumentation.getConfig();
  h.instrumentation.setConfig({ ...previous, endpoints: [...(previous.endpoints ?? []), ...emulator.endpoints] });
  return {
    h,
    emulator,
    async stop() {
      h.instrumentation.setConfig(previous);
      await emulator.close();
    },
  };
}

/** Server-sent events of a response body: `data` of each, in order (CRLF or LF framing). */
export function sseData(text: string): string[] {
  return text
    .split(/\r?\n\r?\n/)
    .map((block) =>
      block
        .split(/\r?\n/)
        .filter((line) => line.startsWith('data: '))
        .map((line) => line.slice('data: '.length))
        .join('\n'),
    )
    .filter((data) => data !== '');
}

/** The last log entry, asserting there is one. */
export function lastEntry(emulator: Emulator) {
  const entry = emulator.requests.at(-1);
  if (entry === undefined) throw new Error('the emulator logged no request');
  return entry;
}
