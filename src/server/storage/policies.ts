import type { Kysely } from 'kysely';
import { Assignment } from '../../protocol/index.js';
import type { Database, PolicyTable } from './schema.js';

export type PolicyKind = 'app_config' | 'app_protection' | 'compliance';

/** A policy of any kind; `body` holds the kind's own fields and is validated by the service. */
export interface StoredPolicy {
  id: string;
  tenantId: string;
  kind: PolicyKind;
  name: string;
  body: unknown;
  assignment: Assignment;
  createdAt: string;
  updatedAt: string;
}

/** PolicyStore keeps app-configuration, app protection and compliance policies with their assignments. */
export interface PolicyStore {
  createPolicy(policy: StoredPolicy): Promise<void>;
  /** Returns false when no such policy of that kind exists in that tenant. */
  updatePolicy(policy: StoredPolicy): Promise<boolean>;
  deletePolicy(tenantId: string, kind: PolicyKind, id: string): Promise<boolean>;
  getPolicy(tenantId: string, kind: PolicyKind, id: string): Promise<StoredPolicy | undefined>;
  /** The tenant's policies of one kind (every kind when omitted), by name. */
  listPolicies(tenantId: string, kind?: PolicyKind): Promise<StoredPolicy[]>;
}

function toPolicy(r: PolicyTable): StoredPolicy {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    kind: r.kind as PolicyKind,
    name: r.name,
    body: JSON.parse(r.body) as unknown,
    assignment: Assignment.parse(JSON.parse(r.assignment)),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

const columns = (p: StoredPolicy) => ({ name: p.name, body: JSON.stringify(p.body), assignment: JSON.stringify(p.assignment), updated_at: p.updatedAt });

export function policyStore(db: Kysely<Database>): PolicyStore {
  return {
    async createPolicy(p) {
      await db.insertInto('policies').values({ id: p.id, tenant_id: p.tenantId, kind: p.kind, created_at: p.createdAt, ...columns(p) }).execute();
    },
    async updatePolicy(p) {
      const result = await db
        .updateTable('policies')
        .set(columns(p))
        .where('tenant_id', '=', p.tenantId)
        .where('kind', '=', p.kind)
        .where('id', '=', p.id)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async deletePolicy(tenantId, kind, id) {
      const result = await db.deleteFrom('policies').where('tenant_id', '=', tenantId).where('kind', '=', kind).where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
    async getPolicy(tenantId, kind, id) {
      const row = await db.selectFrom('policies').selectAll().where('tenant_id', '=', tenantId).where('kind', '=', kind).where('id', '=', id).executeTakeFirst();
      return row && toPolicy(row);
    },
    async listPolicies(tenantId, kind) {
      let query = db.selectFrom('policies').selectAll().where('tenant_id', '=', tenantId);
      if (kind) query = query.where('kind', '=', kind);
      const rows = await query.orderBy('name').orderBy('id').execute();
      return rows.map(toPolicy);
    },
  };
}
