import { sql } from 'kysely';
import { adminStore, type AdminStore } from './admins.js';
import { credentialStore, type CredentialStore } from './credentials.js';
import { openDatabase, type Dialect } from './db.js';
import { deviceStore, type DeviceStore } from './devices.js';
import { groupStore, type GroupStore } from './groups.js';
import { migrateToLatest } from './migrate.js';
import { policyStore, type PolicyStore } from './policies.js';
import { tenantStore, type TenantStore } from './tenants.js';

/** Everything the server keeps, as small per-role stores combined into one. */
export type Storage = TenantStore & AdminStore & CredentialStore & DeviceStore & GroupStore & PolicyStore & {
  dialect: Dialect;
  location: string;
  /** Runs `work` in one transaction: all of it is stored, or none. */
  transaction<T>(work: (tx: Omit<Storage, 'transaction' | 'close' | 'ping'>) => Promise<T>): Promise<T>;
  ping(): Promise<void>;
  close(): Promise<void>;
};

function stores(db: Parameters<typeof tenantStore>[0]) {
  return { ...tenantStore(db), ...adminStore(db), ...credentialStore(db), ...deviceStore(db), ...groupStore(db), ...policyStore(db) };
}

/** Opens the database at `url`, migrates it to the latest schema and returns the stores. */
export async function openStorage(url: string): Promise<Storage> {
  const { db, dialect, location } = openDatabase(url);
  try {
    await migrateToLatest(db);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return {
    ...stores(db),
    dialect,
    location,
    transaction: (work) => db.transaction().execute((tx) => work({ ...stores(tx), dialect, location })),
    async ping() {
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}
