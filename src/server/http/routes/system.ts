import type { FastifyPluginAsync } from 'fastify';
import type { Storage } from '../../storage/storage.js';

export const systemRoutes: FastifyPluginAsync<{ storage: Storage }> = async (app, { storage }) => {
  app.get('/healthz', { schema: { hide: true } }, async (_request, reply) => {
    try {
      await storage.ping();
      return { status: 'ok', database: storage.dialect };
    } catch {
      return reply.code(503).send({ status: 'unavailable', database: storage.dialect });
    }
  });
  app.get('/api/v1/openapi.json', { schema: { hide: true } }, () => app.swagger());
  await Promise.resolve();
};
