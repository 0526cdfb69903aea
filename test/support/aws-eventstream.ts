// AWS event-stream messages for fixtures and tests, encoded by the AWS SDK's own codec
// (@smithy/core's EventStreamCodec), so the bytes are the framing the SDK itself decodes.
import { EventStreamCodec } from '@smithy/core/event-streams';
import { fromUtf8, toUtf8 } from '@smithy/core/serde';

/** One message as a fixture lists it: its string headers and its JSON payload. */
export interface FixtureMessage {
  readonly headers: Readonly<Record<string, string>>;
  readonly payload: unknown;
}

const codec = new EventStreamCodec(toUtf8, fromUtf8);

export function encodeMessage(message: FixtureMessage): Buffer {
  const headers = Object.fromEntries(Object.entries(message.headers).map(([k, v]) => [k, { type: 'string' as const, value: v }]));
  const body = fromUtf8(typeof message.payload === 'string' ? message.payload : JSON.stringify(message.payload));
  return Buffer.from(codec.encode({ headers, body }));
}

/** The wire bytes of a list of messages. */
export function encodeMessages(messages: readonly FixtureMessage[]): Buffer {
  return Buffer.concat(messages.map(encodeMessage));
}

export const EVENT_STREAM = 'application/vnd.amazon.eventstream';
