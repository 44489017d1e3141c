import { randomUUID } from 'node:crypto';
import type { ApiTokenCreate, ApiTokenCreated, ApiTokenView, LoginRequest, WhoAmI } from '../../protocol/index.js';
import { authorize, type AdminPrincipal, type DevicePrincipal, type Principal } from '../auth/authz.js';
import { hashSecret, issueCredential, parseCredential, verifySecret, type CredentialKind } from '../auth/secrets.js';
import { ApiError } from '../errors.js';
import type { CredentialRecord } from '../storage/credentials.js';
import type { Storage } from '../storage/storage.js';
import { CredentialCache } from './credential-cache.js';

export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

export interface Clock {
  now(): Date;
}

const unauthorized = () => new ApiError('unauthorized', 'missing, malformed, expired or revoked credentials');

/** Sessions, API tokens and device secrets: who is calling, and what admins may manage. */
export class AuthService {
  private readonly cache = new CredentialCache<Principal>();
  // Verifying against this when an email is unknown keeps login timing the same either way.
  private readonly dummyHash = hashSecret(randomUUID(), 'password');

  constructor(
    private readonly store: Storage,
    private readonly clock: Clock,
  ) {}

  async login(input: LoginRequest): Promise<{ token: string; expiresAt: string; whoami: WhoAmI }> {
    const admin = await this.store.findAdminByEmail(input.email);
    const ok = await verifySecret(input.password, admin?.passwordHash ?? (await this.dummyHash));
    if (!admin || !ok) throw new ApiError('unauthorized', 'wrong email or password');
    const now = this.clock.now();
    const credential = issueCredential('bws');
    const expiresAt = new Date(now.getTime() + SESSION_TTL_MS).toISOString();
    await this.store.createSession({
      id: credential.id,
      tenantId: admin.tenantId,
      adminId: admin.id,
      secretHash: await hashSecret(credential.secret, 'secret'),
      createdAt: now.toISOString(),
      expiresAt,
    });
    return { token: credential.token, expiresAt, whoami: { tenantId: admin.tenantId, role: admin.role, email: admin.email, via: 'session' } };
  }

  async logout(sessionToken: string): Promise<void> {
    const parsed = parseCredential(sessionToken, 'bws');
    if (!parsed) return;
    await this.store.deleteSession(parsed.id);
    this.cache.clear();
  }

  /** The admin behind a session cookie or an `Authorization: Bearer bwa_…` header. */
  async authenticateAdmin(credentials: { bearer?: string; session?: string }): Promise<AdminPrincipal> {
    if (credentials.bearer?.startsWith('bwa_')) {
      const principal = await this.check(credentials.bearer, 'bwa', (id) => this.store.findApiTokenCredential(id), (rec) => ({
        kind: 'admin',
        tenantId: rec.tenantId,
        role: rec.role!,
        adminId: null,
        email: null,
        via: 'api_token',
        credentialId: rec.id,
      }));
      return principal as AdminPrincipal;
    }
    if (credentials.session) {
      const principal = await this.check(credentials.session, 'bws', (id) => this.store.findSessionCredential(id), (rec) => ({
        kind: 'admin',
        tenantId: rec.tenantId,
        role: rec.role!,
        adminId: rec.adminId ?? null,
        email: rec.email ?? null,
        via: 'session',
        credentialId: rec.id,
      }));
      return principal as AdminPrincipal;
    }
    throw unauthorized();
  }

  /** The device behind `Authorization: Bearer bwd_…`. */
  async authenticateDevice(bearer: string | undefined): Promise<DevicePrincipal> {
    if (!bearer) throw unauthorized();
    const principal = await this.check(bearer, 'bwd', (id) => this.store.findDeviceCredential(id), (rec) => ({
      kind: 'device',
      tenantId: rec.tenantId,
      deviceId: rec.id,
    }));
    return principal as DevicePrincipal;
  }

  private async check(
    token: string,
    kind: CredentialKind,
    find: (id: string) => Promise<CredentialRecord | undefined>,
    toPrincipal: (rec: CredentialRecord) => Principal,
  ): Promise<Principal> {
    const now = this.clock.now().getTime();
    // The kind is part of the key: a cached admin token must never pass as a device secret.
    const cacheKey = `${kind}:${token}`;
    const cached = this.cache.get(cacheKey, now);
    if (cached) return cached;
    const parsed = parseCredential(token, kind);
    if (!parsed) throw unauthorized();
    const rec = await find(parsed.id);
    if (!rec || rec.revokedAt || (rec.expiresAt && Date.parse(rec.expiresAt) <= now)) throw unauthorized();
    if (!(await verifySecret(parsed.secret, rec.secretHash))) throw unauthorized();
    const principal = toPrincipal(rec);
    // Sessions expire: never cache one past its end.
    if (!rec.expiresAt || Date.parse(rec.expiresAt) > now + 60_000) this.cache.set(cacheKey, principal, now);
    if (kind === 'bwa') await this.store.touchApiToken(rec.id, new Date(now).toISOString());
    return principal;
  }

  whoami(principal: AdminPrincipal): WhoAmI {
    return { tenantId: principal.tenantId, role: principal.role, email: principal.email, via: principal.via };
  }

  async createApiToken(principal: Principal, input: ApiTokenCreate): Promise<ApiTokenCreated> {
    const admin = authorize(principal, 'api-tokens:write');
    return createApiToken(this.store, admin.tenantId, input, this.clock.now());
  }

  async listApiTokens(principal: Principal): Promise<ApiTokenView[]> {
    const admin = authorize(principal, 'api-tokens:read');
    const tokens = await this.store.listApiTokens(admin.tenantId);
    return tokens.map(({ tenantId: _t, ...view }) => view);
  }

  async revokeApiToken(principal: Principal, id: string): Promise<void> {
    const admin = authorize(principal, 'api-tokens:write');
    if (!(await this.store.revokeApiToken(admin.tenantId, id, this.clock.now().toISOString()))) {
      throw new ApiError('not_found', `no API token ${id}`);
    }
    this.cache.clear();
  }
}

/** Issues an API token; shared by the API and the CLI (which has no principal: it owns the database). */
export async function createApiToken(store: Storage, tenantId: string, input: ApiTokenCreate, now: Date): Promise<ApiTokenCreated> {
  const credential = issueCredential('bwa');
  const view: ApiTokenView = { id: credential.id, name: input.name, role: input.role, createdAt: now.toISOString(), lastUsedAt: null, revokedAt: null };
  await store.createApiToken({ ...view, tenantId, secretHash: await hashSecret(credential.secret, 'secret') });
  return { ...view, token: credential.token };
}
