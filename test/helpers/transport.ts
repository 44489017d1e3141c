import type { FastifyInstance } from 'fastify';
import type { HttpRequest, HttpTransport } from '../../src/agent/index.js';

/** An agent transport into a fastify app (no socket); `sent` records every request. */
export function injectTransport(app: FastifyInstance): HttpTransport & { sent: HttpRequest[] } {
  const sent: HttpRequest[] = [];
  return {
    sent,
    async send(request) {
      sent.push(request);
      const url = new URL(request.url);
      const res = await app.inject({ method: request.method, url: url.pathname + url.search, headers: request.headers, payload: request.body });
      return { status: res.statusCode, body: res.body };
    },
  };
}
