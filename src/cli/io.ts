import { getSystemErrorMessage } from 'node:util';

/** Where a command writes, so commands run the same in a terminal and in tests. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

export const processIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** Exit codes of every command: 0 ok, 1 invalid input data or an unusable file, 2 bad usage, 3 unpriced. */
export const EXIT = { ok: 0, invalid: 1, usage: 2, unpriced: 3 } as const;

/** 128 + SIGPIPE: what a Unix tool exits with when its reader goes away (`pricetag catalog list | head -1`). */
export const EXIT_CLOSED_PIPE = 141;

/**
 * For the binary: when the reader of stdout or stderr closes the pipe, end at once and
 * quietly as Unix tools do, instead of dying of an unhandled EPIPE with a stack trace.
 * Exiting also stops further writes and work for a reader that has left.
 */
export function endQuietlyOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
      process.exit(EXIT_CLOSED_PIPE);
    });
  }
}

/** A failure the user can fix, reported as one line without a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.usage,
  ) {
    super(message);
  }
}

function isSystemError(err: unknown): err is NodeJS.ErrnoException & { code: string; syscall: string } {
  const e = err as NodeJS.ErrnoException;
  return err instanceof Error && typeof e.code === 'string' && typeof e.syscall === 'string';
}

/** libuv's wording ("not a directory"), but not its EISDIR "illegal operation on a directory". */
function systemReason(err: NodeJS.ErrnoException & { code: string }): string {
  if (err.code === 'EISDIR') return 'is a directory';
  const text = err.errno === undefined ? '' : getSystemErrorMessage(err.errno);
  // An errno libuv does not know: the code alone still says what happened.
  return text === '' || text.startsWith('Unknown system error') ? err.code : text;
}

/**
 * Runs `fn(path)`, which reads or writes `path` given by the user. A file system error there
 * (ENOENT, ENOTDIR, EACCES, EEXIST, ...) is the user's to fix, so it becomes one line,
 * `cannot <doing> <path>: <reason>`, exit 1, instead of a stack trace. Other errors pass.
 */
export function onUserPath<T>(doing: string, path: string, fn: (path: string) => T): T {
  try {
    return fn(path);
  } catch (err) {
    if (!isSystemError(err)) throw err;
    // Name the file inside `path` that failed (e.g. one dashboard of a directory).
    const where = err.path !== undefined && err.path !== path ? `${err.path}: ` : '';
    throw new CliError(`cannot ${doing} ${path}: ${where}${systemReason(err)}`, EXIT.invalid);
  }
}
