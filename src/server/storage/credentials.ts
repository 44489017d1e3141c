import type { Kysely } from 'kysely';
import type { AdminRole } from '../../protocol/index.js';
import type { Database } from './schema.js';

/**
 * What authentication needs to check a presented credential: looked up by the credential's
 * public id, then its secret is verified against the hash. The tenant comes from here.
 */
export interface CredentialRecord {
  id: string;
  tenantId: string;
  secretHash: string;
  /** Admin role for sessions and API tokens. */
  role?: AdminRole;
  adminId?: string;
  email?: string;
  expiresAt?: string;
  revokedAt?: string | null;
}

export interface ApiToken {
  id: string;
  tenantId: string;
  name: string;
  role: AdminRole;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface EnrollmentToken {
  id: string;
  tenantId: string;
  name: string;
  createdAt: string;
  revokedAt: string | null;
}

/** CredentialStore keeps admin sessions, API tokens and enrollment tokens (hashes only). */
export interface CredentialStore {
  createSession(s: { id: string; tenantId: string; adminId: string; secretHash: string; createdAt: string; expiresAt: string }): Promise<void>;
  findSessionCredential(id: string): Promise<CredentialRecord | undefined>;
  deleteSession(id: string): Promise<void>;

  createApiToken(t: ApiToken & { secretHash: string }): Promise<void>;
  findApiTokenCredential(id: string): Promise<CredentialRecord | undefined>;
  listApiTokens(tenantId: string): Promise<ApiToken[]>;
  /** Returns false when no such token exists in that tenant. */
  revokeApiToken(tenantId: string, id: string, at: string): Promise<boolean>;
  touchApiToken(id: string, at: string): Promise<void>;

  createEnrollmentToken(t: EnrollmentToken & { secretHash: string }): Promise<void>;
  findEnrollmentTokenCredential(id: string): Promise<CredentialRecord | undefined>;
  listEnrollmentTokens(tenantId: string): Promise<EnrollmentToken[]>;
  revokeEnrollmentToken(tenantId: string, id: string, at: string): Promise<boolean>;
}

export function credentialStore(db: Kysely<Database>): CredentialStore {
  return {
    async createSession(s) {
      await db
        .insertInto('sessions')
        .values({ id: s.id, tenant_id: s.tenantId, admin_id: s.adminId, secret_hash: s.secretHash, created_at: s.createdAt, expires_at: s.expiresAt })
        .execute();
    },
    async findSessionCredential(id) {
      const row = await db
        .selectFrom('sessions')
        .innerJoin('admins', 'admins.id', 'sessions.admin_id')
        .select(['sessions.id', 'sessions.tenant_id', 'sessions.secret_hash', 'sessions.expires_at', 'admins.id as admin_id', 'admins.role', 'admins.email'])
        .where('sessions.id', '=', id)
        .executeTakeFirst();
      return (
        row && {
          id: row.id,
          tenantId: row.tenant_id,
          secretHash: row.secret_hash,
          expiresAt: row.expires_at,
          adminId: row.admin_id,
          role: row.role as AdminRole,
          email: row.email,
        }
      );
    },
    async deleteSession(id) {
      await db.deleteFrom('sessions').where('id', '=', id).execute();
    },

    async createApiToken(t) {
      await db
        .insertInto('api_tokens')
        .values({ id: t.id, tenant_id: t.tenantId, name: t.name, role: t.role, secret_hash: t.secretHash, created_at: t.createdAt, last_used_at: null, revoked_at: null })
        .execute();
    },
    async findApiTokenCredential(id) {
      const row = await db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
      return row && { id: row.id, tenantId: row.tenant_id, secretHash: row.secret_hash, role: row.role as AdminRole, revokedAt: row.revoked_at };
    },
    async listApiTokens(tenantId) {
      const rows = await db.selectFrom('api_tokens').selectAll().where('tenant_id', '=', tenantId).orderBy('created_at').execute();
      return rows.map((r) => ({ id: r.id, tenantId: r.tenant_id, name: r.name, role: r.role as AdminRole, createdAt: r.created_at, lastUsedAt: r.last_used_at, revokedAt: r.revoked_at }));
    },
    async revokeApiToken(tenantId, id, at) {
      const result = await db.updateTable('api_tokens').set({ revoked_at: at }).where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async touchApiToken(id, at) {
      await db.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', id).execute();
    },

    async createEnrollmentToken(t) {
      await db
        .insertInto('enrollment_tokens')
        .values({ id: t.id, tenant_id: t.tenantId, name: t.name, secret_hash: t.secretHash, created_at: t.createdAt, revoked_at: null })
        .execute();
    },
    async findEnrollmentTokenCredential(id) {
      const row = await db.selectFrom('enrollment_tokens').selectAll().where('id', '=', id).executeTakeFirst();
      return row && { id: row.id, tenantId: row.tenant_id, secretHash: row.secret_hash, revokedAt: row.revoked_at };
    },
    async listEnrollmentTokens(tenantId) {
      const rows = await db.selectFrom('enrollment_tokens').selectAll().where('tenant_id', '=', tenantId).orderBy('created_at').execute();
      return rows.map((r) => ({ id: r.id, tenantId: r.tenant_id, name: r.name, createdAt: r.created_at, revokedAt: r.revoked_at }));
    },
    async revokeEnrollmentToken(tenantId, id, at) {
      const result = await db.updateTable('enrollment_tokens').set({ revoked_at: at }).where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
  };
}
