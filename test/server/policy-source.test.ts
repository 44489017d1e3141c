import { describe, expect, it } from 'vitest';
import { AppProtectionPolicyInput } from '../../src/protocol/index.js';
import { StoredPolicySource } from '../../src/server/services/policy-source.js';
import type { Group } from '../../src/server/storage/groups.js';
import type { StoredPolicy } from '../../src/server/storage/policies.js';

const T = 'tenant-1';
const at = '2026-11-01T00:00:00.000Z';

function group(id: string, members: { users?: string[]; devices?: string[] }): Group {
  return { id, tenantId: T, name: `group ${id}`, description: '', users: members.users ?? [], devices: members.devices ?? [], createdAt: at, updatedAt: at };
}

function appProtection(id: string, assignment: { allDevices?: boolean; include?: string[]; exclude?: string[] }): StoredPolicy {
  const { name, assignment: a, ...body } = AppProtectionPolicyInput.parse({ name: id, maxThreatLevel: 'low', action: 'block', assignment });
  return { id, tenantId: T, kind: 'app_protection', name, body, assignment: a, createdAt: at, updatedAt: at };
}

function source(groups: Group[], policies: StoredPolicy[]) {
  const store = {
    groups,
    policies,
    listGroups: () => Promise.resolve(store.groups),
    listPolicies: (_t: string, kind?: string) => Promise.resolve(store.policies.filter((p) => p.kind === kind)),
  };
  return { store, policies: new StoredPolicySource(store) };
}

const names = (a: { appProtection: readonly { name: string }[] }) => a.appProtection.map((p) => p.name).sort();

describe('StoredPolicySource', () => {
  const groups = [group('g1', { devices: ['d1'] }), group('g2', { users: ['pat@example.com'] })];
  const policies = [
    appProtection('everyone', { allDevices: true }),
    appProtection('g1 only', { include: ['g1'] }),
    appProtection('all but g2', { allDevices: true, exclude: ['g2'] }),
  ];

  it('answers by group membership, through the device or its user, and by management', async () => {
    const { policies: src } = source(groups, policies);
    expect(names(await src.forDevice(T, { id: 'd1', userPrincipalName: null, management: 'mam' }))).toEqual(['all but g2', 'everyone', 'g1 only']);
    expect(names(await src.forDevice(T, { id: 'd2', userPrincipalName: 'Pat@Example.com', management: 'mam' }))).toEqual(['everyone']);
    expect(names(await src.forDevice(T, { id: 'd3', userPrincipalName: 'sam@example.com', management: 'mam' }))).toEqual(['all but g2', 'everyone']);
    expect(names(await src.forDevice(T, { id: 'd1', userPrincipalName: null, management: 'none' }))).toEqual([]);
    const viaGroup = (await src.forDevice(T, { id: 'd1', userPrincipalName: null, management: 'mam' })).appProtection.find((p) => p.name === 'g1 only');
    expect(viaGroup).toMatchObject({ via: ['group g1'] });
  });

  it('shares one frozen answer between devices of the same membership, and none across memberships', async () => {
    const { policies: src } = source(groups, policies);
    const a = await src.forDevice(T, { id: 'd3', userPrincipalName: 'sam@example.com', management: 'mam' });
    const b = await src.forDevice(T, { id: 'd4', userPrincipalName: null, management: 'mam' });
    expect(b).toBe(a);
    expect(Object.isFrozen(a.appProtection)).toBe(true);
    const inG1 = await src.forDevice(T, { id: 'd1', userPrincipalName: null, management: 'mam' });
    const inG1AndG2 = await src.forDevice(T, { id: 'd1', userPrincipalName: 'pat@example.com', management: 'mam' });
    expect(names(inG1AndG2)).toEqual(['everyone', 'g1 only']);
    expect(inG1).not.toBe(inG1AndG2);
    expect(await src.forDevice(T, { id: 'd4', userPrincipalName: null, management: 'mdm' })).not.toBe(a);
  });

  it('forgets every answer when invalidated', async () => {
    const { store, policies: src } = source(groups, policies);
    expect(names(await src.forDevice(T, { id: 'd5', userPrincipalName: null, management: 'mam' }))).toEqual(['all but g2', 'everyone']);
    store.groups = [...groups, group('g3', { devices: ['d5'] })];
    store.policies = [...policies, appProtection('g3 only', { include: ['g3'] })];
    expect(names(await src.forDevice(T, { id: 'd5', userPrincipalName: null, management: 'mam' }))).toEqual(['all but g2', 'everyone']);
    src.invalidate(T);
    expect(names(await src.forDevice(T, { id: 'd5', userPrincipalName: null, management: 'mam' }))).toEqual(['all but g2', 'everyone', 'g3 only']);
  });
});
