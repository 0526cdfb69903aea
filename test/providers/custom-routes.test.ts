import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractFields } from '../../src/providers/fields.js';
import { JsonFieldScanner } from '../../src/capture/json-scanner.js';
import { loadCatalogs } from '../../src/catalog/load.js';
import { formatDecimal } from '../../src/pricing/decimal.js';
import { customAdapters, type CustomRoute } from '../../src/providers/custom-routes.js';
import { ProviderRegistry } from '../../src/providers/registry.js';
import type { CallFacts, CallReader, RequestHead, Route } from '../../src/providers/types.js';

const ocrRoute: CustomRoute = {
  host: 'api.example.com',
  path: '/v1/documents/*/analyze',
  method: 'POST',
  provider: 'acme-ocr',
  operation: 'ocr',
  model: { request: 'model' },
  usage: {
    pages: { response: 'usage.pages' },
    request_bytes: { requestBytes: true },
    characters: { request: 'text', measure: 'chars' },
  },
  dimensions: {
    quality: { request: 'options.quality' },
    region: { header: 'x-region' },
  },
};

function head(
  path: string,
  options: { method?: string; host?: string; query?: string; headers?: Record<string, string> } = {},
): RequestHead {
  const headers = options.headers ?? {};
  return {
    method: options.method ?? 'POST',
    host: options.host ?? 'api.example.com',
    path,
    query: options.query ?? '',
    header: (name) => headers[name],
  };
}

function routeFor(routes: readonly CustomRoute[], h: RequestHead): Route | undefined {
  const adapters = customAdapters(routes);
  return adapters.find((a) => a.baseUrls.includes(`http://${h.host}`))?.route(h);
}

interface Drive {
  readonly reader: CallReader;
  readonly facts: CallFacts;
}

function drive(route: Route, h: RequestHead, requestBody: unknown, responseBody: unknown, requestBytes: number | null = 1234): Drive {
  const reader = route.begin(extractFields(requestBody, route.requestFields), h);
  const response = extractFields(responseBody, reader.responseFields);
  const facts = reader.finish(
    requestBytes === null ? { status: 200, response, aborted: false } : { status: 200, response, aborted: false, requestBytes },
  );
  return { reader, facts };
}

const requestBody = { model: 'ocr-large', text: 'héllo 🎉 wörld', options: { quality: 'high', pages: 99 } };
const responseBody = { id: 'r1', usage: { pages: 3 }, model: 'ignored' };
const regionHead = (path = '/v1/documents/doc-42/analyze') => head(path, { headers: { 'x-region': 'eu' } });

