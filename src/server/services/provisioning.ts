import { randomUUID } from 'node:crypto';
import { TenantSettings, type EnrollmentTokenCreate, type EnrollmentTokenCreated, type EnrollmentTokenView } from '../../protocol/index.js';
import { authorize, type Principal } from '../auth/authz.js';
import { generatePassword, hashSecret, issueCredential } from '../auth/secrets.js';
import { ApiError } from '../errors.js';
import type { Storage } from '../storage/storage.js';
import type { Tenant } from '../storage/tenants.js';
import type { Clock } from './auth.js';

export const DEFAULT_ADMIN_EMAIL = 'admin@bulwark.local';

/** What a new tenant's first admin needs; printed once, never stored in clear. */
export interface TenantCredentials {
  tenant: Tenant;
  adminEmail: string;
  adminPassword: string;
  enrollmentToken: string;
}

export async function issueEnrollmentToken(store: Pick<Storage, 'createEnrollmentToken'>, tenantId: string, name: string, now: Date): Promise<EnrollmentTokenCreated> {
  const credential = issueCredential('bwe');
  const view: EnrollmentTokenView = { id: credential.id, name, createdAt: now.toISOString(), revokedAt: null };
  await store.createEnrollmentToken({ ...view, tenantId, secretHash: await hashSecret(credential.secret, 'secret') });
  return { ...view, token: credential.token };
}

/** Creates a tenant with an admin account and an enrollment token, all or nothing. */
export async function createTenant(store: Storage, input: { name: string; adminEmail: string }, now: Date): Promise<TenantCredentials> {
  const email = input.adminEmail.trim().toLowerCase();
  if (await store.findAdminByEmail(email)) throw new ApiError('conflict', `an account ${email} exists already`);
  const tenant: Tenant = { id: randomUUID(), name: input.name, settings: TenantSettings.parse({}), createdAt: now.toISOString() };
  const adminPassword = generatePassword();
  const passwordHash = await hashSecret(adminPassword, 'password');
  const enrollment = await store.transaction(async (tx) => {
    await tx.createTenant(tenant);
    await tx.createAdmin({ id: randomUUID(), tenantId: tenant.id, email, role: 'admin', passwordHash, createdAt: tenant.createdAt });
    return issueEnrollmentToken(tx, tenant.id, 'default', now);
  });
  return { tenant, adminEmail: email, adminPassword, enrollmentToken: enrollment.token };
}

/** On the very first start: a default tenant and its credentials; undefined afterwards. */
export async function bootstrap(store: Storage, now: Date): Promise<TenantCredentials | undefined> {
  if ((await store.listTenants()).length > 0) return undefined;
  return createTenant(store, { name: 'Default', adminEmail: DEFAULT_ADMIN_EMAIL }, now);
}

/** Sets a new generated password (and ends that account's sessions); for the CLI. */
export async function resetAdminPassword(store: Storage, email: string): Promise<string> {
  const admin = await store.findAdminByEmail(email);
  if (!admin) throw new ApiError('not_found', `no account ${email}`);
  const password = generatePassword();
  await store.setAdminPassword(admin.tenantId, admin.id, await hashSecret(password, 'password'));
  return password;
}

/** Enrollment tokens as admins manage them through the API. */
export class EnrollmentTokenService {
  constructor(
    private readonly store: Storage,
    private readonly clock: Clock,
  ) {}

  async create(principal: Principal, input: EnrollmentTokenCreate): Promise<EnrollmentTokenCreated> {
    const admin = authorize(principal, 'enrollment-tokens:write');
    return issueEnrollmentToken(this.store, admin.tenantId, input.name, this.clock.now());
  }

  async list(principal: Principal): Promise<EnrollmentTokenView[]> {
    const admin = authorize(principal, 'enrollment-tokens:read');
    const tokens = await this.store.listEnrollmentTokens(admin.tenantId);
    return tokens.map(({ tenantId: _t, ...view }) => view);
  }

  async revoke(principal: Principal, id: string): Promise<void> {
    const admin = authorize(principal, 'enrollment-tokens:write');
    if (!(await this.store.revokeEnrollmentToken(admin.tenantId, id, this.clock.now().toISOString()))) {
      throw new ApiError('not_found', `no enrollment token ${id}`);
    }
  }
}
