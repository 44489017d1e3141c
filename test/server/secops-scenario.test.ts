import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccessDecision, AlertList, ComplianceResult, DeviceDetail, DeviceVulnerabilities, FleetVulnerabilities, TimelinePage } from '../../src/protocol/index.js';
import { importVulnData } from '../../src/server/services/vulnerabilities.js';
import { testApi, type TestApi, type TestTenant } from '../helpers/api.js';
import { enrolledDevice, reportId } from '../helpers/secops.js';
import { backends } from '../helpers/storage.js';

// The API-level equivalent of `bulwark simulate --scenario` on the shipped scenario: one device
// on an old iOS is jailbroken, visits a phishing site and joins an open network.

const at = (minutes: number) => new Date(Date.parse('2025-06-02T09:00:00Z') + minutes * 60_000).toISOString();

describe.each(backends())('scenario: jailbreak, phishing, open network, old iOS on $name', (backend) => {
  let api: TestApi;
  let tenant: TestTenant;
  let appMaxLow = '';

  beforeAll(async () => {
    // Real stored policies, created as an admin would: the decisions read them from memory.
    api = await testApi(backend);
    tenant = await api.tenant('Scenario');
    const everyone = { allDevices: true, include: [], exclude: [] };
    const created = await api.call('POST', '/api/v1/app-protection-policies', { token: tenant.adminToken, body: { name: 'Max Low', maxThreatLevel: 'low', action: 'block', assignment: everyone } });
    expect(created.statusCode, created.body).toBe(201);
    appMaxLow = created.json<{ id: string }>().id;
    const baseline = await api.call('POST', '/api/v1/compliance-policies', { token: tenant.adminToken, body: { name: 'Baseline', requiredThreatLevel: 'low', blockJailbroken: true, assignment: everyone } });
    expect(baseline.statusCode, baseline.body).toBe(201);
    for (const file of ['../shared/data/ios-security-releases.json', '../shared/data/kev-apple.json', 'examples/vulndb/app-advisories.json']) {
      await importVulnData(api.storage, fs.readFileSync(file, 'utf8'), new Date());
    }
  });
  afterAll(() => api.close());

  it('produces the expected alerts, timeline, risk, vulnerabilities, compliance and access decision', async () => {
    const device = await enrolledDevice(api, tenant, { osVersion: '16.1.1', userPrincipalName: 'ann@scenario.example' });
    const clean = await enrolledDevice(api, tenant, { osVersion: '16.7.16', userPrincipalName: 'bob@scenario.example' });
    const evaluate = async (body: object) => (await api.call('POST', '/api/v1/access/evaluate', { token: tenant.adminToken, body })).json<AccessDecision>();
    expect((await evaluate({ deviceId: device.deviceId, app: 'com.example.mail' })).decision).toBe('allow');

    const sent = await device.send([
      { id: reportId(), occurredAt: at(0), type: 'inventory', osVersion: '16.1.1', appScope: 'none' },
      { id: reportId(), occurredAt: at(5), type: 'web_threat', source: 'phishing', action: 'Block', visibility: 'domain_only', domain: 'micros0ft-login.example' },
      { id: reportId(), occurredAt: at(10), type: 'open_network_connected', network: 'net-airport', mode: 'enable' },
      { id: reportId(), occurredAt: at(15), type: 'jailbreak', failedChecks: ['suspicious_files', 'sandbox_write'], score: 12 },
    ]);
    expect(sent.body.accepted).toHaveLength(4);

    const alerts = (await api.call('GET', `/api/v1/devices/${device.deviceId}/alerts`, { token: tenant.analystToken })).json<AlertList>();
    expect(alerts.items.map((a) => [a.category, a.severity]).sort()).toEqual([
      ['Jailbreak', 'High'],
      ['Phishing', 'Medium'],
    ]);
    const timeline = (await api.call('GET', `/api/v1/devices/${device.deviceId}/timeline`, { token: tenant.analystToken })).json<TimelinePage>();
    expect(timeline.items.map((e) => e.type)).toEqual(['jailbreak', 'open_network_connected', 'web_threat', 'inventory']);

    const detail = (await api.call('GET', `/api/v1/devices/${device.deviceId}`, { token: tenant.analystToken })).json<DeviceDetail>();
    expect(detail.risk).toMatchObject({ level: 'High', activeAlerts: 2, reasons: [{ category: 'Jailbreak' }] });

    const vulns = (await api.call('GET', `/api/v1/devices/${device.deviceId}/vulnerabilities`, { token: tenant.analystToken })).json<DeviceVulnerabilities>();
    expect(vulns).toMatchObject({ osAssessed: true, recommendedUpdate: '16.7.16', appsAssessed: false });
    expect(vulns.cves.find((c) => c.cveId === 'CVE-2022-42856')).toMatchObject({ knownExploited: true, fixedIn: '16.1.2' });
    expect(vulns.knownExploitedCount).toBeGreaterThan(10);
    const fleet = (await api.call('GET', '/api/v1/vulnerabilities', { token: tenant.analystToken })).json<FleetVulnerabilities>();
    expect(fleet).toMatchObject({ devicesAssessed: 2, vulnerableDevices: 1, exposure: [{ deviceId: device.deviceId }] });

    const compliance = (await api.call('GET', `/api/v1/devices/${device.deviceId}/compliance`, { token: tenant.analystToken })).json<ComplianceResult>();
    expect(compliance).toMatchObject({ compliant: false, reasons: ['Baseline: risk level High is above the allowed low', 'Baseline: the device is jailbroken'] });

    const blocked = await evaluate({ deviceId: device.deviceId, app: 'com.example.mail' });
    expect(blocked).toMatchObject({ decision: 'block', riskLevel: 'High', policies: [{ id: appMaxLow, decision: 'block' }] });
    expect((await evaluate({ userPrincipalName: 'ANN@scenario.example', app: 'com.example.mail' })).decision).toBe('block');
    expect((await evaluate({ deviceId: clean.deviceId, app: 'com.example.mail' })).decision).toBe('allow');
    expect((await evaluate({ userPrincipalName: 'nobody@scenario.example', app: 'com.example.mail' })).decision).toBe('block');

    // An admin relaxes the policy: the next decision reads it (the in-memory copy is invalidated).
    const relaxed = await api.call('PUT', `/api/v1/app-protection-policies/${appMaxLow}`, {
      token: tenant.adminToken,
      body: { name: 'Max Low', maxThreatLevel: 'high', action: 'block', assignment: { allDevices: true, include: [], exclude: [] } },
    });
    expect(relaxed.statusCode, relaxed.body).toBe(200);
    expect((await evaluate({ deviceId: device.deviceId, app: 'com.example.mail' })).decision).toBe('allow');
    await api.call('PUT', `/api/v1/app-protection-policies/${appMaxLow}`, {
      token: tenant.adminToken,
      body: { name: 'Max Low', maxThreatLevel: 'low', action: 'block', assignment: { allDevices: true, include: [], exclude: [] } },
    });
    expect((await evaluate({ deviceId: device.deviceId, app: 'com.example.mail' })).decision).toBe('block');
  });

  it('decides the same whatever the device kept private', async () => {
    const open = await enrolledDevice(api, tenant, { userPrincipalName: 'cy@scenario.example' });
    const privateOne = await enrolledDevice(api, tenant, { userPrincipalName: 'di@scenario.example' });
    const threat = { type: 'tls_interception', subject: 'net-hotel', reason: 'unexpected_chain' };
    await open.send([{ id: reportId(), occurredAt: at(0), ...threat, details: { ssid: 'Hotel Guest', security: 'open' } }]);
    await privateOne.send([{ id: reportId(), occurredAt: at(0), ...threat }]);
    const decide = async (deviceId: string) => (await api.call('POST', '/api/v1/access/evaluate', { token: tenant.adminToken, body: { deviceId, app: 'x' } })).json<AccessDecision>();
    const [a, b] = [await decide(open.deviceId), await decide(privateOne.deviceId)];
    expect(a.decision).toBe('block');
    expect({ ...b, deviceId: a.deviceId }).toEqual(a);
  });
});
