import { createHash } from 'node:crypto';
import { resolveConfig, type Resolution, type ResolvablePolicy, type ResolutionDevice } from '../../policy/index.js';
import type { ConfigConflict, ConfigValue, DeviceConfigView, EffectiveConfig, KeyChange, PolicyPreview, PolicyPreviewRequest } from '../../protocol/index.js';
import { authorize, type Principal } from '../auth/authz.js';
import { ApiError } from '../errors.js';
import type { StoredDevice } from '../storage/devices.js';
import type { Group } from '../storage/groups.js';
import type { Storage } from '../storage/storage.js';
import type { Tenant } from '../storage/tenants.js';
import { assertGroupsExist } from './groups.js';
import { prepareAppConfig, toResolvable } from './policies.js';

/** A version that changes whenever any value changes: a digest of the sorted values. */
export function configVersion(values: Record<string, ConfigValue>): string {
  const canonical = JSON.stringify(Object.keys(values).sort().map((k) => [k, values[k]]));
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 16);
}

function resolutionDevice(device: StoredDevice): ResolutionDevice {
  return {
    deviceId: device.id,
    tenantId: device.tenantId,
    userPrincipalName: device.userPrincipalName,
    serialNumber: device.serialNumber,
    supervised: device.supervised,
    management: device.management,
  };
}

/** What resolution needs of a tenant, loaded once and reused for every device. */
interface TenantPolicies {
  tenant: Tenant;
  groups: Group[];
  policies: ResolvablePolicy[];
}

async function loadTenantPolicies(store: Storage, tenant: Tenant): Promise<TenantPolicies> {
  const [groups, stored] = await Promise.all([store.listGroups(tenant.id), store.listPolicies(tenant.id, 'app_config')]);
  return { tenant, groups, policies: stored.map(toResolvable) };
}

function resolveWith(context: TenantPolicies, device: StoredDevice, policies = context.policies): Resolution {
  return resolveConfig({ device: resolutionDevice(device), tenant: context.tenant.settings, groups: context.groups, policies });
}

/** The configuration a device runs with, as the heartbeat delivers it. */
export async function effectiveConfig(store: Storage, device: StoredDevice, tenant: Tenant): Promise<EffectiveConfig> {
  const { values } = resolveWith(await loadTenantPolicies(store, tenant), device);
  return { version: configVersion(values), values };
}

/** A device's effective configuration with provenance and conflicts; for the API and the CLI. */
export async function deviceConfig(store: Storage, tenantId: string, deviceId: string): Promise<DeviceConfigView> {
  const [device, tenant] = await Promise.all([store.getDevice(tenantId, deviceId), store.getTenant(tenantId)]);
  if (!device || !tenant) throw new ApiError('not_found', `no device ${deviceId}`);
  const r = resolveWith(await loadTenantPolicies(store, tenant), device);
  return { deviceId, management: device.management, version: configVersion(r.values), ...r };
}

async function* allDevices(store: Storage, tenantId: string): AsyncGenerator<StoredDevice> {
  let after: { enrolledAt: string; id: string } | undefined;
  do {
    const page = await store.listDevices(tenantId, {}, 500, after);
    yield* page.items;
    after = page.next ?? undefined;
  } while (after);
}

function changesBetween(before: Record<string, ConfigValue>, after: Record<string, ConfigValue>): KeyChange[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return keys.filter((k) => before[k] !== after[k]).map((key) => ({ key, before: before[key] ?? null, after: after[key] ?? null }));
}

const conflictId = (c: ConfigConflict) => `${c.kind}:${c.key ?? ''}`;

/** Effective configurations and the what-if preview. */
export class ConfigService {
  constructor(private readonly store: Storage) {}

  async deviceConfig(principal: Principal, deviceId: string): Promise<DeviceConfigView> {
    const admin = authorize(principal, 'policies:read');
    return deviceConfig(this.store, admin.tenantId, deviceId);
  }

  /**
   * Evaluates a draft app-configuration policy on every device of the tenant without saving
   * it: which devices it reaches, which keys change on which device, which conflicts it adds.
   */
  async preview(principal: Principal, request: PolicyPreviewRequest): Promise<PolicyPreview> {
    const admin = authorize(principal, 'policies:read');
    const prepared = prepareAppConfig(request.policy);
    await assertGroupsExist(this.store, admin.tenantId, request.policy.assignment);
    const tenant = await this.store.getTenant(admin.tenantId);
    if (!tenant) throw new ApiError('not_found', 'no such tenant');
    const context = await loadTenantPolicies(this.store, tenant);
    if (request.replaces && !context.policies.some((p) => p.id === request.replaces)) throw new ApiError('not_found', `no app-configuration policy ${request.replaces}`);

    const draft: ResolvablePolicy = { id: request.replaces ?? 'draft', name: request.policy.name, channel: prepared.channel, settings: prepared.settings, assignment: request.policy.assignment };
    const proposed = [...context.policies.filter((p) => p.id !== request.replaces), draft];
    const preview: PolicyPreview = { devicesEvaluated: 0, devicesReached: 0, warnings: prepared.warnings, devices: [] };
    for await (const device of allDevices(this.store, admin.tenantId)) {
      preview.devicesEvaluated++;
      const before = resolveWith(context, device);
      const after = resolveWith(context, device, proposed);
      if (after.policies.some((p) => p.id === draft.id)) preview.devicesReached++;
      const known = new Set(before.conflicts.map(conflictId));
      const changes = changesBetween(before.values, after.values);
      const newConflicts = after.conflicts.filter((c) => !known.has(conflictId(c)));
      if (changes.length > 0 || newConflicts.length > 0) {
        preview.devices.push({ deviceId: device.id, deviceName: device.deviceName, userPrincipalName: device.userPrincipalName, changes, newConflicts });
      }
    }
    return preview;
  }
}
