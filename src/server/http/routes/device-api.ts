import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ApiErrorBody, EnrollRequest, EnrollResponse, HeartbeatRequest, HeartbeatResponse, ReportBatch, ReportBatchResult, ThreatDbDownload, ThreatDbQuery } from '../../../protocol/index.js';
import type { DevicePrincipal } from '../../auth/authz.js';
import type { Services } from '../app.js';
import { bearerOf } from '../credentials.js';

const errors = { 400: ApiErrorBody, 401: ApiErrorBody, 422: ApiErrorBody };

/** The API devices call: enrollment (with an enrollment token), heartbeats and reports (with the device secret). */
export const deviceApiRoutes: FastifyPluginAsync<{ services: Services }> = async (base, { services }) => {
  const app = base.withTypeProvider<ZodTypeProvider>();

  app.post(
    '/enroll',
    { schema: { tags: ['device'], summary: 'Enroll a device with an enrollment token', body: EnrollRequest, response: { 201: EnrollResponse, ...errors } } },
    async (request, reply) => reply.code(201).send(await services.devices.enroll(request.body)),
  );

  const authenticate = async (request: FastifyRequest) => {
    request.principal = await services.auth.authenticateDevice(bearerOf(request));
  };

  app.post(
    '/heartbeat',
    {
      onRequest: authenticate,
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

  app.post(
    '/events',
    {
      onRequest: authenticate,
      schema: {
        tags: ['device'],
        summary: 'Send a batch of reports: stored all or nothing; replayed ids are acknowledged as duplicates',
        description: 'A batch with any invalid report stores nothing and lists every bad one in `rejected` (index and reason); the answer is 200 either way.',
        security: [{ deviceSecret: [] }],
        body: ReportBatch,
        response: { 200: ReportBatchResult, ...errors },
      },
    },
    async (request) => services.ingestion.ingest(request.principal as DevicePrincipal, request.body),
  );

  app.get(
    '/threatdb',
    {
      onRequest: authenticate,
      schema: {
        tags: ['device'],
        summary: "The tenant's threat database: a delta from the version the device has (`have`), or the whole file",
        security: [{ deviceSecret: [] }],
        querystring: ThreatDbQuery,
        response: { 200: ThreatDbDownload, ...errors },
      },
    },
    async (request) => services.threatDb.download(request.principal as DevicePrincipal, request.query.have),
  );
  await Promise.resolve();
};
