import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database, GroupTable } from './schema.js';

export interface Group {
  id: string;
  tenantId: string;
  name: string;
  description: string;
  /** Lower-case UPNs. */
  users: string[];
  devices: string[];
  createdAt: string;
  updatedAt: string;
}

/** GroupStore keeps groups of users and devices that policies are assigned to. */
export interface GroupStore {
  createGroup(group: Group): Promise<void>;
  /** Returns false when no such group exists in that tenant. */
  updateGroup(group: Group): Promise<boolean>;
  deleteGroup(tenantId: string, id: string): Promise<boolean>;
  getGroup(tenantId: string, id: string): Promise<Group | undefined>;
  /** Every group of the tenant, by name. */
  listGroups(tenantId: string): Promise<Group[]>;
}

const Strings = z.array(z.string());

function toGroup(r: GroupTable): Group {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    name: r.name,
    description: r.description,
    users: Strings.parse(JSON.parse(r.users)),
    devices: Strings.parse(JSON.parse(r.devices)),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

const columns = (g: Group) => ({ name: g.name, description: g.description, users: JSON.stringify(g.users), devices: JSON.stringify(g.devices), updated_at: g.updatedAt });

export function groupStore(db: Kysely<Database>): GroupStore {
  return {
    async createGroup(g) {
      await db.insertInto('groups').values({ id: g.id, tenant_id: g.tenantId, created_at: g.createdAt, ...columns(g) }).execute();
    },
    async updateGroup(g) {
      const result = await db.updateTable('groups').set(columns(g)).where('tenant_id', '=', g.tenantId).where('id', '=', g.id).executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async deleteGroup(tenantId, id) {
      const result = await db.deleteFrom('groups').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
    async getGroup(tenantId, id) {
      const row = await db.selectFrom('groups').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
      return row && toGroup(row);
    },
    async listGroups(tenantId) {
      const rows = await db.selectFrom('groups').selectAll().where('tenant_id', '=', tenantId).orderBy('name').orderBy('id').execute();
      return rows.map(toGroup);
    },
  };
}
