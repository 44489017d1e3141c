import { describe, expect, it } from 'vitest';
import { cachingPolicyReads } from '../../src/server/services/policy-read-cache.js';
import type { Storage } from '../../src/server/storage/storage.js';

describe('cachingPolicyReads', () => {
  function fakeStore() {
    const reads: string[] = [];
    const store = {
      listGroups: (tenantId: string) => {
        reads.push(`groups ${tenantId}`);
        return Promise.resolve([{ id: `g-${reads.length}` }]);
      },
      listPolicies: (tenantId: string, kind?: string) => {
        reads.push(`policies ${tenantId} ${kind ?? '*'}`);
        return Promise.resolve([]);
      },
    } as unknown as Storage;
    return { store, reads };
  }

  it('reads a tenant once, per tenant and kind, until invalidated or expired', async () => {
    let clock = 0;
    const { store, reads } = fakeStore();
    const cached = cachingPolicyReads(store, 30_000, () => clock);
    const first = await cached.listGroups('a');
    expect(await cached.listGroups('a')).toEqual(first);
    await cached.listPolicies('a', 'app_config');
    await cached.listPolicies('a', 'app_config');
    await cached.listPolicies('a', 'compliance');
    await cached.listGroups('b');
    expect(reads).toEqual(['groups a', 'policies a app_config', 'policies a compliance', 'groups b']);

    cached.invalidatePolicies('a');
    await cached.listGroups('a');
    await cached.listGroups('b');
    expect(reads.slice(4)).toEqual(['groups a']);

    clock = 30_001;
    await cached.listGroups('b');
    expect(reads.at(-1)).toBe('groups b');
  });

  it('does not keep a failed read', async () => {
    let fail = true;
    const store = { listGroups: () => (fail ? Promise.reject(new Error('db down')) : Promise.resolve([])) } as unknown as Storage;
    const cached = cachingPolicyReads(store);
    await expect(cached.listGroups('a')).rejects.toThrow('db down');
    fail = false;
    await expect(cached.listGroups('a')).resolves.toEqual([]);
  });
});
