// Splits a server-sent event stream into events, as capture hands them to an adapter.
export interface SseEvent {
  readonly event: string;
  readonly data: string;
}

/** Events are separated by blank lines; `event:` names one (default `message`), its `data:` lines are joined by newlines. */
export function sseEvents(text: string): SseEvent[] {
  const events: SseEvent[] = [];
  for (const block of text.split(/\r\n\r\n|\n\n|\r\r/)) {
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split(/\r\n|\n|\r/)) {
      const colon = line.indexOf(':');
      if (colon === 0 || line === '') continue; // a comment, or nothing
      const field = colon < 0 ? line : line.slice(0, colon);
      const raw = colon < 0 ? '' : line.slice(colon + 1);
      const v = raw.startsWith(' ') ? raw.slice(1) : raw;
      if (field === 'event') event = v;
      else if (field === 'data') data.push(v);
    }
    if (data.length > 0) events.push({ event, data: data.join('\n') });
  }
  return events;
}
