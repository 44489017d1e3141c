import type { FastifyRequest } from 'fastify';

export const SESSION_COOKIE = 'bulwark_session';

/** The bearer token of `Authorization: Bearer …`, if any. */
export function bearerOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = header && /^Bearer\s+(\S+)$/i.exec(header);
  return match ? match[1] : undefined;
}

export function sessionOf(request: FastifyRequest): string | undefined {
  return request.cookies[SESSION_COOKIE];
}
