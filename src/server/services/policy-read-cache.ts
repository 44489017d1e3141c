import type { Group } from '../storage/groups.js';
import type { PolicyKind, StoredPolicy } from '../storage/policies.js';
import type { Storage } from '../storage/storage.js';

export type CachingStorage = Storage & {
  /** Forgets the tenant's groups and policies; the write notifications call it. */
  invalidatePolicies(tenantId: string): void;
};

/**
 * Wraps a storage so that a tenant's groups and policies are read once and then served from
 * memory: every heartbeat resolves its device's configuration from them. Writes through this
 * process invalidate at once; `ttlMs` bounds how long another API node's write can go unseen.
 */
export function cachingPolicyReads(store: Storage, ttlMs = 30_000, now: () => number = Date.now): CachingStorage {
  const entries = new Map<string, { at: number; value: Promise<unknown> }>();
  function cached<T>(key: string, read: () => Promise<T>): Promise<T> {
    const hit = entries.get(key);
    if (hit && now() - hit.at < ttlMs) return hit.value as Promise<T>;
    const value = read();
    entries.set(key, { at: now(), value });
    value.catch(() => entries.delete(key));
    return value;
  }
  return {
    ...store,
    listGroups: (tenantId: string) => cached<Group[]>(`${tenantId}|groups`, () => store.listGroups(tenantId)).then((g) => g.slice()),
    listPolicies: (tenantId: string, kind?: PolicyKind) =>
      cached<StoredPolicy[]>(`${tenantId}|${kind ?? '*'}`, () => store.listPolicies(tenantId, kind)).then((p) => p.slice()),
    invalidatePolicies(tenantId: string) {
      for (const key of entries.keys()) if (key.startsWith(`${tenantId}|`)) entries.delete(key);
    },
  };
}
