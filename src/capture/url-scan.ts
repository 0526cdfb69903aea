/**
 * The URL of every fetch, read by string scanning: building a URL object costs more than
 * the rest of the host check together. Each scan either gives what URL would give or
 * declines (undefined), never guesses: the caller parses the spellings only URL can
 * normalise (upper-case schemes, IPv6 literals, odd ports, escapes, dot segments, non-ASCII).
 */

/** Where a request goes, as URL gives it; a URL object is one. */
export interface UrlParts {
  readonly protocol: string;
  /** host[:port], lower case, without the protocol's default port. */
  readonly host: string;
  readonly hostname: string;
  /** '' for the protocol's default port. */
  readonly port: string;
  readonly origin: string;
  readonly pathname: string;
  /** '' or `?…` (a lone `?` gives ''). */
  readonly search: string;
}

interface Authority {
  readonly https: boolean;
  /** host[:port] as `URL.host`. */
  readonly host: string;
  /** Offset of the first character after the authority. */
  readonly end: number;
  readonly userinfo: boolean;
  /** Offset of the port's colon in `host`, or -1. */
  readonly colon: number;
}

function scanAuthority(href: string): Authority | undefined {
  const https = href.startsWith('https://');
  if (!https && !href.startsWith('http://')) return undefined;
  const start = https ? 8 : 7;
  let end = href.length;
  let at = -1;
  for (let i = start; i < href.length; i++) {
    const c = href.charCodeAt(i);
    if (c === 0x2f || c === 0x3f || c === 0x23 || c === 0x5c) {
      end = i;
      break;
    }
    if (c === 0x40) at = i;
  }
  // host: [a-z0-9.-]+ in any case, then an optional port :[1-9][0-9]{0,4}
  const from = at === -1 ? start : at + 1;
  let colon = -1;
  let upper = false;
  for (let i = from; i < end; i++) {
    const c = href.charCodeAt(i);
    if (colon !== -1) {
      if (c < 0x30 || c > 0x39 || (i === colon + 1 && c === 0x30)) return undefined;
    } else if ((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x2d) {
      // a host character
    } else if (c >= 0x41 && c <= 0x5a) upper = true;
    else if (c === 0x3a) colon = i;
    else return undefined;
  }
  const hostEnd = colon === -1 ? end : colon;
  if (hostEnd === from || (colon !== -1 && (end === colon + 1 || end - colon - 1 > 5))) return undefined;
  const authority = href.slice(from, end);
  let host = upper ? authority.toLowerCase() : authority;
  let portAt = colon === -1 ? -1 : colon - from;
  // Default ports are not part of a URL's host.
  if ((https && host.endsWith(':443')) || (!https && host.endsWith(':80'))) {
    host = host.slice(0, portAt);
    portAt = -1;
  }
  return { https, host, end, userinfo: at !== -1, colon: portAt };
}

/**
 * `host[:port]` of an absolute http(s) URL, lower case, as `URL.host`, by string scanning:
 * the check every fetch pays, so no URL object is built for traffic we ignore.
 */
export function hostOf(href: string): string | undefined {
  return scanAuthority(href)?.host;
}

/** The host key of a URL: the quick scan, or URL parsing where the scan declines. */
export function hostKeyOf(href: string): string | undefined {
  const quick = hostOf(href);
  if (quick !== undefined) return quick;
  try {
    return new URL(href).host.toLowerCase();
  } catch {
    return undefined;
  }
}

/** Path bytes URL keeps as written (outside its path percent-encode set; `%`, `\`, `^` and `|` declined too). */
function plainPathChar(c: number): boolean {
  return (
    c > 0x20 &&
    c < 0x7f &&
    c !== 0x22 &&
    c !== 0x23 &&
    c !== 0x25 &&
    c !== 0x3c &&
    c !== 0x3e &&
    c !== 0x5c &&
    c !== 0x5e &&
    c !== 0x60 &&
    c !== 0x7b &&
    c !== 0x7c &&
    c !== 0x7d
  );
}

/** Query bytes URL keeps as written for http(s) (outside the special-query percent-encode set), `#` and `%` excepted. */
function plainQueryChar(c: number): boolean {
  return c > 0x20 && c < 0x7f && c !== 0x22 && c !== 0x23 && c !== 0x25 && c !== 0x27 && c !== 0x3c && c !== 0x3e;
}

/** What `new URL(href)` gives for a plain http(s) URL, or undefined where only URL parsing can tell. */
export function scanUrl(href: string): UrlParts | undefined {
  const authority = scanAuthority(href);
  // Credentials in a URL make fetch throw: URL and fetch decide that case.
  if (authority === undefined || authority.userinfo) return undefined;
  const { https, host, end, colon } = authority;
  const port = colon === -1 ? '' : host.slice(colon + 1);
  if (port !== '' && Number(port) > 65535) return undefined;
  let query = -1;
  for (let i = end; i < href.length; i++) {
    const c = href.charCodeAt(i);
    if (query === -1) {
      if (c === 0x3f) query = i;
      // A dot segment (`/.`, `/..`) is resolved by URL: any `/.` declines.
      else if (!plainPathChar(c) || (c === 0x2e && href.charCodeAt(i - 1) === 0x2f)) return undefined;
    } else if (!plainQueryChar(c)) return undefined;
  }
  const pathEnd = query === -1 ? href.length : query;
  const protocol = https ? 'https:' : 'http:';
  return {
    protocol,
    host,
    hostname: colon === -1 ? host : host.slice(0, colon),
    port,
    origin: `${protocol}//${host}`,
    pathname: pathEnd === end ? '/' : href.slice(end, pathEnd),
    search: query === -1 || query === href.length - 1 ? '' : href.slice(query),
  };
}

/** The parts of a URL: the quick scan, or URL parsing (which throws for what is not a URL). */
export function urlPartsOf(href: string): UrlParts {
  return scanUrl(href) ?? new URL(href);
}
