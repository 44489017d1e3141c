import type { HttpTransport } from '../agent/index.js';

/** The agent's HTTP transport on Node: the built-in fetch with a timeout per request. */
export function fetchTransport(timeoutMs = 15_000): HttpTransport {
  return {
    async send(request) {
      const response = await fetch(request.url, {
        method: request.method,
        headers: request.headers,
        body: request.body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      return { status: response.status, body: await response.text() };
    },
  };
}
