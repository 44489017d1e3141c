import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  ApiErrorBody,
  ApiTokenCreate,
  ApiTokenCreated,
  ApiTokenView,
  DeviceList,
  DeviceListQuery,
  DeviceView,
  EnrollmentTokenCreate,
  EnrollmentTokenCreated,
  EnrollmentTokenView,
  IdParams,
  WhoAmI,
} from '../../../protocol/index.js';
import type { AdminPrincipal } from '../../auth/authz.js';
import type { Services } from '../app.js';
import { bearerOf, sessionOf } from '../credentials.js';

const security: Array<Record<string, string[]>> = [{ adminToken: [] }, { session: [] }];
const errors = { 400: ApiErrorBody, 401: ApiErrorBody, 403: ApiErrorBody, 404: ApiErrorBody };

/** The console API. Every route here needs an admin session or API token; services authorize the role. */
export const adminRoutes: FastifyPluginAsync<{ services: Services }> = async (base, { services }) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  app.addHook('onRequest', async (request) => {
    request.principal = await services.auth.authenticateAdmin({ bearer: bearerOf(request), session: sessionOf(request) });
  });
  const who = (request: { principal: unknown }) => request.principal as AdminPrincipal;

  app.get('/auth/whoami', { schema: { tags: ['auth'], security, response: { 200: WhoAmI, ...errors } } }, (request) => services.auth.whoami(who(request)));

  app.get(
    '/devices',
    { schema: { tags: ['devices'], summary: 'List devices, newest enrolment first', security, querystring: DeviceListQuery, response: { 200: DeviceList, ...errors } } },
    (request) => services.devices.listDevices(who(request), request.query),
  );
  app.get(
    '/devices/:id',
    { schema: { tags: ['devices'], summary: 'One device', security, params: IdParams, response: { 200: DeviceView, ...errors } } },
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
