import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import * as initial from './migrations/0001_initial.js';
import * as policies from './migrations/0002_policies.js';
import * as secops from './migrations/0003_secops.js';
import * as webhookRetries from './migrations/0004_webhook_retries.js';
import * as threatDatabases from './migrations/0005_threat_databases.js';

// Migrations are listed in code, not read from a folder, so they ship inside any bundle.
const MIGRATIONS: Record<string, Migration> = {
  '0001_initial': initial,
  '0002_policies': policies,
  '0003_secops': secops,
  '0004_webhook_retries': webhookRetries,
  '0005_threat_databases': threatDatabases,
};

const provider: MigrationProvider = { getMigrations: () => Promise.resolve(MIGRATIONS) };

/**
 * Brings the schema up to date; throws (and changes nothing further) if a migration fails.
 * On PostgreSQL pass the connection's schema: kysely otherwise looks for its bookkeeping tables
 * in every schema and can mistake another database's for its own.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on any schema
export async function migrateToLatest(db: Kysely<any>, schema?: string): Promise<string[]> {
  const migrator = new Migrator({ db, provider, ...(schema ? { migrationTableSchema: schema } : {}) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`database migration ${failed} failed: ${error instanceof Error ? error.message : JSON.stringify(error)}`);
  }
  return (results ?? []).map((r) => r.migrationName);
}
