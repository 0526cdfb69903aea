/**
 * Reading a response as it passes, in process: the streaming JSON field
 * scanner on the benchmarks' chat completion (what every non-streaming call
 * pays), against JSON.parse of the same bytes (what reading the body in full
 * would cost, without the memory bound). And the SSE reader on 1 MiB of chat
 * chunks against splitting the same text into lines.
 */
import { JsonFieldScanner } from '../src/capture/json-scanner.js';
import { SseReader } from '../src/capture/sse.js';
import { hasJsonKey } from '../src/providers/read.js';
import { value } from '../src/providers/fields.js';
import { measure, type MeasureOptions } from './harness.js';
import type { Row } from './row.js';
import { CHAT_RESPONSE, sseBody } from './support/provider-server.js';

/** What the OpenAI chat adapter asks of a response (providers/openai-api.ts). */
const CHAT_FIELDS = [value('model'), value('usage'), value('service_tier')];

export function captureBenchmarks(options: MeasureOptions): Row[] {
  const rows: Row[] = [];
  {
    const baseline = measure('JSON.parse of the body', () => JSON.parse(CHAT_RESPONSE.toString('utf8')), options);
    const ours = measure(
      'JsonFieldScanner (model, usage, service_tier)',
      () => {
        const scanner = new JsonFieldScanner(CHAT_FIELDS);
        scanner.write(CHAT_RESPONSE);
        return scanner.result();
      },
      options,
    );
    rows.push({ name: `capture: read a chat completion (${CHAT_RESPONSE.length} B JSON)`, baseline, ours });
  }
  {
    const body = sseBody(1 << 20);
    const pieces = Array.from({ length: Math.ceil(body.length / 16384) }, (_, i) => body.subarray(i * 16384, (i + 1) * 16384));
    const decoder = new TextDecoder();
    const baseline = measure(
      'TextDecoder + split into lines',
      () => {
        let lines = 0;
        for (const piece of pieces) lines += decoder.decode(piece, { stream: true }).split('\n').length;
        return lines;
      },
      { ...options, samples: Math.max(3, options.samples >> 1) },
    );
    const ours = measure(
      'SseReader (events to the adapter)',
      () => {
        let events = 0;
        const reader = new SseReader((_event, data) => {
          // The OpenAI chat adapter's pre-check of each event (providers/openai-api.ts).
          if (hasJsonKey(data, 'usage', ':{')) events++;
        });
        for (const piece of pieces) reader.write(piece);
        reader.end();
        return events;
      },
      { ...options, samples: Math.max(3, options.samples >> 1) },
    );
    rows.push({
      name: `capture: read 1 MiB of SSE chat chunks (${pieces.length} pieces)`,
      baseline,
      ours,
      note: `${((ours.median / 1e6) * 10).toFixed(1)} ms per 10 MiB`,
    });
  }
  return rows;
}
