/** Where a command writes, so commands run the same in a terminal and in tests. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

export const processIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** Exit codes of every command: 0 ok, 1 invalid input data, 2 bad usage, 3 unpriced. */
export const EXIT = { ok: 0, invalid: 1, usage: 2, unpriced: 3 } as const;

/** A failure the user can fix, reported as one line without a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.usage,
  ) {
    super(message);
  }
}
