/**
 * Methods of Node's own prototypes (ClientRequest, IncomingMessage, the HTTP/2 client stream)
 * wrapped once per process, rather than set on each instance: an own property on some objects
 * would give Node's stream code two shapes on every call. The wrapper stays for good (inert for
 * objects we do not know), since someone may have wrapped over it; it calls whatever it replaced,
 * or the inherited method, with the same `this`, arguments and return value.
 */
type Method = (this: unknown, ...args: unknown[]) => unknown;

/**
 * Wraps `proto[name]` once (marked by `ai-pricetag.<tag>.<name>`): `before` sees each call's first
 * two arguments first, and a throw of ours goes to `report`, never to the host.
 */
export function hookMethod(
  tag: string,
  proto: object,
  name: string,
  before: (self: object, first: unknown, second: unknown) => void,
  report: (error: unknown, where: string) => void,
): void {
  const key = Symbol.for(`ai-pricetag.${tag}.${name}`);
  const target = proto as Record<string | symbol, unknown>;
  if (target[key] === true) return;
  const own = Object.prototype.hasOwnProperty.call(proto, name) ? (target[name] as Method) : undefined;
  const parent = Object.getPrototypeOf(proto) as Record<string, Method>;
  const where = `${tag} ${name}`;
  // `arguments`, not a rest parameter: handed on as it is, it costs no array per call (these run
  // for every request and response chunk of the process), and the original sees exactly the
  // arguments it was called with.
  const wrapped = function (this: object): unknown {
    try {
      // eslint-disable-next-line prefer-rest-params
      before(this, arguments[0], arguments[1]);
    } catch (error) {
      report(error, where);
    }
    // eslint-disable-next-line prefer-rest-params
    return Reflect.apply(own ?? parent[name]!, this, arguments);
  };
  Object.defineProperty(proto, key, { value: true });
  Object.defineProperty(proto, name, { value: wrapped, writable: true, configurable: true, enumerable: false });
}

/** A written chunk as bytes (strings in their encoding); undefined for what is not a chunk. */
export function chunkBytes(chunk: unknown, encoding: unknown): Uint8Array | undefined {
  if (chunk instanceof Uint8Array) return chunk;
  if (typeof chunk === 'string') return Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
  return undefined;
}
