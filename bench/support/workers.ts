/**
 * Child processes for benchmarks whose configurations patch globals
 * (instrumentations): one process per configuration, driven over IPC so the
 * parent can alternate between them and every configuration sees the same
 * machine conditions.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { COMPILED, REPO_ROOT } from './paths.js';

interface Reply {
  readonly id?: number;
  readonly ready?: unknown;
  readonly result?: unknown;
  readonly error?: string;
}

export class Worker<Info = unknown> {
  private readonly child: ChildProcess;
  private next = 0;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  /** What the worker reported once set up. */
  readonly ready: Promise<Info>;

  constructor(
    readonly label: string,
    script: URL,
    config: object,
    options: { exposeGc?: boolean; execArgv?: readonly string[] } = {},
  ) {
    // A worker runs as its parent does: compiled with plain node, or its TypeScript under tsx.
    const file = fileURLToPath(script).replace(/\.ts$/, COMPILED ? '.js' : '.ts');
    this.child = fork(file, [], {
      cwd: REPO_ROOT,
      execArgv: [...(COMPILED ? [] : ['--import', 'tsx']), ...(options.exposeGc ? ['--expose-gc'] : []), ...(options.execArgv ?? [])],
      env: { ...process.env, BENCH_WORKER: JSON.stringify(config) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.ready = new Promise<Info>((resolve, reject) => {
      this.child.on('message', (message: Reply) => {
        if (message.ready !== undefined) {
          resolve(message.ready as Info);
          return;
        }
        const waiter = this.pending.get(message.id ?? -1);
        if (waiter === undefined) return;
        this.pending.delete(message.id!);
        if (message.error !== undefined) waiter.reject(new Error(`${label}: ${message.error}`));
        else waiter.resolve(message.result);
      });
      this.child.on('exit', (code) => {
        const error = new Error(`${label}: worker exited (${code})`);
        reject(error);
        for (const waiter of this.pending.values()) waiter.reject(error);
        this.pending.clear();
      });
    });
  }

  request<T>(message: object): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ ...message, id });
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.disconnect();
    await exited;
  }
}

/** The worker side: reports `ready`, then answers each request with `handle`'s result. */
export function serveRequests(ready: unknown, handle: (message: Record<string, unknown>) => Promise<unknown>): void {
  const send = (m: Reply) => process.send!(m);
  process.on('message', (message: Record<string, unknown> & { id: number }) => {
    handle(message).then(
      (result) => send({ id: message.id, result }),
      (error: unknown) => send({ id: message.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
    );
  });
  // The parent disconnecting is the signal to go.
  process.on('disconnect', () => process.exit(0));
  send({ ready });
}

/** The configuration the parent passed to this worker. */
export function workerConfig<T>(): T {
  return JSON.parse(process.env.BENCH_WORKER ?? '{}') as T;
}
