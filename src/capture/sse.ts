/**
 * Server-sent events from body bytes, for reading streamed usage: UTF-8
 * decoding across chunk boundaries, then eventsource-parser with a buffer
 * bound, so a stream that never ends an event cannot make us hold it.
 */
import { createParser, type EventSourceParser } from 'eventsource-parser';

/** Most characters held while an event (or line) is incomplete; past it the stream is given up on. */
export const EVENT_LIMIT = 1024 * 1024;

export class SseReader {
  private readonly decoder = new TextDecoder('utf-8');
  private readonly parser: EventSourceParser;
  private abandoned = false;

  constructor(onEvent: (event: string, data: string) => void) {
    this.parser = createParser({
      maxBufferSize: EVENT_LIMIT,
      onEvent: (e) => onEvent(e.event ?? 'message', e.data),
      onError: (error) => {
        if (error.type === 'max-buffer-size-exceeded') this.abandoned = true;
      },
    });
  }

  /** True when the stream broke the buffer bound and reading stopped. */
  get overflowed(): boolean {
    return this.abandoned;
  }

  write(chunk: Uint8Array): void {
    if (this.abandoned) return;
    this.parser.feed(this.decoder.decode(chunk, { stream: true }));
  }

  end(): void {
    if (this.abandoned) return;
    // A last event without its blank line still counts (servers that close right after it):
    // the line breaks it lacks are added. A stream that ended with them gains an empty line only.
    this.parser.feed(`${this.decoder.decode()}\n\n`);
    this.parser.reset();
  }
}
