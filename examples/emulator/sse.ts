/**
 * Server-sent events as the providers write them: `event:` only for named
 * events (Anthropic, the Responses API), one `data:` line of compact JSON,
 * and a blank line; Gemini ends its lines with CRLF.
 */
import type { ServerResponse } from 'node:http';
import type { EventStream } from './types.js';

export function formatEvent(data: unknown, name: string | undefined, lineEnd = '\n'): string {
  const text = typeof data === 'string' ? data : JSON.stringify(data);
  return `${name === undefined ? '' : `event: ${name}${lineEnd}`}data: ${text}${lineEnd}${lineEnd}`;
}

export interface StreamTiming {
  /** Delay before each write after the first, ms. */
  delay(): number;
  /** Resolves after `ms`, or at once when the emulator is closing. */
  sleep(ms: number): Promise<void>;
}

/**
 * Writes a stream to `res` (headers already sent). After `cutAfter` writes the
 * connection is destroyed (a drop-mid-stream fault) and `onCut` runs; a client
 * that went away makes the remaining writes no-ops.
 */
export class ResponseStream implements EventStream {
  private writes = 0;
  private cut = false;
  /** Settles once the last write has been handed to the socket, so a cut never discards it. */
  private flushed: Promise<void> = Promise.resolve();

  constructor(
    private readonly res: ServerResponse,
    private readonly timing: StreamTiming,
    private readonly lineEnd: string,
    private readonly cutAfter: number | undefined,
    private readonly onCut: () => void,
    private readonly onEnd: () => void,
  ) {}

  private get open(): boolean {
    return !this.cut && !this.res.destroyed && !this.res.writableEnded;
  }

  event(data: unknown, name?: string): Promise<boolean> {
    return this.write(formatEvent(data, name, this.lineEnd));
  }

  async write(text: string): Promise<boolean> {
    if (!this.open) return false;
    if (this.writes > 0) {
      const ms = this.timing.delay();
      if (ms > 0) await this.timing.sleep(ms);
      if (!this.open) return false;
    }
    if (this.cutAfter !== undefined && this.writes >= this.cutAfter) {
      await this.cutNow();
      return false;
    }
    this.writes++;
    this.flushed = new Promise((resolve) => this.res.write(text, () => resolve()));
    return true;
  }

  private async cutNow(): Promise<void> {
    this.cut = true;
    await this.flushed;
    this.onCut();
    this.res.destroy();
  }

  end(): void {
    if (!this.open) return;
    if (this.cutAfter !== undefined) {
      // A stream shorter than planned is still cut before its end.
      void this.cutNow();
      return;
    }
    this.onEnd();
    this.res.end();
  }
}
