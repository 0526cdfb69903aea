// Secrets and content: calls carrying a marker API key (header, query, cookie), marker prompt
// text and, from a server that echoes them, marker completion text (also in error bodies and
// response headers, as providers echo a bad key or parameter), over every transport and the
// official SDKs. Every span attribute, event and status, every call record, the metrics
// exposition and every diag log line (at the most verbose level) must be free of all markers.
import { strict as assert } from 'node:assert';
import http from 'node:http';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { harness, type Harness } from '../support/harness.js';
import { captureDiag, observed, parseExposition, post, TRANSPORTS, type DiagCapture } from './support.js';

const KEY = 'sk-MARKERKEY-3f9a1c7e';
const PROMPT = 'MARKERPROMPT-7d2e';
const COMPLETION = 'MARKERCOMPLETION-b41c';
const MARKERS = [KEY, PROMPT, COMPLETION, 'MARKERKEY', 'MARKERPROMPT', 'MARKERCOMPLETION'];

const completionJson = (model: string) =>
  JSON.stringify({
    id: 'chatcmpl-x',
    object: 'chat.completion',
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: `${COMPLETION} said to ${PROMPT}` }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 12, completion_tokens: 7 },
  });
const completionSse = (model: string) =>
  [
    { id: 'c', model, choices: [{ index: 0, delta: { role: 'assistant', content: COMPLETION } }] },
    { id: 'c', model, choices: [{ index: 0, delta: { content: ` ${PROMPT}` }, finish_reason: 'stop' }] },
    { id: 'c', model, choices: [], usage: { prompt_tokens: 12, completion_tokens: 7 } },
  ]
    .map((c) => `data: ${JSON.stringify(c)}\n\n`)
    .join('') + 'data: [DONE]\n\n';
const anthropicJson = JSON.stringify({
  id: 'msg',
  type: 'message',
  role: 'assistant',
  model: 'claude-haiku-4-5',
  content: [{ type: 'text', text: COMPLETION }],
  usage: { input_tokens: 12, output_tokens: 7 },
});
const anthropicSse = [
  [
    'message_start',
    { type: 'message_start', message: { model: 'claude-haiku-4-5', content: [], usage: { input_tokens: 12, output_tokens: 1 } } },
  ],
  ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: `${COMPLETION} ${PROMPT}` } }],
  ['message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 7 } }],
  ['message_stop', { type: 'message_stop' }],
]
  .map(([event, data]) => `event: ${String(event)}\ndata: ${JSON.stringify(data)}\n\n`)
  .join('');
const geminiJson = JSON.stringify({
  candidates: [{ content: { parts: [{ text: COMPLETION }] }, finishReason: 'STOP' }],
  usageMetadata: { promptTokenCount: 12, candidatesTokenCount: 7 },
  modelVersion: 'gemini-2.5-flash',
});
/** A provider's 401 echoing the key it was given, and a 400 echoing the offending parameter. */
const errorBody = (status: number) =>
  JSON.stringify({
    error: {
      message: status === 401 ? `Incorrect API key provided: ${KEY}.` : `Invalid 'messages[0].content': ${PROMPT}`,
      type: 'invalid_request_error',
    },
  });

