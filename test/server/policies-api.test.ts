import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulatedFleet } from '../../src/agent/index.js';
import type { AppConfigPolicyView, DeviceConfigView, DeviceFacts, EnrollResponse, GroupView, PolicyPreview } from '../../src/protocol/index.js';
import { accessPoliciesFor } from '../../src/server/services/policies.js';
import { testApi, type TestApi, type TestTenant } from '../helpers/api.js';
import { backends } from '../helpers/storage.js';

describe.each(backends())('policy API on $name', (backend) => {
  let api: TestApi;
  let a: TestTenant;
  let b: TestTenant;
  const fleet = simulatedFleet(24, 11);
  const ids: string[] = [];

  beforeAll(async () => {
    api = await testApi(backend);
    a = await api.tenant('Alpha');
    b = await api.tenant('Beta');
    for (const facts of fleet) {
      const res = await api.call('POST', '/api/v1/device/enroll', { body: { enrollmentToken: a.enrollmentToken, device: facts } });
      ids.push(res.json<EnrollResponse>().deviceId);
    }
  });
  afterAll(() => api.close());

  const byIndex = (i: number): DeviceFacts => fleet[i]!;
  // Pilot holds the user of device 0 and one MDM device; `outsider` is an MDM device outside it.
  const pilotDevice = fleet.findIndex((f, i) => i > 0 && f.management === 'mdm');
  const outsider = fleet.findIndex((f, i) => i > pilotDevice && f.management === 'mdm');

  it('creates, reads, updates and deletes groups, naming unknown devices', async () => {
    const bad = await api.call('POST', '/api/v1/groups', { token: a.adminToken, body: { name: 'x', devices: ['nope'] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ error: { message: string } }>().error.message).toContain('nope');
    const created = await api.call('POST', '/api/v1/groups', { token: a.adminToken, body: { name: 'Pilot', users: [byIndex(0).userPrincipalName!.toUpperCase()], devices: [ids[pilotDevice]] } });
    expect(created.statusCode).toBe(201);
    const group = created.json<GroupView>();
    expect(group.users).toEqual([byIndex(0).userPrincipalName!.toLowerCase()]);
    expect((await api.call('POST', '/api/v1/groups', { token: a.adminToken, body: { name: 'Pilot' } })).statusCode).toBe(409);
    const updated = await api.call('PUT', `/api/v1/groups/${group.id}`, { token: a.adminToken, body: { name: 'Pilot', users: [byIndex(0).userPrincipalName], devices: [ids[pilotDevice], ids[outsider + 1]] } });
    expect(updated.json<GroupView>().devices).toHaveLength(2);
    expect((await api.call('GET', `/api/v1/groups/${group.id}`, { token: b.adminToken })).statusCode).toBe(404);
    const temp = (await api.call('POST', '/api/v1/groups', { token: a.adminToken, body: { name: 'Temp' } })).json<GroupView>();
    expect((await api.call('DELETE', `/api/v1/groups/${temp.id}`, { token: a.adminToken })).statusCode).toBe(204);
  });

  it('refuses an invalid app-configuration policy with every key-named error, and stores nothing', async () => {
    const res = await api.call('POST', '/api/v1/app-config-policies', {
      token: a.adminToken,
      body: { channel: 'mdm', name: 'Broken', settings: [{ key: 'WebProtecton', value: 'false' }, { key: 'DefenderOpenNetworkDetection', value: '7' }], assignment: { allDevices: true } },
    });
    expect(res.statusCode).toBe(400);
    const body = res.json<{ error: { message: string; issues: Array<{ path: string }> } }>();
    expect(body.error.message).toContain('WebProtecton: unknown key (did you mean "WebProtection"?)');
    expect(body.error.issues.map((i) => i.path)).toEqual(['settings.WebProtecton', 'settings.DefenderOpenNetworkDetection']);
    const list = await api.call('GET', '/api/v1/app-config-policies', { token: a.adminToken });
    expect(list.json<AppConfigPolicyView[]>().map((p) => p.name)).not.toContain('Broken');
  });

  it('resolves a device with provenance and reports an MDM + MAM network-protection conflict', async () => {
    const groups = (await api.call('GET', '/api/v1/groups', { token: a.analystToken })).json<GroupView[]>();
    const pilot = groups.find((g) => g.name === 'Pilot')!;
    const mdm = await api.call('POST', '/api/v1/app-config-policies', {
      token: a.adminToken,
      body: { channel: 'mdm', name: 'Corp NP', settings: [{ key: 'DefenderOpenNetworkDetection', value: '1' }, { key: 'DefenderDeviceTag', type: 'Token', value: '{{serialnumberlast4digits}}' }], assignment: { allDevices: true } },
    });
    expect(mdm.statusCode).toBe(201);
    const mam = await api.call('POST', '/api/v1/app-config-policies', {
      token: a.adminToken,
      body: { channel: 'mam', name: 'Pilot NP', settings: [{ key: 'DefenderNetworkProtectionEnable', value: 'true' }, { key: 'DefenderOptionalVPN', value: 'true' }], assignment: { include: [pilot.id] } },
    });
    expect(mam.statusCode).toBe(201);
    expect(mam.json<AppConfigPolicyView>().warnings.map((w) => w.key)).toEqual(['DefenderOptionalVPN']);

    const config = (await api.call('GET', `/api/v1/devices/${ids[pilotDevice]}/config`, { token: a.analystToken })).json<DeviceConfigView>();
    expect(config.values.DefenderDeviceTag).toBe(byIndex(pilotDevice).serialNumber!.slice(-4));
    expect(config.conflicts.map((c) => c.kind)).toEqual(['network_protection_channels']);
    expect(config.settings.find((s) => s.key === 'DefenderOpenNetworkDetection')!.source).toMatchObject({ kind: 'policy', policies: [{ name: 'Corp NP', via: ['all devices'] }] });
    const other = outsider;
    const plain = (await api.call('GET', `/api/v1/devices/${ids[other]}/config`, { token: a.adminToken })).json<DeviceConfigView>();
    expect(plain.conflicts).toEqual([]);
    expect((await api.call('GET', `/api/v1/devices/${ids[other]}/config`, { token: b.adminToken })).statusCode).toBe(404);
  });

  it('previews a draft policy on the fleet: devices reached, keys changed, nothing saved', async () => {
    const before = (await api.call('GET', '/api/v1/app-config-policies', { token: a.adminToken })).json<AppConfigPolicyView[]>().length;
    const res = await api.call('POST', '/api/v1/policies/preview', {
      token: a.analystToken,
      body: { policy: { channel: 'mdm', name: 'Draft', settings: [{ key: 'DisableSignOut', value: 'true' }, { key: 'DefenderOpenNetworkDetection', value: '0' }], assignment: { allDevices: true } } },
    });
    expect(res.statusCode).toBe(200);
    const preview = res.json<PolicyPreview>();
    const mdmDevices = fleet.filter((f) => f.management === 'mdm').length;
    expect(preview.devicesEvaluated).toBe(fleet.length);
    expect(preview.devicesReached).toBe(mdmDevices);
    // Every MDM device gets DisableSignOut; DefenderOpenNetworkDetection now conflicts with "Corp NP" (1 vs 0).
    expect(preview.devices).toHaveLength(mdmDevices);
    for (const d of preview.devices) {
      expect(d.changes.find((c) => c.key === 'DisableSignOut')).toEqual({ key: 'DisableSignOut', before: false, after: true });
      expect(d.changes.find((c) => c.key === 'DefenderOpenNetworkDetection')).toEqual({ key: 'DefenderOpenNetworkDetection', before: 1, after: 2 });
      expect(d.newConflicts.map((c) => c.key)).toEqual(['DefenderOpenNetworkDetection']);
    }
    expect((await api.call('GET', '/api/v1/app-config-policies', { token: a.adminToken })).json<AppConfigPolicyView[]>()).toHaveLength(before);

    const bad = await api.call('POST', '/api/v1/policies/preview', { token: a.adminToken, body: { policy: { channel: 'mam', name: 'D', settings: [{ key: 'Nope', value: '1' }] } } });
    expect(bad.statusCode).toBe(400);
  });

  it('stores app protection and compliance policies, assigns them, and tells which apply to a device', async () => {
    const groups = (await api.call('GET', '/api/v1/groups', { token: a.adminToken })).json<GroupView[]>();
    const pilot = groups.find((g) => g.name === 'Pilot')!;
    const ap = await api.call('POST', '/api/v1/app-protection-policies', { token: a.adminToken, body: { name: 'MAM block', maxThreatLevel: 'medium', action: 'block', assignment: { allDevices: true } } });
    expect(ap.statusCode).toBe(201);
    expect((await api.call('POST', '/api/v1/app-protection-policies', { token: a.adminToken, body: { name: 'x', maxThreatLevel: 'severe', action: 'block' } })).statusCode).toBe(400);
    const comp = await api.call('POST', '/api/v1/compliance-policies', { token: a.adminToken, body: { name: 'Corp compliance', requiredThreatLevel: 'low', minimumOsVersion: '17.0' } });
    expect(comp.json()).toMatchObject({ blockJailbroken: true, minimumOsVersion: '17.0', assignment: { allDevices: false } });
    const compId = comp.json<{ id: string }>().id;
    const assigned = await api.call('PUT', `/api/v1/compliance-policies/${compId}/assignment`, { token: a.adminToken, body: { allDevices: true, exclude: [pilot.id] } });
    expect(assigned.statusCode).toBe(200);
    expect((await api.call('PUT', `/api/v1/compliance-policies/${compId}/assignment`, { token: a.adminToken, body: { include: ['ghost'] } })).statusCode).toBe(400);
    expect((await api.call('DELETE', `/api/v1/groups/${pilot.id}`, { token: a.adminToken })).statusCode).toBe(409);

    const device = (await api.storage.getDevice(a.tenant.id, ids[outsider]!))!;
    const applicable = await accessPoliciesFor(api.storage, device);
    expect(applicable.appProtection.map((p) => p.name)).toEqual(['MAM block']);
    expect(applicable.compliance.map((p) => [p.name, p.via])).toEqual([['Corp compliance', ['all devices']]]);
  });

  it('lets an analyst read policies and groups but change nothing', async () => {
    expect((await api.call('GET', '/api/v1/compliance-policies', { token: a.analystToken })).statusCode).toBe(200);
    const pilot = (await api.storage.getDevice(a.tenant.id, ids[pilotDevice]!))!;
    expect((await accessPoliciesFor(api.storage, pilot)).compliance).toEqual([]);
    const writes = await Promise.all([
      api.call('POST', '/api/v1/groups', { token: a.analystToken, body: { name: 'x' } }),
      api.call('POST', '/api/v1/app-config-policies', { token: a.analystToken, body: { channel: 'mam', name: 'x' } }),
      api.call('POST', '/api/v1/app-protection-policies', { token: a.analystToken, body: { name: 'x', maxThreatLevel: 'low', action: 'wipe' } }),
      api.call('POST', '/api/v1/compliance-policies', { token: a.analystToken, body: { name: 'x', requiredThreatLevel: 'low' } }),
    ]);
    for (const res of writes) expect(res.statusCode).toBe(403);
  });

  it("keeps tenants apart: B sees none of A's policies and cannot assign A's groups", async () => {
    expect((await api.call('GET', '/api/v1/app-config-policies', { token: b.adminToken })).json()).toEqual([]);
    const groupsA = (await api.call('GET', '/api/v1/groups', { token: a.adminToken })).json<GroupView[]>();
    const res = await api.call('POST', '/api/v1/app-protection-policies', { token: b.adminToken, body: { name: 'x', maxThreatLevel: 'low', action: 'wipe', assignment: { include: [groupsA[0]!.id] } } });
    expect(res.statusCode).toBe(400);
  });
});
