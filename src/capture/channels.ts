/**
 * Diagnostics-channel subscriptions whose handlers can never throw into the
 * publisher (undici, http): a fault is reported and the publisher goes on.
 */
import diagnostics from 'node:diagnostics_channel';

export class ChannelSubscriptions {
  private readonly active: [string, (message: unknown) => void][] = [];

  constructor(private readonly onError: (error: unknown, channel: string) => void) {}

  on(name: string, handler: (message: unknown) => void): void {
    const guarded = (message: unknown) => {
      try {
        handler(message);
      } catch (error) {
        this.onError(error, name);
      }
    };
    diagnostics.subscribe(name, guarded);
    this.active.push([name, guarded]);
  }

  clear(): void {
    for (const [name, fn] of this.active) diagnostics.unsubscribe(name, fn);
    this.active.length = 0;
  }
}
