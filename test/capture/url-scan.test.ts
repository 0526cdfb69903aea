import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { urlPartsOf, hostKeyOf, hostOf, scanUrl } from '../../src/capture/url-scan.js';

describe('hostKeyOf / hostOf (the host check of every fetch)', function () {
  const viaUrl = (href: string): string => new URL(href).host.toLowerCase();

  it('scans the common spellings itself and declines the rest rather than guess', function () {
    assert.equal(hostOf('https://api.openai.com/v1/chat/completions'), 'api.openai.com');
    assert.equal(hostOf('http://127.0.0.1:8080/v1'), '127.0.0.1:8080');
    assert.equal(hostOf('https://API.OpenAI.com:443/v1'), 'api.openai.com');
    for (const odd of [
      'HTTPS://api.openai.com/v1',
      'http://[::1]:8080/',
      'https://h.example:0443/',
      'https://h.example:/',
      'https://bücher.example/',
      'https://h%2Eexample/',
    ]) {
      assert.equal(hostOf(odd), undefined, odd);
    }
  });

  it('agrees with URL on typical URLs', function () {
    for (const href of [
      'https://api.openai.com/v1/chat/completions',
      'https://API.OpenAI.com:443/v1',
      'http://localhost:80/x',
      'http://localhost:443/x',
      'https://localhost:80/x',
      'http://user:pa:ss@Host.Example:8080/p?q=a@b#frag',
      'http://a@b@host.example/',
      'https://[2001:DB8::1]:443/x',
      'http://[::1]:8080?x=1',
      'https://h.example#/path',
      'https://h.example?a=/b',
      'http://h.example',
    ]) {
      assert.equal(hostKeyOf(href), viaUrl(href), href);
    }
    assert.equal(hostKeyOf('no scheme here'), undefined);
  });

  it('agrees with URL for generated URLs with userinfo, ports, IPv6, query and fragment (property)', function () {
    const mixCase = (s: string, mask: readonly boolean[]) =>
      [...s].map((c, i) => (mask[i % Math.max(1, mask.length)] ? c.toUpperCase() : c)).join('');
    const host = fc.oneof(
      fc.tuple(fc.domain(), fc.array(fc.boolean(), { minLength: 1, maxLength: 8 })).map(([d, mask]) => mixCase(d, mask)),
      fc.ipV4(),
      // IPv6 in the canonical form URL serialises (other spellings: see the next test).
      fc.ipV6().map((ip) => new URL(`http://[${ip}]/`).host),
      fc.constantFrom('localhost', 'LOCALHOST'),
    );
    const port = fc.oneof(
      fc.constant(''),
      fc.constantFrom(':80', ':443', ':8080'),
      fc.integer({ min: 1, max: 65535 }).map((p) => `:${p}`),
    );
    const userinfo = fc.oneof(
      fc.constant(''),
      fc.stringMatching(/^[A-Za-z0-9\-._~!$&'()*+,;=:@]{0,12}$/).map((u) => `${u}@`),
    );
    const url = fc
      .tuple(
        fc.constantFrom('http', 'https'),
        userinfo,
        host,
        port,
        fc.oneof(fc.constant(''), fc.webPath()),
        fc.oneof(
          fc.constant(''),
          fc.webQueryParameters().map((q) => `?${q}`),
        ),
        fc.oneof(
          fc.constant(''),
          fc.webFragments().map((f) => `#${f}`),
        ),
      )
      .map(([scheme, u, h, p, path, q, f]) => `${scheme}://${u}${h}${p}${path}${q}${f}`);
    fc.assert(
      fc.property(url, (href) => {
        let expected: string;
        try {
          expected = viaUrl(href);
        } catch {
          return; // not a URL at all (e.g. a generated label URL rejects)
        }
        assert.equal(hostKeyOf(href), expected, href);
      }),
      { numRuns: 2000 },
    );
  });

  it('agrees with URL on spellings URL normalises (scheme case, port spelling, IPv6 form)', function () {
    const hrefs = [
      'HTTPS://api.openai.com:443/v1/chat/completions',
      'Http://api.openai.com:80/v1',
      'https://api.openai.com:0443/v1',
      'https://api.openai.com:/v1',
      'http://[0:0:0:0:0:0:0:1]:8080/v1',
      'http://[::FFFF:127.0.0.1]/',
    ];
    const mismatches = hrefs
      .filter((href) => hostKeyOf(href) !== viaUrl(href))
      .map((href) => `${href}: hostOf ${hostKeyOf(href)}, URL ${viaUrl(href)}`);
    assert.deepEqual(mismatches, []);
  });
});

describe('scanUrl (the URL of a recognised fetch, without a URL object)', function () {
  const fields = (t: {
    protocol: string;
    host: string;
    hostname: string;
    port: string;
    origin: string;
    pathname: string;
    search: string;
  }) => ({
    protocol: t.protocol,
    host: t.host,
    hostname: t.hostname,
    port: t.port,
    origin: t.origin,
    pathname: t.pathname,
    search: t.search,
  });

  it('reads the URLs AI clients send as URL does', function () {
    for (const href of [
      'https://api.openai.com/v1/chat/completions',
      'https://api.openai.com:443/v1/chat/completions',
      'http://127.0.0.1:54321/v1/chat/completions?api-version=2024-10-21',
      'https://API.Anthropic.com/v1/messages',
      'https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:generateContent?alt=sse',
      'http://localhost:8080',
      'http://localhost:8080?',
      'http://localhost:8080/?a=1&b=two',
    ]) {
      const scanned = scanUrl(href);
      assert.ok(scanned !== undefined, href);
      assert.deepEqual(fields(scanned), fields(new URL(href)), href);
    }
  });

  it('declines what only URL can normalise, and urlPartsOf parses those', function () {
    for (const href of [
      'HTTPS://api.openai.com/v1',
      'http://user:secret@api.openai.com/v1',
      'http://[::1]:8080/v1',
      'https://h.example/a/../v1',
      'https://h.example/./v1',
      'https://h.example/%2e%2e/v1',
      'https://h.example/v1/a b',
      'https://h.example/v1#frag',
      'https://h.example\\v1',
      "https://h.example/v1?q='x'",
      'https://h.example/m\u00fcller',
      'https://h.example:99999/',
    ]) {
      assert.equal(scanUrl(href), undefined, href);
    }
    assert.deepEqual(fields(urlPartsOf('https://h.example/a/../v1?x')), fields(new URL('https://h.example/v1?x')));
    assert.throws(() => urlPartsOf('https://h.example:99999/'), TypeError);
  });

  it('agrees with URL whenever it answers, for generated URLs (property)', function () {
    const url = fc
      .tuple(
        fc.constantFrom('http', 'https', 'HTTP'),
        fc.oneof(fc.domain(), fc.ipV4(), fc.constantFrom('localhost', 'Api.Example.COM')),
        fc.oneof(
          fc.constant(''),
          fc.constantFrom(':80', ':443', ':8080', ':65536'),
          fc.integer({ min: 1, max: 65535 }).map((p) => `:${p}`),
        ),
        fc.oneof(
          fc.constant(''),
          fc.webPath(),
          fc.string({ unit: 'binary-ascii', maxLength: 24 }).map((p) => `/${p}`),
        ),
        fc.oneof(
          fc.constant(''),
          fc.constant('?'),
          fc.webQueryParameters().map((q) => `?${q}`),
          fc.string({ unit: 'binary-ascii', maxLength: 16 }).map((q) => `?${q}`),
        ),
        fc.oneof(
          fc.constant(''),
          fc.webFragments().map((f) => `#${f}`),
        ),
      )
      .map(([scheme, h, p, path, q, f]) => `${scheme}://${h}${p}${path}${q}${f}`);
    let answered = 0;
    fc.assert(
      fc.property(url, (href) => {
        const scanned = scanUrl(href);
        if (scanned === undefined) return;
        answered++;
        assert.deepEqual(fields(scanned), fields(new URL(href)), href);
      }),
      { numRuns: 3000 },
    );
    // The property says something only if the scan answers for a good share of them.
    assert.ok(answered > 150, `the scan answered for ${answered} of 3000`);
  });
});
