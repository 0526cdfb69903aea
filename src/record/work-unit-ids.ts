/**
 * Which conversation (and which other configured units of work) an AI call belongs to, read when
 * the call starts: the `gen_ai.conversation.id` attribute of the active span, a baggage entry,
 * or a request header, in that order. The ids travel with the call's origin (CallOrigin) so the span and
 * the per-unit table see the same ones; they never become metric labels.
 */
import { propagation, trace, type Attributes, type Context } from '@opentelemetry/api';
import { capLength, DEFAULT_MAX_LABEL_VALUE_LENGTH } from './cardinality.js';
import { ATTR_GEN_AI_CONVERSATION_ID, CONVERSATION_UNIT } from '../semconv.js';

export interface WorkUnitSources {
  /** Baggage key carrying the conversation id. */
  readonly conversationBaggageKey: string;
  /** Request header carrying the conversation id, lower case. */
  readonly conversationHeader?: string;
  /** Other units: name → baggage key. */
  readonly units: Readonly<Record<string, string>>;
}

/** Unit name → id. */
export type WorkUnitIds = ReadonlyMap<string, string>;

/**
 * Characters kept of an id (baggage and headers come from clients): an id is a key, not content.
 * Cut as attribution values are, never inside a surrogate pair.
 */
export const MAX_ID_LENGTH = DEFAULT_MAX_LABEL_VALUE_LENGTH;

const clean = (value: unknown): string | undefined => {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const text = String(value).trim();
  return text === '' ? undefined : capLength(text, MAX_ID_LENGTH);
};

const NO_IDS: WorkUnitIds = new Map();

export function readWorkUnitIds(parent: Context, header: (name: string) => string | undefined, sources: WorkUnitSources): WorkUnitIds {
  let ids: Map<string, string> | undefined;
  // SDK spans expose their attributes; the API's Span type does not promise it.
  const attributes = (trace.getSpan(parent) as unknown as { attributes?: Attributes } | undefined)?.attributes;
  const baggage = propagation.getBaggage(parent);
  const conversation =
    clean(attributes?.[ATTR_GEN_AI_CONVERSATION_ID]) ??
    clean(baggage?.getEntry(sources.conversationBaggageKey)?.value) ??
    (sources.conversationHeader === undefined ? undefined : clean(header(sources.conversationHeader)));
  if (conversation !== undefined) (ids ??= new Map()).set(CONVERSATION_UNIT, conversation);
  for (const unit in sources.units) {
    const id = clean(baggage?.getEntry(sources.units[unit]!)?.value);
    if (id !== undefined) (ids ??= new Map()).set(unit, id);
  }
  // Most calls belong to no conversation: nothing is allocated for them.
  return ids ?? NO_IDS;
}
