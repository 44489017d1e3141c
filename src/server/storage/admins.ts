import type { Kysely } from 'kysely';
import type { AdminRole } from '../../protocol/index.js';
import type { Database, AdminTable } from './schema.js';

export interface Admin {
  id: string;
  tenantId: string;
  email: string;
  role: AdminRole;
  passwordHash: string;
  createdAt: string;
}

/** AdminStore keeps console accounts. Emails are unique across tenants: login picks the tenant. */
export interface AdminStore {
  createAdmin(admin: Admin): Promise<void>;
  findAdminByEmail(email: string): Promise<Admin | undefined>;
  getAdmin(tenantId: string, id: string): Promise<Admin | undefined>;
  setAdminPassword(tenantId: string, id: string, passwordHash: string): Promise<void>;
}

function toAdmin(row: AdminTable): Admin {
  return { id: row.id, tenantId: row.tenant_id, email: row.email, role: row.role as AdminRole, passwordHash: row.password_hash, createdAt: row.created_at };
}

export function adminStore(db: Kysely<Database>): AdminStore {
  return {
    async createAdmin(a) {
      await db
        .insertInto('admins')
        .values({ id: a.id, tenant_id: a.tenantId, email: a.email.toLowerCase(), role: a.role, password_hash: a.passwordHash, created_at: a.createdAt })
        .execute();
    },
    async findAdminByEmail(email) {
      const row = await db.selectFrom('admins').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst();
      return row && toAdmin(row);
    },
    async getAdmin(tenantId, id) {
      const row = await db.selectFrom('admins').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
      return row && toAdmin(row);
    },
    async setAdminPassword(tenantId, id, passwordHash) {
      await db.updateTable('admins').set({ password_hash: passwordHash }).where('tenant_id', '=', tenantId).where('id', '=', id).execute();
      // A new password ends every session of that account.
      await db.deleteFrom('sessions').where('tenant_id', '=', tenantId).where('admin_id', '=', id).execute();
    },
  };
}
