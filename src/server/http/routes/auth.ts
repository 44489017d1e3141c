import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApiErrorBody, LoginRequest, WhoAmI } from '../../../protocol/index.js';
import { SESSION_TTL_MS } from '../../services/auth.js';
import type { Services } from '../app.js';
import { SESSION_COOKIE, sessionOf } from '../credentials.js';

const LoginResponse = z.object({ whoami: WhoAmI, expiresAt: z.string() });

/** Console sign-in: a session cookie (HttpOnly, SameSite=Strict) for the portal. */
export const authRoutes: FastifyPluginAsync<{ services: Services; secureCookies: boolean }> = async (base, { services, secureCookies }) => {
  const app = base.withTypeProvider<ZodTypeProvider>();

  app.post(
    '/auth/login',
    { schema: { tags: ['auth'], summary: 'Sign in; sets the session cookie', body: LoginRequest, response: { 200: LoginResponse, 400: ApiErrorBody, 401: ApiErrorBody } } },
    async (request, reply) => {
      const { token, expiresAt, whoami } = await services.auth.login(request.body);
      void reply.setCookie(SESSION_COOKIE, token, {
        httpOnly: true,
        sameSite: 'strict',
        secure: secureCookies,
        path: '/',
        maxAge: SESSION_TTL_MS / 1000,
      });
      return { whoami, expiresAt };
    },
  );

  app.post('/auth/logout', { schema: { tags: ['auth'], summary: 'End the current session', response: { 204: z.null() } } }, async (request, reply) => {
    const session = sessionOf(request);
    if (session) await services.auth.logout(session);
    void reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.code(204).send(null);
  });
  await Promise.resolve();
};
