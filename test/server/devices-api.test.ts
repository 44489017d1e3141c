import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulatedFleet } from '../../src/agent/index.js';
import type { DeviceFacts, DeviceList, EnrollResponse } from '../../src/protocol/index.js';
import { testApi, type TestApi, type TestTenant } from '../helpers/api.js';
import { backends } from '../helpers/storage.js';

const iphone = (overrides: Partial<DeviceFacts> = {}): DeviceFacts => ({ ...simulatedFleet(1, 7)[0]!, management: 'mdm', authenticatorAccount: null, ...overrides });

describe.each(backends())('device and admin API on $name', (backend) => {
  let api: TestApi;
  let a: TestTenant;
  let b: TestTenant;

  beforeAll(async () => {
    api = await testApi(backend);
    a = await api.tenant('Alpha');
    b = await api.tenant('Beta');
  });
  afterAll(() => api.close());

  async function enroll(tenant: TestTenant, facts: DeviceFacts) {
    return api.call('POST', '/api/v1/device/enroll', { body: { enrollmentToken: tenant.enrollmentToken, device: facts } });
  }

  it('enrolls a device, stores only a hash of its secret, and takes its heartbeat', async () => {
    const res = await enroll(a, iphone({ osVersion: '17.5.1' }));
    expect(res.statusCode).toBe(201);
    const enrolled = res.json<EnrollResponse>();
    expect(enrolled.deviceSecret).toMatch(/^bwd_/);
    const hash = (await api.storage.findDeviceCredential(enrolled.deviceId))!.secretHash;
    expect(hash).toMatch(/^scrypt\$/);
    expect(hash).not.toContain(enrolled.deviceSecret.split('.')[1]);

    const beat = await api.call('POST', '/api/v1/device/heartbeat', {
      token: enrolled.deviceSecret,
      body: { reason: 'app_open', osVersion: '17.6', agentVersion: '0.1.0', protection: { webProtection: 'connected', networkProtection: true }, configVersion: null },
    });
    expect(beat.statusCode).toBe(200);
    expect(beat.json<{ config: { values: Record<string, unknown> } }>().config.values).toMatchObject({ WebProtection: true, DefenderOpenNetworkDetection: 2 });

    const view = await api.call('GET', `/api/v1/devices/${enrolled.deviceId}`, { token: a.analystToken });
    expect(view.json()).toMatchObject({ osVersion: '17.6', health: 'active', protection: { webProtection: 'connected' } });
    expect(view.json<{ lastSeenAt: string | null }>().lastSeenAt).not.toBeNull();
  });

  it.each([
    ['os_unsupported', { osVersion: '15.8.3' }],
    ['shared_device', { sharedDevice: true }],
    ['userless_device', { userPrincipalName: null }],
    ['mam_account_mismatch', { management: 'mam' as const, userPrincipalName: 'ann@contoso.example', authenticatorAccount: 'bob@contoso.example' }],
  ])('refuses enrollment with %s', async (code, overrides) => {
    const res = await enroll(a, iphone(overrides));
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ error: { code } });
  });

  it('refuses a bad or revoked enrollment token', async () => {
    const bad = await api.call('POST', '/api/v1/device/enroll', { body: { enrollmentToken: 'bwe_nope', device: iphone() } });
    expect(bad.statusCode).toBe(401);
    expect(bad.json()).toMatchObject({ error: { code: 'invalid_enrollment_token' } });

    const created = await api.call('POST', '/api/v1/enrollment-tokens', { token: a.adminToken, body: { name: 'to revoke' } });
    const { id, token } = created.json<{ id: string; token: string }>();
    expect((await api.call('DELETE', `/api/v1/enrollment-tokens/${id}`, { token: a.adminToken })).statusCode).toBe(204);
    const revoked = await api.call('POST', '/api/v1/device/enroll', { body: { enrollmentToken: token, device: iphone() } });
    expect(revoked.json()).toMatchObject({ error: { code: 'invalid_enrollment_token' } });
  });

  it('names the field of a malformed body', async () => {
    const res = await api.call('POST', '/api/v1/device/enroll', { body: { enrollmentToken: a.enrollmentToken, device: { ...iphone(), platform: 'android' } } });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ error: { code: string; message: string } }>().error).toMatchObject({ code: 'validation_failed' });
    expect(res.json<{ error: { message: string } }>().error.message).toContain('platform');
  });

  it("keeps tenants apart: tenant B's token sees none of tenant A's devices", async () => {
    const mine = (await enroll(b, iphone())).json<EnrollResponse>();
    const listA = (await api.call('GET', '/api/v1/devices', { token: a.adminToken })).json<DeviceList>();
    const listB = (await api.call('GET', '/api/v1/devices', { token: b.adminToken })).json<DeviceList>();
    expect(listA.total).toBeGreaterThan(0);
    expect(listB.items.map((d) => d.id)).toEqual([mine.deviceId]);
    for (const device of listA.items) {
      const res = await api.call('GET', `/api/v1/devices/${device.id}`, { token: b.adminToken });
      expect(res.statusCode).toBe(404);
    }
  });

  it('lets an analyst read but change nothing', async () => {
    expect((await api.call('GET', '/api/v1/devices', { token: a.analystToken })).statusCode).toBe(200);
    const writes = [
      api.call('POST', '/api/v1/api-tokens', { token: a.analystToken, body: { name: 'x', role: 'admin' } }),
      api.call('POST', '/api/v1/enrollment-tokens', { token: a.analystToken, body: { name: 'x' } }),
      api.call('DELETE', `/api/v1/api-tokens/${a.tenant.id}`, { token: a.analystToken }),
    ];
    for (const res of await Promise.all(writes)) {
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ error: { code: 'forbidden' } });
    }
  });

  it('pages through devices with a cursor and filters by management type', async () => {
    for (const facts of simulatedFleet(7, 3)) await enroll(b, { ...facts, sharedDevice: false });
    const seen = new Set<string>();
    let cursor: string | null = null;
    do {
      const url: string = `/api/v1/devices?limit=3${cursor ? `&cursor=${cursor}` : ''}`;
      const page: DeviceList = (await api.call('GET', url, { token: b.adminToken })).json<DeviceList>();
      page.items.forEach((d) => seen.add(d.id));
      expect(page.total).toBe(8);
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.size).toBe(8);
    const mam = (await api.call('GET', '/api/v1/devices?management=mam', { token: b.adminToken })).json<DeviceList>();
    expect(mam.items.every((d) => d.management === 'mam')).toBe(true);
    expect((await api.call('GET', '/api/v1/devices?limit=9999', { token: b.adminToken })).statusCode).toBe(400);
  });

  it('rejects requests without credentials, and device secrets on admin routes', async () => {
    expect((await api.call('GET', '/api/v1/devices')).statusCode).toBe(401);
    const device = (await enroll(a, iphone())).json<EnrollResponse>();
    expect((await api.call('GET', '/api/v1/devices', { token: device.deviceSecret })).statusCode).toBe(401);
    expect((await api.call('POST', '/api/v1/device/heartbeat', { token: a.adminToken, body: {} })).statusCode).toBe(401);
  });
});
