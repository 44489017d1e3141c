import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ApiErrorBody, EnrollRequest, EnrollResponse, HeartbeatRequest, HeartbeatResponse } from '../../../protocol/index.js';
import type { DevicePrincipal } from '../../auth/authz.js';
import type { Services } from '../app.js';
import { bearerOf } from '../credentials.js';

const errors = { 400: ApiErrorBody, 401: ApiErrorBody, 422: ApiErrorBody };

/** The API devices call: enrollment (with an enrollment token) and heartbeats (with the device secret). */
export const deviceApiRoutes: FastifyPluginAsync<{ services: Services }> = async (base, { services }) => {
  const app = base.withTypeProvider<ZodTypeProvider>();

  app.post(
    '/enroll',
    { schema: { tags: ['device'], summary: 'Enroll a device with an enrollment token', body: EnrollRequest, response: { 201: EnrollResponse, ...errors } } },
    async (request, reply) => reply.code(201).send(await services.devices.enroll(request.body)),
  );

  app.post(
    '/heartbeat',
    {
      onRequest: async (request) => {
        request.principal = await services.auth.authenticateDevice(bearerOf(request));
      },
      schema: {
        tags: ['device'],
        summary: 'Report state on app open or in the background; returns the effective configuration',
        security: [{ deviceSecret: [] }],
        body: HeartbeatRequest,
        response: { 200: HeartbeatResponse, ...errors },
      },
    },
    async (request) => services.devices.heartbeat(request.principal as DevicePrincipal, request.body),
  );
  await Promise.resolve();
};
