/**
 * Who a call is charged to: the configured baggage entries and parent-span attributes, read once
 * when the call starts, each value cut to maxValueLength and counted towards maxValuesPerLabel.
 * The metrics and the per-unit table take the same labels from here.
 */
import { propagation, trace, type Attributes, type Context } from '@opentelemetry/api';
import { capLength, LabelValueLimiter } from './cardinality.js';

export interface Attribution {
  readonly labels: Readonly<Record<string, string>>;
  /** The labels as a series-key fragment. */
  readonly key: string;
}

export const NO_ATTRIBUTION: Attribution = { labels: {}, key: '' };

export interface AttributionOptions {
  /** Baggage keys whose values become labels. */
  readonly baggageKeys: readonly string[];
  /** Attributes of the call's parent span whose values become labels. */
  readonly spanAttributes: readonly string[];
  /** Distinct values kept per label. */
  readonly maxValuesPerLabel: number;
  /** Characters kept of each value. */
  readonly maxValueLength: number;
}

export class Attributor {
  private readonly limiter: LabelValueLimiter;
  private readonly none: boolean;

  constructor(private readonly options: AttributionOptions) {
    this.limiter = new LabelValueLimiter(options.maxValuesPerLabel);
    this.none = options.baggageKeys.length === 0 && options.spanAttributes.length === 0;
  }

  /** The attribution of a call started in `parent`. */
  of(parent: Context): Attribution {
    if (this.none) return NO_ATTRIBUTION;
    const { baggageKeys, spanAttributes, maxValueLength } = this.options;
    const labels: Record<string, string> = {};
    let key = '';
    const add = (name: string, value: string) => {
      const kept = this.limiter.value(name, capLength(value, maxValueLength));
      labels[name] = kept;
      key += `${key === '' ? '' : '\u0000'}${name}\u0001${kept}`;
    };
    const baggage = baggageKeys.length > 0 ? propagation.getBaggage(parent) : undefined;
    for (const name of baggageKeys) {
      const value = baggage?.getEntry(name)?.value;
      if (value !== undefined) add(name, value);
    }
    if (spanAttributes.length > 0) {
      // SDK spans expose their attributes; the API's Span type does not promise it.
      const attributes = (trace.getSpan(parent) as unknown as { attributes?: Attributes } | undefined)?.attributes;
      for (const name of spanAttributes) {
        const value = attributes?.[name];
        if (value !== undefined && labels[name] === undefined) add(name, String(value));
      }
    }
    return key === '' ? NO_ATTRIBUTION : { labels, key };
  }
}
