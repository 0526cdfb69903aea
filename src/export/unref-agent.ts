/**
 * HTTP agents for the OTLP exporters whose sockets never keep the process alive. A process
 * that has finished its work must not wait for a collector that is down or hung (an export
 * can take its whole timeout, 10 s by default, retries included); the exit flush holds the
 * process open instead, for a bounded time (see register.ts).
 */
import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';

type Connect = (options: unknown, callback?: unknown) => Duplex | undefined;

function unrefSockets<T extends http.Agent>(agent: T): T {
  const connect = (agent as unknown as { createConnection: Connect }).createConnection.bind(agent);
  (agent as unknown as { createConnection: Connect }).createConnection = (options, callback) => {
    const socket = connect(options, callback);
    (socket as { unref?: () => void } | undefined)?.unref?.();
    return socket;
  };
  const reuse = agent.reuseSocket.bind(agent);
  // Node refs a pooled socket again when it takes it for a request.
  agent.reuseSocket = (socket, request) => {
    reuse(socket, request);
    (socket as Duplex & { unref?: () => void }).unref?.();
  };
  return agent;
}

/** The `httpAgentOptions` factory of @opentelemetry/otlp-exporter-base: keep-alive, unref'd sockets. */
export function unrefAgentFactory(protocol: string): http.Agent {
  return unrefSockets(protocol === 'http:' ? new http.Agent({ keepAlive: true }) : new https.Agent({ keepAlive: true }));
}
