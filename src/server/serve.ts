import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { buildApp, LOG_REDACT } from './http/app.js';
import { bootstrap, type TenantCredentials } from './services/provisioning.js';
import { openStorage, type Storage } from './storage/storage.js';

export const DEFAULT_DB = 'data/bulwark.db';

export interface ServeOptions {
  host: string;
  port: number;
  db: string;
  logLevel: string;
  secureCookies?: boolean;
}

export interface RunningServer {
  url: string;
  storage: Storage;
  app: FastifyInstance;
  /** Credentials of the tenant made on the very first start; shown once. */
  firstRun: TenantCredentials | undefined;
  close(): Promise<void>;
}

/** Opens (and migrates) the database, bootstraps a first tenant if there is none, and listens. */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const storage = await openStorage(options.db);
  try {
    const firstRun = await bootstrap(storage, new Date());
    // Logs go to stderr as JSON; stdout stays for what a person reads.
    const logger = pino({ level: options.logLevel, redact: LOG_REDACT }, pino.destination(2));
    const app = await buildApp({ storage, logger, secureCookies: options.secureCookies });
    await app.listen({ host: options.host, port: options.port });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : options.port;
    const host = options.host.includes(':') ? `[${options.host}]` : options.host;
    let closed = false;
    return {
      url: `http://${host}:${port}`,
      storage,
      app,
      firstRun,
      async close() {
        if (closed) return;
        closed = true;
        await app.close();
        await storage.close();
      },
    };
  } catch (err) {
    await storage.close();
    throw err;
  }
}
