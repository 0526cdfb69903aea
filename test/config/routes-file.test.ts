import { strict as assert } from 'node:assert';
import { formatProblem } from '../../src/catalog/problems.js';
import { routesFromFile, routesFromText } from '../../src/config/routes-file.js';
import { withEnvironment } from '../../src/config/env.js';

const good = `routes:
  - host: ocr.internal.example
    path: /v1/documents/*/analyze
    provider: acme.ocr
    operation: ocr
    model: { request: model }
    usage:
      pages: { response: usage.pages }
      request_bytes: { requestBytes: true }
      tokens: { response: usage.output_tokens, event: done, measure: value }
    dimensions:
      region: { header: x-region }
      family: { pathSegment: 1 }
      plan: { value: standard }
`;

describe('custom routes from a file', function () {
  it("reads YAML and JSON routes of the option's shape", function () {
    const yaml = routesFromText(good, 'routes.yaml');
    assert.deepEqual(yaml.problems, []);
    assert.equal(yaml.routes.length, 1);
    assert.deepEqual(yaml.routes[0]!.dimensions, {
      region: { header: 'x-region' },
      family: { pathSegment: 1 },
      plan: { value: 'standard' },
    });
    const json = routesFromText(JSON.stringify({ routes: yaml.routes }), 'routes.json');
    assert.deepEqual(json, yaml);
  });

  it('leaves out each route with a problem, located, and keeps the others', function () {
    const text = `${good}  - host: bad host
    path: no-slash
    provider: acme.ocr
    operation: ocr
    method: POST
    colour: red
    usage:
      pages: { pathSegment: -1 }
`;
    const result = routesFromText(text, 'routes.yaml');
    assert.equal(result.routes.length, 1);
    assert.equal(result.routes[0]!.host, 'ocr.internal.example');
    const lines = result.problems.map(formatProblem);
    assert.deepEqual(lines, [
      'routes.yaml:15:11: routes[1].host: must be a host name, with :port unless the default',
      'routes.yaml:16:11: routes[1].path: must start with /',
      'routes.yaml:20:5: routes[1].colour: unknown key',
      'routes.yaml:22:29: routes[1].usage.pages.pathSegment: must be a path segment index (0 for the first)',
    ]);
  });

  it('says what is wrong with a file that is not a routes file, and loses nothing else', function () {
    assert.deepEqual(routesFromText('routes: 3\n', 'r.yaml').problems.map(formatProblem), ['r.yaml:1:9: routes: must be a list of routes']);
    assert.match(routesFromText('routes: [\n', 'r.yaml').problems.map(formatProblem).join('\n'), /^r\.yaml:\d+:\d+: /);
    const missing = routesFromFile('/nonexistent/routes.yaml');
    assert.deepEqual(missing.routes, []);
    assert.equal(missing.problems.length, 1);
    assert.match(formatProblem(missing.problems[0]!), /\/nonexistent\/routes\.yaml/);
  });

  it('fills the routes option from PRICETAG_ROUTES, never over routes given in code', function () {
    const given = [{ host: 'a.example', path: '/x', provider: 'acme.a', operation: 'chat' }];
    assert.deepEqual(withEnvironment({ routes: given }, { PRICETAG_ROUTES: '/nonexistent.yaml' }).routes, given);
    assert.deepEqual(withEnvironment({}, {}).routes, undefined);
  });
});
