import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulatedFleet } from '../../src/agent/index.js';
import { TenantSettings } from '../../src/protocol/index.js';
import { migrateToLatest } from '../../src/server/storage/migrate.js';
import { openDatabase } from '../../src/server/storage/db.js';
import type { Storage } from '../../src/server/storage/storage.js';
import { backends } from '../helpers/storage.js';

// One suite every backend passes (nanomdm's TestE2E habit): the stores mean the same on both.
describe.each(backends())('storage on $name', (backend) => {
  let store: Storage;
  const t1 = randomUUID();
  const t2 = randomUUID();
  const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();

  beforeAll(async () => {
    store = await backend.open();
    for (const id of [t1, t2]) await store.createTenant({ id, name: id.slice(0, 4), settings: TenantSettings.parse({ governmentCloud: id === t2 }), createdAt: at(0) });
  });
  afterAll(() => store.close());

  it('keeps tenants and their settings', async () => {
    expect((await store.getTenant(t2))?.settings.governmentCloud).toBe(true);
    await store.updateTenantSettings(t1, TenantSettings.parse({ governmentCloud: true }));
    expect((await store.getTenant(t1))?.settings.governmentCloud).toBe(true);
    await store.updateTenantSettings(t1, TenantSettings.parse({ governmentCloud: false }));
    expect((await store.listTenants()).map((t) => t.id)).toEqual(expect.arrayContaining([t1, t2]));
  });

  it('finds admins by email case-insensitively and scopes them by tenant', async () => {
    const id = randomUUID();
    await store.createAdmin({ id, tenantId: t1, email: 'Ann@Example.org', role: 'admin', passwordHash: 'h', createdAt: at(1) });
    expect((await store.findAdminByEmail('ann@example.ORG'))?.id).toBe(id);
    expect(await store.getAdmin(t2, id)).toBeUndefined();
    await expect(store.createAdmin({ id: randomUUID(), tenantId: t2, email: 'ann@example.org', role: 'analyst', passwordHash: 'h', createdAt: at(1) })).rejects.toThrow();
  });

  it('ends sessions when the password changes', async () => {
    const admin = await store.findAdminByEmail('ann@example.org');
    const sid = randomUUID();
    await store.createSession({ id: sid, tenantId: t1, adminId: admin!.id, secretHash: 'h', createdAt: at(2), expiresAt: at(50) });
    expect((await store.findSessionCredential(sid))?.role).toBe('admin');
    await store.setAdminPassword(t1, admin!.id, 'h2');
    expect(await store.findSessionCredential(sid)).toBeUndefined();
  });

  it('revokes tokens only within their tenant', async () => {
    const id = randomUUID();
    await store.createApiToken({ id, tenantId: t1, name: 'ci', role: 'analyst', secretHash: 'h', createdAt: at(3), lastUsedAt: null, revokedAt: null });
    expect(await store.revokeApiToken(t2, id, at(4))).toBe(false);
    expect((await store.findApiTokenCredential(id))?.revokedAt).toBeNull();
    expect(await store.revokeApiToken(t1, id, at(4))).toBe(true);
    expect((await store.findApiTokenCredential(id))?.revokedAt).toBe(at(4));
    expect((await store.listApiTokens(t2)).length).toBe(0);
  });

  it('rolls a failed transaction back whole', async () => {
    const id = randomUUID();
    await expect(
      store.transaction(async (tx) => {
        await tx.createEnrollmentToken({ id, tenantId: t1, name: 'x', secretHash: 'h', createdAt: at(5), revokedAt: null });
        await tx.createEnrollmentToken({ id, tenantId: t1, name: 'duplicate id', secretHash: 'h', createdAt: at(5), revokedAt: null });
      }),
    ).rejects.toThrow();
    expect(await store.findEnrollmentTokenCredential(id)).toBeUndefined();
  });

  it('stores devices, records heartbeats and pages newest first per tenant', async () => {
    const fleet = simulatedFleet(5, 11);
    const ids: string[] = [];
    for (const [i, facts] of fleet.entries()) {
      const id = randomUUID();
      ids.push(id);
      await store.insertDevice({ id, tenantId: i < 4 ? t1 : t2, secretHash: 'h', enrollmentTokenId: 'e', facts, enrolledAt: at(10 + (i % 2)) });
    }
    await store.recordHeartbeat(t1, ids[0]!, {
      at: at(30),
      osVersion: '26.1',
      osBuild: '23B85',
      agentVersion: '0.2.0',
      protection: { webProtection: 'connected', networkProtection: true },
      configVersion: 'v1',
    });
    // A heartbeat naming the wrong tenant changes nothing.
    await store.recordHeartbeat(t2, ids[1]!, { at: at(31), osVersion: '1.0', osBuild: null, agentVersion: '9.9', protection: { webProtection: 'preempted', networkProtection: false }, configVersion: 'x' });
    const d0 = await store.getDevice(t1, ids[0]!);
    expect(d0).toMatchObject({ osVersion: '26.1', osBuild: '23B85', lastSeenAt: at(30), configVersion: 'v1', protection: { webProtection: 'connected' } });
    expect((await store.getDevice(t1, ids[1]!))?.lastSeenAt).toBeNull();
    expect(await store.getDevice(t2, ids[0]!)).toBeUndefined();

    const first = await store.listDevices(t1, {}, 3);
    expect(first.total).toBe(4);
    expect(first.items).toHaveLength(3);
    const second = await store.listDevices(t1, {}, 3, first.next!);
    expect(second.items).toHaveLength(1);
    expect(second.next).toBeNull();
    const all = [...first.items, ...second.items];
    expect(new Set(all.map((d) => d.id))).toEqual(new Set(ids.slice(0, 4)));
    const order = all.map((d) => `${d.enrolledAt}|${d.id}`);
    expect(order).toEqual([...order].sort().reverse());

    const platform = fleet[0]!.platform;
    const filtered = await store.listDevices(t1, { platform }, 10);
    expect(filtered.items.every((d) => d.platform === platform)).toBe(true);
    expect(filtered.total).toBe(fleet.slice(0, 4).filter((f) => f.platform === platform).length);
  });
});

describe('migrations', () => {
  it('are idempotent: a second run on the same database applies nothing', async () => {
    const { db } = openDatabase('sqlite::memory:');
    const applied = await migrateToLatest(db);
    expect(applied[0]).toBe('0001_initial');
    expect(applied).toEqual([...applied].sort());
    expect(await migrateToLatest(db)).toEqual([]);
    await db.destroy();
  });
});
