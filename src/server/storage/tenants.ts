import type { Kysely } from 'kysely';
import { TenantSettings } from '../../protocol/index.js';
import type { Database, TenantTable } from './schema.js';

export interface Tenant {
  id: string;
  name: string;
  settings: TenantSettings;
  createdAt: string;
}

/** TenantStore keeps tenants; a tenant owns every other row. */
export interface TenantStore {
  createTenant(tenant: Tenant): Promise<void>;
  getTenant(id: string): Promise<Tenant | undefined>;
  listTenants(): Promise<Tenant[]>;
  updateTenantSettings(id: string, settings: TenantSettings): Promise<void>;
}

function toTenant(row: TenantTable): Tenant {
  return { id: row.id, name: row.name, settings: TenantSettings.parse(JSON.parse(row.settings)), createdAt: row.created_at };
}

export function tenantStore(db: Kysely<Database>): TenantStore {
  return {
    async createTenant(t) {
      await db.insertInto('tenants').values({ id: t.id, name: t.name, settings: JSON.stringify(t.settings), created_at: t.createdAt }).execute();
    },
    async getTenant(id) {
      const row = await db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toTenant(row);
    },
    async listTenants() {
      const rows = await db.selectFrom('tenants').selectAll().orderBy('created_at').execute();
      return rows.map(toTenant);
    },
    async updateTenantSettings(id, settings) {
      await db.updateTable('tenants').set({ settings: JSON.stringify(settings) }).where('id', '=', id).execute();
    },
  };
}
