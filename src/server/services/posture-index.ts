import type { DevicePosture } from '../secops/posture.js';
import type { SecuritySummary } from '../storage/security.js';
import type { Storage } from '../storage/storage.js';
import type { PolicyTarget } from './policy-source.js';
import type { SecOpsEvents } from './secops-events.js';

export type IndexedDevice = DevicePosture & PolicyTarget & { lastSeenAt: string };

interface TenantIndex {
  devices: Map<string, IndexedDevice>;
  /** Lower-case UPN -> the user's most recently seen device. */
  byUser: Map<string, string>;
}

/** A stored summary as decisions read it. */
export function indexed(s: SecuritySummary): IndexedDevice {
  return {
    deviceId: s.deviceId,
    id: s.deviceId,
    riskLevel: s.riskLevel,
    jailbroken: s.jailbroken,
    osVersion: s.osVersion,
    userPrincipalName: s.userPrincipalName,
    management: s.management as IndexedDevice['management'],
    lastSeenAt: s.lastSeenAt ?? s.enrolledAt,
  };
}

/**
 * Every device's posture in memory, per tenant: loaded with one query on first use, then kept
 * current from change events (a changed device is re-read before it is served again).
 */
export class PostureIndex {
  private readonly tenants = new Map<string, Promise<TenantIndex>>();
  private readonly stale = new Map<string, Set<string>>();
  private readonly refreshing = new Map<string, Promise<void>>();

  constructor(
    private readonly store: Storage,
    events: SecOpsEvents,
  ) {
    events.on((e) => {
      // Alerts reach posture through risk.changed; compliance is not part of it.
      if (e.type === 'alert.created' || e.type === 'alert.updated' || e.type === 'compliance.changed') return;
      if (this.tenants.has(e.tenantId)) this.staleSet(e.tenantId).add(e.deviceId);
    });
  }

  async device(tenantId: string, deviceId: string): Promise<IndexedDevice | undefined> {
    const index = await this.fresh(tenantId);
    return index.devices.get(deviceId);
  }

  async deviceOfUser(tenantId: string, upn: string): Promise<IndexedDevice | undefined> {
    const index = await this.fresh(tenantId);
    const id = index.byUser.get(upn.toLowerCase());
    return id === undefined ? undefined : index.devices.get(id);
  }

  private staleSet(tenantId: string): Set<string> {
    let set = this.stale.get(tenantId);
    if (!set) this.stale.set(tenantId, (set = new Set()));
    return set;
  }

  private async fresh(tenantId: string): Promise<TenantIndex> {
    let loading = this.tenants.get(tenantId);
    if (!loading) {
      loading = this.load(tenantId);
      this.tenants.set(tenantId, loading);
      loading.catch(() => this.tenants.delete(tenantId));
    }
    const index = await loading;
    // One refresh at a time per tenant, and every caller waits for it: a caller that found the
    // stale set emptied by another's refresh in flight would otherwise read the old entry.
    for (;;) {
      const inflight = this.refreshing.get(tenantId);
      if (inflight) {
        await inflight;
        continue;
      }
      const stale = this.stale.get(tenantId);
      if (!stale?.size) return index;
      const ids = [...stale];
      stale.clear();
      const refresh = this.reread(tenantId, index, ids)
        .catch((err: unknown) => {
          ids.forEach((id) => this.staleSet(tenantId).add(id));
          throw err;
        })
        .finally(() => this.refreshing.delete(tenantId));
      this.refreshing.set(tenantId, refresh);
      await refresh;
    }
  }

  private async reread(tenantId: string, index: TenantIndex, ids: string[]): Promise<void> {
    for (const id of ids) {
      const [summary] = await this.store.securitySummaries(tenantId, id);
      if (summary) this.put(index, indexed(summary));
      else index.devices.delete(id);
    }
  }

  private async load(tenantId: string): Promise<TenantIndex> {
    const index: TenantIndex = { devices: new Map(), byUser: new Map() };
    for (const s of await this.store.securitySummaries(tenantId)) this.put(index, indexed(s));
    return index;
  }

  private put(index: TenantIndex, d: IndexedDevice): void {
    index.devices.set(d.id, d);
    const upn = d.userPrincipalName?.toLowerCase();
    if (!upn) return;
    const current = index.byUser.get(upn);
    const other = current === undefined ? undefined : index.devices.get(current);
    if (!other || other.id === d.id || other.lastSeenAt <= d.lastSeenAt) index.byUser.set(upn, d.id);
  }
}
