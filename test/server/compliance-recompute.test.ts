import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApi, type TestApi, type TestTenant } from '../helpers/api.js';
import { enrolledDevice } from '../helpers/secops.js';
import { backends } from '../helpers/storage.js';

describe.each(backends())('stored compliance follows policy and group changes on $name', (backend) => {
  let api: TestApi;
  let tenant: TestTenant;

  beforeAll(async () => {
    api = await testApi(backend);
    tenant = await api.tenant('Recompute');
  });
  afterAll(() => api.close());

  it('recomputes every device after a compliance policy or group change and tells subscribers of the devices that changed', async () => {
    const old = await enrolledDevice(api, tenant, { osVersion: '16.1.1' });
    const current = await enrolledDevice(api, tenant, { osVersion: '17.5' });
    const changes: Array<[string, boolean]> = [];
    // The webhook service hears the same events; listening here sees what it would send.
    api.app.services.events.on((e) => {
      if (e.type === 'compliance.changed') changes.push([e.deviceId === old.deviceId ? 'old' : 'current', e.compliance.compliant]);
    });
    const stored = async () => {
      await api.app.services.access.settled();
      const [a, b] = await Promise.all([api.storage.getSecurity(tenant.tenant.id, old.deviceId), api.storage.getSecurity(tenant.tenant.id, current.deviceId)]);
      return [a?.compliant ?? null, b?.compliant ?? null];
    };
    const write = async (method: string, url: string, body?: object) => {
      const res = await api.call(method, url, { token: tenant.adminToken, body });
      expect(res.statusCode, res.body).toBeLessThan(300);
      return res.statusCode === 204 ? undefined : res.json<{ id: string }>();
    };

    const policy = { name: 'iOS 17', requiredThreatLevel: 'high', blockJailbroken: true, minimumOsVersion: '17.0', assignment: { allDevices: true } };
    const created = await write('POST', '/api/v1/compliance-policies', policy);
    expect(await stored()).toEqual([false, true]);
    // A compliant device evaluated for the first time is no change.
    expect(changes).toEqual([['old', false]]);

    await write('PUT', `/api/v1/compliance-policies/${created!.id}`, { ...policy, minimumOsVersion: '16.0' });
    expect(await stored()).toEqual([true, true]);
    expect(changes).toEqual([['old', false], ['old', true]]);

    // Narrowed to a group, then the group changes: a group write recomputes as well.
    const group = await write('POST', '/api/v1/groups', { name: 'Legacy', description: 'old phones', devices: [] });
    await write('PUT', `/api/v1/compliance-policies/${created!.id}`, { ...policy, minimumOsVersion: '18.0', assignment: { include: [group!.id] } });
    expect(await stored()).toEqual([true, true]);
    await write('PUT', `/api/v1/groups/${group!.id}`, { name: 'Legacy', description: 'old phones', devices: [old.deviceId] });
    expect(await stored()).toEqual([false, true]);
    expect(changes).toEqual([['old', false], ['old', true], ['old', false]]);

    // An app protection policy does not touch compliance.
    await write('POST', '/api/v1/app-protection-policies', { name: 'Max Low', maxThreatLevel: 'low', action: 'block', assignment: { allDevices: true } });
    expect(await stored()).toEqual([false, true]);
    expect(changes).toHaveLength(3);
  });
});
