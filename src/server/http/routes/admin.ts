import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  ApiErrorBody,
  ApiTokenCreate,
  ApiTokenCreated,
  ApiTokenView,
  DeviceDetail,
  DeviceList,
  DeviceListQuery,
  EnrollmentTokenCreate,
  EnrollmentTokenCreated,
  EnrollmentTokenView,
  IdParams,
  WhoAmI,
} from '../../../protocol/index.js';
import type { AdminPrincipal } from '../../auth/authz.js';
import type { Services } from '../app.js';
import { bearerOf, sessionOf } from '../credentials.js';

export const security: Array<Record<string, string[]>> = [{ adminToken: [] }, { session: [] }];
export const errors = { 400: ApiErrorBody, 401: ApiErrorBody, 403: ApiErrorBody, 404: ApiErrorBody };

/** Every route of a plugin this is registered on needs an admin session or API token. */
export function requireAdmin(app: FastifyInstance, services: Services): void {
  app.addHook('onRequest', async (request) => {
    request.principal = await services.auth.authenticateAdmin({ bearer: bearerOf(request), session: sessionOf(request) });
  });
}

export const who = (request: { principal: unknown }) => request.principal as AdminPrincipal;

/** The console API. Every route here needs an admin session or API token; services authorize the role. */
export const adminRoutes: FastifyPluginAsync<{ services: Services }> = async (base, { services }) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  requireAdmin(app, services);

  app.get('/auth/whoami', { schema: { tags: ['auth'], security, response: { 200: WhoAmI, ...errors } } }, (request) => services.auth.whoami(who(request)));

  app.get(
    '/devices',
    { schema: { tags: ['devices'], summary: 'List devices, newest enrolment first', security, querystring: DeviceListQuery, response: { 200: DeviceList, ...errors } } },
    (request) => services.devices.listDevices(who(request), request.query),
  );
  app.get(
    '/devices/:id',
    { schema: { tags: ['devices'], summary: 'One device, with its risk explanation and tags', security, params: IdParams, response: { 200: DeviceDetail, ...errors } } },
    (request) => services.devices.getDevice(who(request), request.params.id),
  );

  app.get('/api-tokens', { schema: { tags: ['tokens'], security, response: { 200: z.array(ApiTokenView), ...errors } } }, (request) =>
    services.auth.listApiTokens(who(request)),
  );
  app.post(
    '/api-tokens',
    { schema: { tags: ['tokens'], summary: 'Create an API token (shown once)', security, body: ApiTokenCreate, response: { 201: ApiTokenCreated, ...errors } } },
    async (request, reply) => reply.code(201).send(await services.auth.createApiToken(who(request), request.body)),
  );
  app.delete('/api-tokens/:id', { schema: { tags: ['tokens'], security, params: IdParams, response: { 204: z.null(), ...errors } } }, async (request, reply) => {
    await services.auth.revokeApiToken(who(request), request.params.id);
    return reply.code(204).send(null);
  });

  app.get('/enrollment-tokens', { schema: { tags: ['tokens'], security, response: { 200: z.array(EnrollmentTokenView), ...errors } } }, (request) =>
    services.enrollmentTokens.list(who(request)),
  );
  app.post(
    '/enrollment-tokens',
    { schema: { tags: ['tokens'], summary: 'Create a device enrollment token (shown once)', security, body: EnrollmentTokenCreate, response: { 201: EnrollmentTokenCreated, ...errors } } },
    async (request, reply) => reply.code(201).send(await services.enrollmentTokens.create(who(request), request.body)),
  );
  app.delete('/enrollment-tokens/:id', { schema: { tags: ['tokens'], security, params: IdParams, response: { 204: z.null(), ...errors } } }, async (request, reply) => {
    await services.enrollmentTokens.revoke(who(request), request.params.id);
    return reply.code(204).send(null);
  });
  await Promise.resolve();
};
