/**
 * Reading a response as it passes, in process: the streaming JSON field
 * scanner on the benchmarks' chat completion (what every non-streaming call
 * pays), against JSON.parse of the same bytes (what reading the body in full
 * would cost, without the memory bound); the same scanner on a chat request
 * with a long prompt (what every chat call pays for its request body). And the
 * SSE reader on 1 MiB of chat chunks against splitting the same text into lines.
 */
import { JsonFieldScanner } from '../src/capture/json-scanner.js';
import { SseReader } from '../src/capture/sse.js';
import { hasJsonKey } from '../src/providers/read.js';
import { value } from '../src/providers/fields.js';
import { chatCompletionsRoute } from '../src/providers/openai-api.js';
import { measure, type MeasureOptions } from './harness.js';
import type { Row } from './row.js';
import { CHAT_RESPONSE, sseBody } from './support/provider-server.js';

/** What the OpenAI chat adapter asks of a response (providers/openai-api.ts). */
const CHAT_FIELDS = [value('model'), value('usage'), value('service_tier')];

/** What the same adapter asks of a chat request: the route's own list. */
const CHAT_REQUEST_FIELDS = chatCompletionsRoute().requestFields;

const PROMPT_SENTENCES = [
  'You are a careful assistant for the finance team of a mid-sized logistics company.',
  'Answer in plain English, cite the line of the report you rely on, and say "I do not know" when the report is silent.',
  'The quarterly report covers revenue, fuel costs, warehouse leases and the new café at the Rotterdam depot.',
  'Revenue grew by 4.2 percent against the same quarter last year, mostly from the northern routes.',
  'Fuel costs rose faster than planned because two contracts were renewed at the spot price.',
  'Keep every figure as written; do not round, convert currencies or guess at missing months.',
  'When a question mixes two periods, answer for each period separately and label them.',
];

/**
 * A chat completions request of about 5 KiB: a 1,200-token prompt (about 4,800 characters in four messages)
 * with the escapes real prompts carry: line breaks, quotes and a \u escape.
 */
function chatRequest(): Buffer {
  let next = 0;
  const text = (characters: number) => {
    let out = '';
    while (out.length < characters) {
      out += PROMPT_SENTENCES[next % PROMPT_SENTENCES.length]!;
      out += next % 3 === 2 ? '\n\n' : ' ';
      next++;
    }
    return out.trim();
  };
  const body = JSON.stringify({
    model: 'gpt-4o-mini',
    messages: [
      { role: 'system', content: text(2000) },
      { role: 'user', content: `Here are my notes on the report:\n${text(1400)}` },
      { role: 'assistant', content: text(600) },
      { role: 'user', content: `Thanks. One more "quick" question: ${text(800)}` },
    ],
    temperature: 0.2,
    max_tokens: 512,
    stream: false,
    user: 'bench-user-0001',
  });
  // JSON.stringify writes é as is; clients that escape non-ASCII send \u00e9.
  return Buffer.from(body.replaceAll('é', '\\u00e9'));
}

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
    const request = chatRequest();
    const decoder = new TextDecoder();
    const baseline = measure('TextDecoder + JSON.parse of the body', () => JSON.parse(decoder.decode(request)), options);
    const ours = measure(
      "JsonFieldScanner (the chat route's request fields)",
      () => {
        const scanner = new JsonFieldScanner(CHAT_REQUEST_FIELDS);
        scanner.write(request);
        return scanner.result();
      },
      options,
    );
    rows.push({
      name: 'capture: read a chat request (≈5 KiB JSON, 1,200-token prompt)',
      baseline,
      ours,
      note: `${(request.length / 1024).toFixed(1)} KiB`,
    });
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
