// A configuration mistake is logged and left out; it never throws into the host application.
import { strict as assert } from 'node:assert';
import { PricetagInstrumentation } from '../../src/instrumentation.js';
import type { CustomRoute } from '../../src/providers/custom-routes.js';
import { captureDiag } from './support.js';

describe('a broken configuration never reaches the host', function () {
  it('leaves out a custom route that cannot be compiled, keeps the good ones, and says why', function () {
    const good: CustomRoute = {
      host: 'docs.example.com',
      path: '/v1/analyze',
      provider: 'acme',
      operation: 'document_analysis',
      usage: { pages: { response: 'usage.pages' } },
    };
    // One field read two ways: the route cannot be compiled.
    const bad: CustomRoute = {
      host: 'ocr.example.com',
      path: '/v1/ocr',
      provider: 'acme',
      operation: 'ocr',
      usage: { characters: { request: 'text', measure: 'chars' }, documents: { request: 'text', measure: 'count' } },
    };
    const diag = captureDiag();
    let instrumentation: PricetagInstrumentation | undefined;
    try {
      // Not enabled: the shared harness's instrumentation is the one capturing in this process.
      assert.doesNotThrow(() => {
        instrumentation = new PricetagInstrumentation({ enabled: false, routes: [bad, good] });
        void instrumentation.pricer;
      });
    } finally {
      diag.restore();
    }
    assert.match(
      diag.lines.join('\n'),
      /error ai-pricetag route ignored: route ocr\.example\.com\/v1\/ocr: request field "text" is read both as chars and as count/,
    );
    assert.equal(diag.lines.filter((l) => l.includes('route ignored')).length, 1, 'only the bad route is left out');
  });
});
