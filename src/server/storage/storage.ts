import { sql } from 'kysely';
import { adminStore, type AdminStore } from './admins.js';
import { credentialStore, type CredentialStore } from './credentials.js';
import { openDatabase, type Dialect } from './db.js';
import { deviceStore, type DeviceStore } from './devices.js';
import { groupStore, type GroupStore } from './groups.js';
import { migrateToLatest } from './migrate.js';
import { policyStore, type PolicyStore } from './policies.js';
import { tenantStore, type TenantStore } from './tenants.js';
import { alertStore, type AlertStore } from './alerts.js';
import { indicatorStore, type IndicatorStore } from './indicators.js';
import { reportStore, type ReportStore } from './reports.js';
import { deviceSecurityStore, type DeviceSecurityStore } from './security.js';
import { tagStore, type TagStore } from './tags.js';
import { timelineStore, type TimelineStore } from './timeline.js';
import { vulnerabilityDataStore, type VulnerabilityDataStore } from './vulnerabilities.js';
import { webhookStore, type WebhookStore } from './webhooks.js';
import { threatDbStore, type ThreatDbStore } from './threat-databases.js';

/** Everything the server keeps, as small per-role stores combined into one. */
export type Storage = TenantStore &
  AdminStore &
  CredentialStore &
  DeviceStore &
  GroupStore &
  PolicyStore &
  ReportStore &
  TimelineStore &
  AlertStore &
  DeviceSecurityStore &
  TagStore &
  IndicatorStore &
  VulnerabilityDataStore &
  WebhookStore &
  ThreatDbStore & {
  dialect: Dialect;
  location: string;
  /** Runs `work` in one transaction: all of it is stored, or none. */
  transaction<T>(work: (tx: Omit<Storage, 'transaction' | 'close' | 'ping'>) => Promise<T>): Promise<T>;
  ping(): Promise<void>;
  close(): Promise<void>;
};

function stores(db: Parameters<typeof tenantStore>[0]) {
  return {
    ...tenantStore(db),
    ...adminStore(db),
    ...credentialStore(db),
    ...deviceStore(db),
    ...groupStore(db),
    ...policyStore(db),
    ...reportStore(db),
    ...timelineStore(db),
    ...alertStore(db),
    ...deviceSecurityStore(db),
    ...tagStore(db),
    ...indicatorStore(db),
    ...vulnerabilityDataStore(db),
    ...webhookStore(db),
    ...threatDbStore(db),
  };
}

/** Opens the database at `url`, migrates it to the latest schema and returns the stores. */
export async function openStorage(url: string): Promise<Storage> {
  const { db, dialect, location } = openDatabase(url);
  try {
    const schema = dialect === 'postgres' ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema : undefined;
    await migrateToLatest(db, schema);
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
