import path from 'node:path';
import { startServer, DEFAULT_DB } from '../server/serve.js';

export interface ServeFlags {
  host: string;
  port: string;
  db?: string;
  logLevel: string;
}

export function databaseUrl(flag: string | undefined): string {
  return flag ?? process.env.BULWARK_DB ?? DEFAULT_DB;
}

export async function serveCommand(flags: ServeFlags): Promise<void> {
  const port = Number(flags.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a number from 0 to 65535, not ${flags.port}`);
  const db = databaseUrl(flags.db);
  const server = await startServer({ host: flags.host, port, db, logLevel: flags.logLevel });
  const out = process.stdout;
  out.write(`Bulwark is listening on ${server.url}\n`);
  out.write(`  API description: ${server.url}/api/v1/openapi.json\n`);
  out.write(`  Database:        ${server.storage.location}\n`);
  if (server.firstRun) {
    const { tenant, adminEmail, adminPassword, enrollmentToken } = server.firstRun;
    const dbFlag = server.storage.dialect === 'sqlite' && db === 'data/bulwark.db' ? '' : ` --db ${JSON.stringify(db.startsWith('postgres') ? '<your database URL>' : path.resolve(db))}`;
    out.write(
      [
        '',
        `First start: created tenant "${tenant.name}" (${tenant.id}). These credentials are shown only once:`,
        `  Admin email:      ${adminEmail}`,
        `  Admin password:   ${adminPassword}`,
        `  Enrollment token: ${enrollmentToken}`,
        'Lost them? Make new ones with:',
        `  bulwark admin reset-password --email ${adminEmail}${dbFlag}`,
        `  bulwark enrollment-token create --name laptop-fleet${dbFlag}`,
        '',
      ].join('\n') + '\n',
    );
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    out.write(`${signal}: finishing requests in flight, then stopping\n`);
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`shutdown failed: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}
