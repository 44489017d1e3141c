import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HeartbeatResponse, ThreatDbDownload } from '../../src/protocol/index.js';
import { testApi, type TestApi, type TestTenant } from '../helpers/api.js';
import { enrolledDevice } from '../helpers/secops.js';
import { backends } from '../helpers/storage.js';

describe.each(backends())('threat database delivery on $name', (backend) => {
  let now = Date.parse('2026-11-01T08:00:00Z');
  let api: TestApi;
  let t: TestTenant;
  let device: Awaited<ReturnType<typeof enrolledDevice>>;

  beforeAll(async () => {
    api = await testApi(backend, { now: () => new Date(now) });
    t = await api.tenant('Threats');
    await api.storage.putFeed({ source: 'openphish', category: 'phishing', action: 'Block', entries: ['phish.example'], importedAt: new Date(now).toISOString() });
    device = await enrolledDevice(api, t);
  });
  afterAll(() => api.close());

  const beat = async () =>
    (
      await api.call('POST', '/api/v1/device/heartbeat', {
        token: device.deviceSecret,
        body: { reason: 'background', osVersion: '18.5', agentVersion: '0.1.0', protection: { webProtection: 'connected', networkProtection: true }, configVersion: null },
      })
    ).json<HeartbeatResponse>().threatDb!;

  it('announces a new version at once after an indicator written here', async () => {
    const before = await beat();
    const res = await api.call('POST', '/api/v1/indicators', {
      token: t.adminToken,
      body: { indicatorValue: 'here.example', indicatorType: 'DomainName', action: 'Block', title: 't', description: 'd' },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect((await beat()).sequence).toBe(before.sequence + 1);
  });

  it('notices an indicator another API node wrote within 30 s', async () => {
    const before = await beat();
    const at = new Date(now).toISOString();
    // Straight into the database, as another node would: this node gets no write notification.
    await api.storage.insertIndicator({
      id: randomUUID(), tenantId: t.tenant.id, indicatorValue: 'elsewhere.example', indicatorType: 'DomainName', action: 'Block',
      title: 't', description: 'd', rbacGroupNames: [], generateAlert: false, createdAt: at, createdBy: null, lastUpdateTime: at,
    });
    expect((await beat()).sequence).toBe(before.sequence);
    now += 31_000;
    expect((await beat()).sequence).toBe(before.sequence + 1);
  });

  it('serves a delta from the version a device has, and the whole file otherwise', async () => {
    const current = await beat();
    const delta = (await api.call('GET', `/api/v1/device/threatdb?have=${current.sequence - 1}`, { token: device.deviceSecret })).json<ThreatDbDownload>();
    expect(delta).toMatchObject({ sequence: current.sequence, kind: 'delta', base: current.sequence - 1 });
    const full = (await api.call('GET', '/api/v1/device/threatdb', { token: device.deviceSecret })).json<ThreatDbDownload>();
    expect(full).toMatchObject({ kind: 'full', base: null });
    expect(Buffer.from(full.data, 'base64').length).toBe(current.size);
    expect((await api.call('GET', '/api/v1/device/threatdb', { token: t.adminToken })).statusCode).toBe(401);
  });
});