describe('custom routes', function () {
  it('makes one adapter per host, named after the route provider, with an http base URL', function () {
    const adapters = customAdapters([ocrRoute, { host: 'OTHER.example.com:8080', path: '/x', provider: 'other', operation: 'op' }]);
    assert.deepEqual(
      adapters.map((a) => [a.provider, a.baseUrls]),
      [
        ['acme-ocr', ['http://api.example.com']],
        ['other', ['http://other.example.com:8080']],
      ],
    );
  });

  it('takes a deprecated provider id for its replacement, its operation too, with one warning per route', function () {
    const warnings: string[] = [];
    const routes: CustomRoute[] = [
      { host: 'speech.example.com', path: '/v1/recognize', provider: 'google-cloud-speech', operation: 'audio_transcription' },
      { host: 'gemini.example.com', path: '/generate', provider: 'google', operation: 'chat' },
    ];
    const adapters = customAdapters(routes, (message) => warnings.push(message));
    customAdapters(routes, (message) => warnings.push(message));
    assert.deepEqual(
      adapters.map((a) => [a.provider, a.route(head(a === adapters[0] ? '/v1/recognize' : '/generate'))?.operation]),
      [
        ['gcp.speech', 'audio_transcription'],
        ['gcp.gemini', 'generate_content'],
      ],
    );
    assert.deepEqual(warnings, [
      'ai-pricetag: route speech.example.com/v1/recognize: provider "google-cloud-speech" is deprecated: use "gcp.speech"',
      'ai-pricetag: route gemini.example.com/generate: provider "google" is deprecated: ' +
        'use "gcp.gemini" (its operation "chat" is "generate_content")',
    ]);
  });

  it('reads model, usage and dimensions from request, response, header and request size', function () {
    const route = routeFor([ocrRoute], regionHead());
    assert.ok(route !== undefined);
    assert.equal(route.operation, 'ocr');
    assert.deepEqual(
      [...route.requestFields].sort((a, b) => a.path.localeCompare(b.path)),
      [
        { path: 'model', mode: 'value' },
        { path: 'options.quality', mode: 'value' },
        { path: 'text', mode: 'chars' },
      ],
    );
    const { reader, facts } = drive(route, regionHead(), requestBody, responseBody);
    assert.equal(reader.requestModel, 'ocr-large');
    assert.deepEqual(reader.responseFields, [{ path: 'usage.pages', mode: 'value' }]);
    assert.deepEqual(facts, {
      responseModel: 'ocr-large',
      items: [
        {
          operation: 'ocr',
          model: 'ocr-large',
          usage: { pages: 3, request_bytes: 1234, characters: 13 },
          dimensions: { quality: 'high', region: 'eu' },
        },
      ],
    });
  });

  it('makes a call whose billed quantity is absent or not a count unpriced (no usage), never free', function () {
    const route = routeFor([ocrRoute], head('/v1/documents/d/analyze'))!;
    const missing = drive(route, head('/v1/documents/d/analyze'), { model: 'ocr-large', text: 'abc' }, { id: 'r1' });
    assert.deepEqual(missing.facts, { responseModel: 'ocr-large', items: [], noUsage: true });
    for (const pages of [-1, 'lots', '0x10', '', null, { n: 3 }]) {
      const { facts } = drive(route, head('/v1/documents/d/analyze'), { model: 'ocr-large', text: 'abc' }, { usage: { pages } });
      assert.deepEqual(facts, { responseModel: 'ocr-large', items: [], noUsage: true }, JSON.stringify(pages));
    }
    // The request's size unknown (the body could not be measured) is unknown usage too.
    const noBytes = drive(route, head('/v1/documents/d/analyze'), { text: 'abc' }, { usage: { pages: 2 } }, null);
    assert.equal(noBytes.facts.noUsage, true);
  });

  it('leaves out dimensions that are absent or not scalars, and reads numeric strings as counts', function () {
    const route = routeFor([ocrRoute], head('/v1/documents/d/analyze'))!;
    const { facts } = drive(
      route,
      head('/v1/documents/d/analyze'),
      { model: 'ocr-large', text: 'abc', options: { quality: { nested: true } } },
      { usage: { pages: 1 } },
    );
    assert.deepEqual(facts.items[0]?.usage, { pages: 1, request_bytes: 1234, characters: 3 });
    assert.deepEqual(facts.items[0]?.dimensions, {});
    const empty = drive(route, head('/v1/documents/d/analyze'), { text: '' }, { usage: { pages: 0 } });
    assert.deepEqual(empty.facts.items[0]?.usage, { pages: 0, request_bytes: 1234, characters: 0 }, 'a real 0 is a quantity');
    assert.equal(empty.facts.items[0]?.model, undefined);
    const numericString = drive(route, head('/v1/documents/d/analyze'), { text: 'x' }, { usage: { pages: '4' } });
    assert.equal(numericString.facts.items[0]?.usage.pages, 4);
  });

  describe('streamed responses and path segments', function () {
    const llm: CustomRoute = {
      host: 'llm.internal.example',
      path: '/v1/models/*/generate',
      provider: 'acme-llm',
      operation: 'chat',
      model: { pathSegment: 2 },
      usage: {
        input_tokens: { response: 'usage.input_tokens' },
        output_tokens: { response: 'usage.output_tokens', event: 'done' },
        chunks: { response: 'delta', measure: 'count' },
      },
    };
    const h = head('/v1/models/acme%2Fbig-2/generate', { host: 'llm.internal.example' });

    /** Feeds SSE events (name, JSON data) to the route's reader, as capture does for a stream. */
    function stream(events: readonly (readonly [string, unknown])[]): CallFacts {
      const route = routeFor([llm], h)!;
      const reader = route.begin(extractFields({}, route.requestFields), h);
      assert.ok(reader.onEvent !== undefined, 'a route reading response fields reads stream events');
      for (const [name, data] of events) reader.onEvent(name, typeof data === 'string' ? data : JSON.stringify(data));
      return reader.finish({ status: 200, response: new Map(), aborted: false, requestBytes: 10 });
    }

    it('takes the model from a path segment, unescaped', function () {
      const route = routeFor([llm], h)!;
      assert.equal(route.begin(new Map(), h).requestModel, 'acme/big-2');
    });

    it('reads usage from the events: the last that has a value field, counts added up, named events only where asked', function () {
      const facts = stream([
        ['message', { delta: 'Hel' }],
        ['message', { delta: 'lo', usage: { input_tokens: 5 } }],
        ['message', { usage: { input_tokens: 7, output_tokens: 999 } }],
        ['done', { usage: { output_tokens: 12 } }],
        ['message', 'not json {"usage"'],
      ]);
      assert.deepEqual(facts, {
        responseModel: 'acme/big-2',
        items: [{ operation: 'chat', model: 'acme/big-2', usage: { input_tokens: 7, output_tokens: 12, chunks: 2 }, dimensions: {} }],
      });
    });

    it('is unpriced (no usage) when the stream never tells a billed quantity', function () {
      const facts = stream([
        ['message', { delta: 'Hi' }],
        ['message', { usage: { input_tokens: 7, output_tokens: 3 } }],
      ]);
      assert.deepEqual(facts, { responseModel: 'acme/big-2', items: [], noUsage: true }, 'output_tokens only from "done" events');
    });
  });

  describe('path and method matching', function () {
    const routes: CustomRoute[] = [
      ocrRoute,
      { host: 'api.example.com', path: '/v2/**', provider: 'acme-ocr', operation: 'any' },
      { host: 'api.example.com', path: '/v3/jobs.list', method: 'get', provider: 'acme-ocr', operation: 'list' },
      { host: 'api.example.com', path: '/v4/a*b/(x)', method: 'PUT', provider: 'acme-ocr', operation: 'literal' },
    ];
    const op = (path: string, method = 'POST') => routeFor(routes, head(path, { method }))?.operation;

    it('matches * as exactly one path segment', function () {
      assert.equal(op('/v1/documents/abc/analyze'), 'ocr');
      assert.equal(op('/v1/documents/a.b-c_d%20e/analyze'), 'ocr');
      assert.equal(op('/v1/documents/a/b/analyze'), undefined);
      assert.equal(op('/v1/documents//analyze'), undefined);
      assert.equal(op('/v1/documents/analyze'), undefined);
      assert.equal(op('/v1/documents/abc/analyzer'), undefined);
      assert.equal(op('/x/v1/documents/abc/analyze'), undefined);
    });

    it('accepts one trailing slash', function () {
      assert.equal(op('/v1/documents/abc/analyze/'), 'ocr');
      assert.equal(op('/v1/documents/abc/analyze//'), undefined);
    });

    it('matches ** as any rest of the path', function () {
      assert.equal(op('/v2/x'), 'any');
      assert.equal(op('/v2/x/y/z'), 'any');
      assert.equal(op('/v2/'), 'any');
      assert.equal(op('/v20/x'), undefined);
    });

    it('treats other characters literally', function () {
      assert.equal(op('/v3/jobs.list', 'GET'), 'list');
      assert.equal(op('/v3/jobsXlist', 'GET'), undefined);
      assert.equal(op('/v4/a*b/(x)', 'PUT'), 'literal');
      assert.equal(op('/v4/aXb/(x)', 'PUT'), undefined);
      assert.equal(op('/v4/a*b/x', 'PUT'), undefined);
    });

    it('needs the method (POST by default, case-insensitive in the config)', function () {
      assert.equal(op('/v1/documents/abc/analyze', 'GET'), undefined);
      assert.equal(op('/v1/documents/abc/analyze', 'PUT'), undefined);
      assert.equal(op('/v2/x', 'GET'), undefined);
      assert.equal(op('/v3/jobs.list', 'POST'), undefined);
    });

    it('tries routes of one host in configuration order', function () {
      const first = { host: 'h.example', path: '/a/*', provider: 'p', operation: 'first' };
      const second = { host: 'h.example', path: '/a/b', provider: 'p', operation: 'second' };
      assert.equal(routeFor([first, second], head('/a/b', { host: 'h.example' }))?.operation, 'first');
      assert.equal(routeFor([second, first], head('/a/b', { host: 'h.example' }))?.operation, 'second');
    });
  });

  it('uses constants for model, usage and dimensions', function () {
    const route: CustomRoute = {
      host: 'api.example.com',
      path: '/v1/search',
      provider: 'acme-search',
      operation: 'search',
      model: 'acme-search-v2',
      usage: { requests: { value: 2 }, pages: { value: '5' } },
      dimensions: { search_depth: { value: 'advanced' }, size: { value: 10 } },
    };
    const r = routeFor([route], head('/v1/search'))!;
    assert.deepEqual(r.requestFields, []);
    const { reader, facts } = drive(r, head('/v1/search'), {}, {});
    assert.equal(reader.requestModel, 'acme-search-v2');
    assert.deepEqual(reader.responseFields, []);
    assert.deepEqual(facts, {
      responseModel: 'acme-search-v2',
      items: [
        {
          operation: 'search',
          model: 'acme-search-v2',
          usage: { requests: 2, pages: 5 },
          dimensions: { search_depth: 'advanced', size: '10' },
        },
      ],
    });
  });

  it('reads a header named in any case, and a model from the response when the request has none', function () {
    const route: CustomRoute = {
      host: 'api.example.com',
      path: '/v1/run',
      provider: 'acme',
      operation: 'run',
      model: { response: 'model' },
      usage: { seconds: { header: 'X-Billed-Seconds' } },
      dimensions: { region: { header: 'X-Region' } },
    };
    const h = head('/v1/run', { headers: { 'x-billed-seconds': '12.5', 'x-region': 'us-east' } });
    const r = routeFor([route], h)!;
    const { reader, facts } = drive(r, h, {}, { model: '  acme-large\u0007 ' });
    assert.equal(reader.requestModel, undefined);
    assert.deepEqual(reader.responseFields, [{ path: 'model', mode: 'value' }]);
    assert.equal(facts.responseModel, 'acme-large');
    assert.deepEqual(facts.items, [{ operation: 'run', model: 'acme-large', usage: { seconds: 12.5 }, dimensions: { region: 'us-east' } }]);
  });

  it('is recognised through the registry by host and path', function () {
    const registry = new ProviderRegistry(customAdapters([ocrRoute]));
    assert.equal(registry.knowsHost('api.example.com'), true);
    const recognition = registry.recognize('post', 'api.example.com', '/v1/documents/7/analyze?verbose=1', (n) =>
      n === 'x-region' ? 'eu' : undefined,
    );
    assert.deepEqual(
      [recognition?.adapter.provider, recognition?.route.operation, recognition?.head.path, recognition?.head.query],
      ['acme-ocr', 'ocr', '/v1/documents/7/analyze', 'verbose=1'],
    );
  });

  it('attributes each route on a shared host to its own provider', function () {
    const routes: CustomRoute[] = [
      { host: 'gateway.example.com', path: '/ocr', provider: 'acme-ocr', operation: 'ocr' },
      { host: 'gateway.example.com', path: '/translate', provider: 'acme-translate', operation: 'translation' },
    ];
    const registry = new ProviderRegistry(customAdapters(routes));
    const ocr = registry.recognize('POST', 'gateway.example.com', '/ocr', () => undefined);
    const translate = registry.recognize('POST', 'gateway.example.com', '/translate', () => undefined);
    assert.deepEqual([ocr?.adapter.provider, ocr?.route.operation], ['acme-ocr', 'ocr']);
    assert.deepEqual([translate?.adapter.provider, translate?.route.operation], ['acme-translate', 'translation']);
  });

  it('refuses a route that reads one request field two ways, naming the field', function () {
    // Extracted values are keyed by path, so one path cannot carry both measures.
    const route: CustomRoute = {
      host: 'api.example.com',
      path: '/v1/classify',
      provider: 'acme',
      operation: 'classification',
      usage: {
        characters: { request: 'documents.*.text', measure: 'chars' },
        text_records: { request: 'documents.*.text', measure: 'count' },
      },
    };
    assert.throws(
      () => customAdapters([route]),
      /request field "documents\.\*\.text" is read both as chars and as count; use one measure per field/,
    );
  });

  it('reads the same field twice under one measure only once', function () {
    const route: CustomRoute = {
      host: 'api.example.com',
      path: '/v1/classify',
      provider: 'acme',
      operation: 'classification',
      usage: { characters: { request: 'documents.*.text', measure: 'chars' } },
      dimensions: { size: { request: 'documents.*.text', measure: 'chars' } },
    };
    const body = { documents: [{ text: 'hello' }, { text: 'wörld 🎉' }] };
    const r = routeFor([route], head('/v1/classify'))!;
    const scanner = new JsonFieldScanner(r.requestFields);
    scanner.write(Buffer.from(JSON.stringify(body)));
    const facts = r.begin(scanner.result(), head('/v1/classify')).finish({ status: 200, response: new Map(), aborted: false });
    assert.deepEqual(facts.items[0]?.usage, { characters: 12 });
    assert.deepEqual(drive(r, head('/v1/classify'), body, {}).facts.items[0]?.usage, { characters: 12 }, 'the reference extraction agrees');
  });

  describe('priced by a layered catalog', function () {
    let dir: string;
    before(function () {
      dir = mkdtempSync(join(tmpdir(), 'pricetag-custom-'));
    });
    after(function () {
      rmSync(dir, { recursive: true, force: true });
    });

    it('prices the item exactly with the plan of the later layer', function () {
      const base = join(dir, 'base.yaml');
      const override = join(dir, 'override.yaml');
      writeFileSync(
        base,
        [
          'catalog: acme-base',
          'currency: USD',
          'plans:',
          '  - id: acme/ocr',
          '    provider: acme-ocr',
          '    operations: [ocr]',
          '    models: [ocr-large]',
          '    charges:',
          '      - { unit: pages, rate: 1 }',
          '',
        ].join('\n'),
      );
      writeFileSync(
        override,
        [
          'catalog: acme-negotiated',
          'currency: EUR',
          'plans:',
          '  - id: acme/ocr',
          '    provider: acme-ocr',
          '    operations: [ocr]',
          '    models: [ocr-large, "ocr-*"]',
          '    tiers:',
          '      - name: high-eu',
          '        when: { quality: high, region: eu }',
          '        charges:',
          '          - { unit: pages, rate: "0.015" }',
          '          - { unit: request_bytes, rate: "0.10", per: 1000000 }',
          '          - { unit: characters, rate: "0.002", per: 1000, increment: 1000 }',
          '      - name: standard',
          '        charges:',
          '          - { unit: pages, rate: "0.01" }',
          '',
        ].join('\n'),
      );
      const loaded = loadCatalogs([base, override], { includeDefault: false });
      assert.ok(loaded.ok, JSON.stringify(!loaded.ok && loaded.problems));

      const route = routeFor([ocrRoute], regionHead())!;
      const item = drive(route, regionHead(), requestBody, responseBody).facts.items[0]!;
      const result = loaded.pricer.price({
        provider: 'acme-ocr',
        operation: item.operation,
        model: item.model,
        usage: item.usage,
        dimensions: item.dimensions,
      });
      assert.ok(result.priced, JSON.stringify(result));
      assert.equal(result.plan.catalog, 'acme-negotiated');
      assert.equal(result.plan.currency, 'EUR');
      assert.equal(result.tier.name, 'high-eu');
      // 3 pages × 0.015 + 1234 bytes × 0.10 / 1e6 + 13 characters billed as 1000 × 0.002 / 1000
      assert.deepEqual(
        result.breakdown.map((l) => [l.unit, l.quantity, l.billed, formatDecimal(l.amount)]),
        [
          ['pages', 3, 3, '0.045'],
          ['request_bytes', 1234, 1234, '0.0001234'],
          ['characters', 13, 1000, '0.002'],
        ],
      );
      assert.equal(formatDecimal(result.cost), '0.0471234');

      const usHead = head('/v1/documents/doc-42/analyze', { headers: { 'x-region': 'us' } });
      const usItem = drive(route, usHead, requestBody, responseBody).facts.items[0]!;
      const us = loaded.pricer.price({
        provider: 'acme-ocr',
        operation: 'ocr',
        model: usItem.model,
        usage: usItem.usage,
        dimensions: usItem.dimensions,
      });
      assert.ok(us.priced);
      assert.equal(us.tier.name, 'standard');
      assert.equal(formatDecimal(us.cost), '0.03');
    });
  });
});
