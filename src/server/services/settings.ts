import type { TenantSettings, TenantSettingsUpdate } from '../../protocol/index.js';
import { authorize, type Principal } from '../auth/authz.js';
import { ApiError } from '../errors.js';
import type { Storage } from '../storage/storage.js';

/** Tenant settings: read by anyone in the tenant, changed by admins. */
export class SettingsService {
  constructor(
    private readonly store: Storage,
    private readonly changed: (tenantId: string) => void,
  ) {}

  async get(principal: Principal): Promise<TenantSettings> {
    const admin = authorize(principal, 'settings:read');
    const tenant = await this.store.getTenant(admin.tenantId);
    if (!tenant) throw new ApiError('not_found', 'this tenant no longer exists');
    return tenant.settings;
  }

  async update(principal: Principal, input: TenantSettingsUpdate): Promise<TenantSettings> {
    const admin = authorize(principal, 'settings:write');
    const current = await this.get(principal);
    const next = { ...current, ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) };
    await this.store.updateTenantSettings(admin.tenantId, next);
    this.changed(admin.tenantId);
    return next;
  }
}
