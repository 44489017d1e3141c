import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp, type AppOptions } from '../../src/server/http/app.js';
import { createApiToken } from '../../src/server/services/auth.js';
import { createTenant, type TenantCredentials } from '../../src/server/services/provisioning.js';
import type { Storage } from '../../src/server/storage/storage.js';
import type { Backend } from './storage.js';

export interface TestTenant extends TenantCredentials {
  adminToken: string;
  analystToken: string;
  responderToken: string;
}

export interface TestApi {
  app: FastifyInstance;
  storage: Storage;
  /** A tenant with an API token for each role. */
  tenant(name: string): Promise<TestTenant>;
  /** JSON request through fastify's inject (no socket). */
  call(method: string, url: string, options?: { token?: string; body?: unknown; cookie?: string }): Promise<LightMyRequestResponse>;
  /** Closes the app and builds a new one on the same storage, as a server restart does. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

let counter = 0;

export async function testApi(backend: Backend, clock?: { now(): Date }, options: Pick<AppOptions, 'policies' | 'webhookRetry'> = {}): Promise<TestApi> {
  const storage = await backend.open();
  let app = await buildApp({ storage, clock, ...options });
  return {
    get app() {
      return app;
    },
    storage,
    async tenant(name) {
      const now = clock?.now() ?? new Date();
      const creds = await createTenant(storage, { name, adminEmail: `admin${++counter}@${name.toLowerCase().replace(/\W/g, '')}.example` }, now);
      const admin = await createApiToken(storage, creds.tenant.id, { name: 'test admin', role: 'admin' }, now);
      const analyst = await createApiToken(storage, creds.tenant.id, { name: 'test analyst', role: 'analyst' }, now);
      const responder = await createApiToken(storage, creds.tenant.id, { name: 'test responder', role: 'responder' }, now);
      return { ...creds, adminToken: admin.token, analystToken: analyst.token, responderToken: responder.token };
    },
    call(method, url, options = {}) {
      const headers: Record<string, string> = {};
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      if (options.cookie) headers.cookie = options.cookie;
      return app.inject({
        method: method as 'GET',
        url,
        headers,
        ...(options.body === undefined ? {} : { payload: options.body as object }),
      });
    },
    async restart() {
      await app.close();
      app = await buildApp({ storage, clock, ...options });
      await app.ready();
    },
    async close() {
      await app.close();
      await storage.close();
    },
  };
}
