import { strict as assert } from 'node:assert';
import { BUILT_IN_ADAPTERS } from '../../src/providers/index.js';
import { hostAndPath, ProviderRegistry, type Endpoint } from '../../src/providers/registry.js';
import type { ProviderAdapter } from '../../src/providers/types.js';

const headers =
  (h: Record<string, string> = {}) =>
  (name: string): string | undefined =>
    h[name];

function recognize(registry: ProviderRegistry, method: string, host: string, pathAndQuery: string, h: Record<string, string> = {}) {
  const r = registry.recognize(method, host, pathAndQuery, headers(h));
  return r === undefined
    ? undefined
    : {
        provider: r.adapter.provider,
        operation: r.route.operation,
        method: r.head.method,
        host: r.head.host,
        path: r.head.path,
        query: r.head.query,
      };
}

const builtIn = (endpoints: readonly Endpoint[] = []) => new ProviderRegistry(BUILT_IN_ADAPTERS, endpoints);

describe('ProviderRegistry', function () {
  describe('official hosts', function () {
    const registry = builtIn();

    it('recognises an OpenAI chat completion, path relative to /v1', function () {
      assert.deepEqual(recognize(registry, 'post', 'api.openai.com', '/v1/chat/completions'), {
        provider: 'openai',
        operation: 'chat',
        method: 'POST',
        host: 'api.openai.com',
        path: '/chat/completions',
        query: '',
      });
    });

    it('recognises other providers by their own hosts', function () {
      assert.equal(recognize(registry, 'POST', 'api.anthropic.com', '/v1/messages')?.provider, 'anthropic');
      assert.equal(recognize(registry, 'POST', 'api.mistral.ai', '/v1/chat/completions')?.provider, 'mistral_ai');
      assert.equal(recognize(registry, 'POST', 'api-free.deepl.com', '/v2/translate')?.provider, 'deepl');
      assert.equal(recognize(registry, 'POST', 'api.deepl.com', '/v2/translate')?.provider, 'deepl');
    });

    it('leaves alone other methods, paths outside the base and unknown paths', function () {
      assert.equal(recognize(registry, 'GET', 'api.openai.com', '/v1/chat/completions'), undefined);
      assert.equal(recognize(registry, 'POST', 'api.openai.com', '/v2/chat/completions'), undefined);
      assert.equal(recognize(registry, 'POST', 'api.openai.com', '/v1chat/completions'), undefined);
      assert.equal(recognize(registry, 'POST', 'api.openai.com', '/v1'), undefined);
      assert.equal(recognize(registry, 'POST', 'api.openai.com', '/v1/models'), undefined);
      assert.equal(recognize(registry, 'POST', 'example.com', '/v1/chat/completions'), undefined);
    });

    it('splits the query string off the path', function () {
      const r = recognize(registry, 'POST', 'api.openai.com', '/v1/chat/completions?foo=1&bar=%20x');
      assert.equal(r?.path, '/chat/completions');
      assert.equal(r?.query, 'foo=1&bar=%20x');
      const empty = recognize(registry, 'POST', 'api.openai.com', '/v1/embeddings?');
      assert.deepEqual([empty?.path, empty?.query], ['/embeddings', '']);
      const questionInQuery = recognize(registry, 'POST', 'api.openai.com', '/v1/embeddings?a=?b');
      assert.deepEqual([questionInQuery?.path, questionInQuery?.query], ['/embeddings', 'a=?b']);
    });
  });

  describe('configured endpoints', function () {
    it('recognises calls under the base URL with the path relative to it', function () {
      const registry = builtIn([{ provider: 'openai', baseUrl: 'http://127.0.0.1:8080/v1' }]);
      assert.equal(registry.knowsHost('127.0.0.1:8080'), true);
      assert.deepEqual(recognize(registry, 'POST', '127.0.0.1:8080', '/v1/chat/completions?x=1'), {
        provider: 'openai',
        operation: 'chat',
        method: 'POST',
        host: '127.0.0.1:8080',
        path: '/chat/completions',
        query: 'x=1',
      });
      assert.equal(recognize(registry, 'POST', '127.0.0.1:8080', '/chat/completions'), undefined);
      assert.equal(recognize(registry, 'POST', '127.0.0.1:8080', '/v10/chat/completions'), undefined);
      assert.equal(recognize(registry, 'POST', '127.0.0.1:8081', '/v1/chat/completions'), undefined);
    });

    it('answers knowsHost the same for every host, however many the application talks to (the kept answers are bounded)', function () {
      const registry = builtIn([{ provider: 'openai', baseUrl: 'http://127.0.0.1:8080/v1' }]);
      for (let round = 0; round < 2; round++) {
        // More distinct hosts than the registry keeps answers for: asked again, each is still right.
        for (let i = 0; i < 3000; i++) assert.equal(registry.knowsHost(`service-${i}.internal:${8000 + (i % 7)}`), false);
        assert.equal(registry.knowsHost('127.0.0.1:8080'), true);
        assert.equal(registry.knowsHost('127.0.0.1:8081'), false);
        assert.equal(registry.knowsHost('bedrock-runtime.eu-west-1.amazonaws.com'), true, 'by suffix');
        assert.equal(registry.knowsHost('api.openai.com'), true);
      }
    });

    it('ignores a trailing slash and letter case in the base URL, and default ports', function () {
      const registry = builtIn([
        { provider: 'openai', baseUrl: 'HTTP://GateWay.Local:80/proxy/openai/v1/' },
        { provider: 'anthropic', baseUrl: 'https://gateway.local:443/proxy/anthropic' },
      ]);
      assert.equal(registry.knowsHost('gateway.local'), true);
      assert.equal(recognize(registry, 'POST', 'gateway.local', '/proxy/openai/v1/embeddings')?.path, '/embeddings');
      assert.equal(recognize(registry, 'POST', 'gateway.local', '/proxy/anthropic/v1/messages')?.provider, 'anthropic');
    });

    it('recognises a base URL without a path', function () {
      const registry = builtIn([{ provider: 'aws.comprehend', baseUrl: 'http://localhost:4566' }]);
      const r = recognize(registry, 'POST', 'localhost:4566', '/', { 'x-amz-target': 'Comprehend_20171127.DetectSentiment' });
      assert.deepEqual([r?.provider, r?.operation, r?.path], ['aws.comprehend', 'sentiment', '/']);
    });

    it('lets an endpoint win over a built-in base URL on the same host', function () {
      const registry = builtIn([{ provider: 'mistral_ai', baseUrl: 'https://api.openai.com/v1' }]);
      assert.equal(recognize(registry, 'POST', 'api.openai.com', '/v1/chat/completions')?.provider, 'mistral_ai');
      // A path the endpoint's adapter does not know still reaches the built-in one.
      assert.equal(recognize(registry, 'POST', 'api.openai.com', '/v1/responses')?.provider, 'openai');
    });

    it('tries longer base paths first, whatever the configuration order', function () {
      const longer: Endpoint = { provider: 'openai', baseUrl: 'http://gw.local/openai/deployments/d' };
      const shorter: Endpoint = { provider: 'azure.ai.openai', baseUrl: 'http://gw.local' };
      for (const endpoints of [
        [longer, shorter],
        [shorter, longer],
      ]) {
        const registry = builtIn(endpoints);
        const r = recognize(registry, 'POST', 'gw.local', '/openai/deployments/d/chat/completions');
        assert.deepEqual([r?.provider, r?.path], ['openai', '/chat/completions'], JSON.stringify(endpoints));
        const other = recognize(registry, 'POST', 'gw.local', '/openai/deployments/e/chat/completions');
        assert.deepEqual([other?.provider, other?.path], ['azure.ai.openai', '/openai/deployments/e/chat/completions']);
      }
    });

    it('tries longer base paths first among adapters of its own too', function () {
      const catchAll = (provider: string): ProviderAdapter => ({
        provider,
        baseUrls: [],
        route: () => ({ operation: 'any', requestFields: [], begin: () => ({ responseFields: [], finish: () => ({ items: [] }) }) }),
      });
      const registry = new ProviderRegistry(
        [catchAll('short'), catchAll('long')],
        [
          { provider: 'short', baseUrl: 'http://h.local/a' },
          { provider: 'long', baseUrl: 'http://h.local/a/b' },
        ],
      );
      assert.deepEqual(recognize(registry, 'POST', 'h.local', '/a/b/c'), {
        provider: 'long',
        operation: 'any',
        method: 'POST',
        host: 'h.local',
        path: '/c',
        query: '',
      });
      assert.deepEqual(recognize(registry, 'POST', 'h.local', '/a/bc')?.provider, 'short');
      assert.deepEqual(recognize(registry, 'POST', 'h.local', '/a/b')?.path, '/');
      assert.equal(recognize(registry, 'POST', 'h.local', '/ab'), undefined);
    });

    it('takes a deprecated provider id for its replacement, with a warning naming both and the endpoint', function () {
      const warnings: string[] = [];
      const registry = new ProviderRegistry(
        BUILT_IN_ADAPTERS,
        [
          { provider: 'google', baseUrl: 'http://alias.local/gemini' },
          { provider: 'azure-openai', baseUrl: 'http://alias.local/azure' },
          { provider: 'openai', baseUrl: 'http://alias.local/openai/v1' },
        ],
        (message) => warnings.push(message),
      );
      const gemini = recognize(registry, 'POST', 'alias.local', '/gemini/v1beta/models/gemini-2.5-flash:generateContent');
      assert.deepEqual([gemini?.provider, gemini?.operation], ['gcp.gemini', 'generate_content']);
      assert.equal(recognize(registry, 'POST', 'alias.local', '/azure/openai/deployments/d/chat/completions')?.provider, 'azure.ai.openai');
      assert.deepEqual(warnings, [
        'ai-pricetag: endpoint http://alias.local/gemini: provider "google" is deprecated: use "gcp.gemini" (its operation "chat" is "generate_content")',
        'ai-pricetag: endpoint http://alias.local/azure: provider "azure-openai" is deprecated: use "azure.ai.openai"',
      ]);
    });

    it('leaves out an endpoint naming no adapter, or not a URL, and keeps the others (test/config/endpoints.test.ts)', function () {
      const registry = builtIn([
        { provider: 'nope', baseUrl: 'http://x.local' },
        { provider: 'openai', baseUrl: 'not a url' },
        { provider: 'openai', baseUrl: 'http://kept.local/v1' },
      ]);
      assert.deepEqual(
        registry.rejectedEndpoints.map((r) => r.entry),
        ['nope=http://x.local/', 'openai=not a url'],
      );
      assert.equal(recognize(registry, 'POST', 'kept.local', '/v1/chat/completions')?.provider, 'openai');
    });
  });

  describe('host suffix adapters', function () {
    const registry = builtIn();

    it('recognises an Azure OpenAI deployment on a per-resource host', function () {
      const r = recognize(registry, 'POST', 'myres.openai.azure.com', '/openai/deployments/d/chat/completions?api-version=2024-10-21');
      assert.deepEqual(r, {
        provider: 'azure.ai.openai',
        operation: 'chat',
        method: 'POST',
        host: 'myres.openai.azure.com',
        path: '/openai/deployments/d/chat/completions',
        query: 'api-version=2024-10-21',
      });
      assert.equal(
        recognize(registry, 'POST', 'myres.openai.azure.com:8443', '/openai/deployments/d/embeddings')?.provider,
        'azure.ai.openai',
      );
    });

    it('recognises Comprehend by its host and x-amz-target', function () {
      const target = { 'x-amz-target': 'Comprehend_20171127.DetectSentiment' };
      const r = recognize(registry, 'POST', 'comprehend.us-east-1.amazonaws.com', '/', target);
      assert.deepEqual([r?.provider, r?.operation, r?.path], ['aws.comprehend', 'sentiment', '/']);
      assert.equal(recognize(registry, 'POST', 'comprehend.us-east-1.amazonaws.com', '/'), undefined);
      assert.equal(recognize(registry, 'POST', 's3.us-east-1.amazonaws.com', '/', target), undefined);
      const translate = recognize(registry, 'POST', 'translate.eu-west-1.amazonaws.com', '/', {
        'x-amz-target': 'AWSShineFrontendService_20170701.TranslateText',
      });
      assert.equal(translate?.provider, 'aws.translate');
    });

    it('knows no unrelated host', function () {
      for (const host of [
        'example.com',
        'api.openai.com.evil.com',
        'openai.azure.com',
        'xopenai.azure.com',
        'notamazonaws.com',
        'amazonaws.com',
        'api.openai.com:8443',
        'localhost',
        '[::1]:8080',
        '',
      ]) {
        assert.equal(registry.knowsHost(host), false, host);
      }
    });

    it('knows official hosts and suffix hosts, with or without a port', function () {
      for (const host of [
        'api.openai.com',
        'api.anthropic.com',
        'generativelanguage.googleapis.com',
        'myres.openai.azure.com',
        'myres.openai.azure.com:8443',
        'comprehend.us-east-1.amazonaws.com',
        'comprehend.us-east-1.amazonaws.com:443',
        'lang.cognitiveservices.azure.com',
      ]) {
        assert.equal(registry.knowsHost(host), true, host);
      }
    });

    it('knows an IPv6 endpoint host', function () {
      const v6 = builtIn([{ provider: 'openai', baseUrl: 'http://[::1]:8080/v1' }]);
      assert.equal(v6.knowsHost('[::1]:8080'), true);
      assert.equal(v6.knowsHost('[::1]'), false);
      assert.equal(recognize(v6, 'POST', '[::1]:8080', '/v1/chat/completions')?.provider, 'openai');
    });
  });
});

describe('hostAndPath', function () {
  it('gives the lower-case host without default ports and the path without trailing slashes', function () {
    assert.deepEqual(hostAndPath('https://API.OpenAI.com:443/v1/'), { host: 'api.openai.com', path: '/v1' });
    assert.deepEqual(hostAndPath('http://h:8080'), { host: 'h:8080', path: '' });
    assert.deepEqual(hostAndPath('http://h//'), { host: 'h', path: '' });
    assert.equal(hostAndPath('::'), undefined);
  });
});