describe('secrets and content never leave the application', function () {
  this.timeout(60_000);
  let h: Harness;
  let diag: DiagCapture;
  let internalErrors: number;

  before(async function () {
    h = await harness();
    h.reset();
    internalErrors = h.instrumentation.internalErrors;
    diag = captureDiag();
    /** Answers in the format the path asks for, with the markers in the body and a response header; `x-status` forces an error. */
    h.server.handle((req, body, res) => {
      const text = body.toString();
      const status = Number(req.headers['x-status'] ?? 200);
      const headers = { 'x-request-echo': `${COMPLETION}`, 'set-cookie': `session=${KEY}` };
      if (status >= 400) return void res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(errorBody(status));
      const streamed = /"stream"\s*:\s*true/.test(text) || (req.url ?? '').includes('alt=sse');
      if ((req.url ?? '').includes('/anthropic/')) {
        return void res
          .writeHead(200, { 'content-type': streamed ? 'text/event-stream' : 'application/json', ...headers })
          .end(streamed ? anthropicSse : anthropicJson);
      }
      if ((req.url ?? '').includes('/gemini/'))
        return void res.writeHead(200, { 'content-type': 'application/json', ...headers }).end(geminiJson);
      const answer = streamed ? completionSse('gpt-4o-mini') : completionJson('gpt-4o-mini');
      res.writeHead(200, { 'content-type': streamed ? 'text/event-stream' : 'application/json', ...headers });
      if (req.headers['x-slow'] === undefined) return void res.end(answer);
      // Half now, the rest later: time for the application to give up mid-stream.
      res.write(answer.slice(0, answer.length >> 1));
      const timer = setTimeout(() => res.end(answer.slice(answer.length >> 1)), 2_000);
      res.on('close', () => clearTimeout(timer));
    });
  });
  after(function () {
    diag?.restore();
  });

  it('makes marked calls over fetch, http, axios and the official SDKs, succeeding and failing', async function () {
    const chat = (stream: boolean) => ({
      model: 'gpt-4o-mini',
      user: PROMPT,
      metadata: { note: PROMPT },
      messages: [
        { role: 'system', content: PROMPT },
        { role: 'user', content: `${PROMPT} ${KEY}` },
      ],
      ...(stream && { stream: true, stream_options: { include_usage: true } }),
    });
    const headers = (status: number) => ({
      authorization: `Bearer ${KEY}`,
      'x-api-key': KEY,
      cookie: `key=${KEY}`,
      'x-status': String(status),
    });
    let calls = 0;
    for (const transport of TRANSPORTS) {
      for (const status of [200, 400, 401]) {
        for (const stream of [false, true]) {
          await observed(() =>
            post(transport, `${h.baseUrl('openai')}/chat/completions?api_key=${KEY}`, chat(stream), { headers: headers(status) }),
          );
          calls++;
        }
        await observed(() =>
          post(
            transport,
            `${h.baseUrl('gcp.gemini')}/v1beta/models/gemini-2.5-flash:generateContent?key=${KEY}`,
            { contents: [{ parts: [{ text: PROMPT }] }] },
            { headers: { 'x-goog-api-key': KEY, 'x-status': String(status) } },
          ),
        );
        calls++;
      }
    }
    const openai = new OpenAI({ apiKey: KEY, baseURL: h.baseUrl('openai'), maxRetries: 0 });
    const anthropic = new Anthropic({ apiKey: KEY, baseURL: h.baseUrl('anthropic'), maxRetries: 0 });
    for (const status of [200, 401]) {
      const options = { headers: { 'x-status': String(status) } };
      await observed(() =>
        openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: PROMPT }] }, options),
      );
      await observed(async () => {
        const stream = await openai.chat.completions.create(
          { model: 'gpt-4o-mini', messages: [{ role: 'user', content: PROMPT }], stream: true, stream_options: { include_usage: true } },
          options,
        );
        for await (const _ of stream);
      });
      await observed(() =>
        anthropic.messages.create(
          { model: 'claude-haiku-4-5', max_tokens: 20, system: PROMPT, messages: [{ role: 'user', content: PROMPT }] },
          options,
        ),
      );
      await observed(async () => {
        const stream = anthropic.messages.stream(
          { model: 'claude-haiku-4-5', max_tokens: 20, messages: [{ role: 'user', content: PROMPT }] },
          options,
        );
        await stream.finalMessage();
      });
      calls += 4;
    }
    // An application giving up with its own words as the reason: before the request left, and mid-stream.
    const early = new AbortController();
    const aborted = fetch(`${h.baseUrl('openai')}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(chat(false)),
      signal: early.signal,
    });
    early.abort(`${PROMPT} was cancelled`);
    await observed(() => aborted);
    await observed(async () => {
      const late = new AbortController();
      const res = await fetch(`${h.baseUrl('openai')}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-slow': '1' },
        body: JSON.stringify(chat(true)),
        signal: late.signal,
      });
      const reader = res.body!.getReader();
      await reader.read();
      late.abort(`${PROMPT} was cancelled mid-stream`);
      return reader.read();
    });
    await observed(
      () =>
        new Promise((resolve, reject) => {
          const req = http.request(
            `${h.baseUrl('openai')}/chat/completions`,
            { method: 'POST', headers: { 'content-type': 'application/json', 'x-slow': '1' } },
            (res) => {
              res.once('data', () => req.destroy(`${PROMPT} destroyed` as unknown as Error));
              res.on('error', reject);
              res.on('close', resolve);
            },
          );
          req.on('error', reject);
          req.end(JSON.stringify(chat(true)));
        }),
    );
    calls += 2;

    const spans = await h.aiSpans();
    assert.equal(spans.length, calls + 1, 'every marked call was recognised and recorded, the aborted one too');
    assert.ok(
      spans.some((s) => typeof s.attributes['ai.cost.amount'] === 'number' && s.attributes['ai.cost.amount'] > 0),
      'and priced',
    );
    assert.equal(h.server.received.filter((r) => r.body.toString().includes(PROMPT)).length, calls, 'the markers did reach the provider');
  });

  it('finds no marker in any span, record, metric or diag line, and no fault inside ai-pricetag', async function () {
    const spans = h.exporter.getFinishedSpans();
    const places: [string, string][] = [
      [
        'spans',
        JSON.stringify(
          spans.map((s) => ({
            name: s.name,
            attributes: s.attributes,
            events: s.events,
            links: s.links,
            status: s.status,
            resource: s.resource.attributes,
            scope: s.instrumentationScope,
          })),
        ),
      ],
      ['records', JSON.stringify(h.records)],
      ['metrics', await h.scrape()],
      ['diag', diag.lines.join('\n')],
    ];
    parseExposition(places[2]![1]);
    for (const [where, text] of places) {
      for (const marker of MARKERS)
        assert.ok(
          !text.includes(marker),
          `${marker} found in ${where}: …${text.slice(Math.max(0, text.indexOf(marker) - 200), text.indexOf(marker) + 60)}…`,
        );
    }
    assert.ok(spans.length > 0 && places[1]![1].length > 100, 'there was something to search');
    assert.equal(h.instrumentation.internalErrors, internalErrors);
  });
});
