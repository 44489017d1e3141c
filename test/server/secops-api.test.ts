import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert, AlertList, DeviceDetail, DeviceList, IndicatorImportResult, TimelinePage, WebhookCreated, WebhookDelivery } from '../../src/protocol/index.js';
import { verifySignature } from '../../src/server/secops/webhook-signing.js';
import { testApi, type TestApi, type TestTenant } from '../helpers/api.js';
import { enrolledDevice, fixedPolicies, reportId } from '../helpers/secops.js';
import { backends } from '../helpers/storage.js';

const T0 = Date.parse('2025-06-01T08:00:00Z');
const at = (hours: number) => new Date(T0 + hours * 3600_000).toISOString();
const jailbreak = () => ({ id: reportId(), occurredAt: at(0), type: 'jailbreak', failedChecks: ['suspicious_files'], score: 10 });
const phishing = (domain = 'login-contoso.example') => ({ id: reportId(), occurredAt: at(0), type: 'web_threat', source: 'phishing', action: 'Block', visibility: 'domain_only', domain });

describe.each(backends())('security operations API on $name', (backend) => {
  let api: TestApi;
  let a: TestTenant;
  let b: TestTenant;
  const policies = fixedPolicies();

  beforeAll(async () => {
    api = await testApi(backend, undefined, { policies: policies.source, webhookRetry: { baseMs: 20, maxMs: 50, maxAttempts: 3, timeoutMs: 2000 } });
    a = await api.tenant('Alpha');
    b = await api.tenant('Beta');
  });
  afterAll(() => api.close());

  it('stores a valid batch once and acknowledges a replay as duplicates', async () => {
    const device = await enrolledDevice(api, a);
    const batch = [jailbreak(), phishing()];
    const first = await device.send(batch);
    expect(first).toEqual({ status: 200, body: { accepted: batch.map((r) => r.id).sort(), duplicates: [], rejected: [] } });
    const again = await device.send(batch);
    expect(again.body).toMatchObject({ accepted: [], rejected: [] });
    expect(again.body.duplicates.sort()).toEqual(batch.map((r) => r.id).sort());
    const timeline = (await api.call('GET', `/api/v1/devices/${device.deviceId}/timeline`, { token: a.analystToken })).json<TimelinePage>();
    expect(timeline.items).toHaveLength(2);
  });

  it('refuses a batch with a bad report, naming its index and reason, and stores none of it', async () => {
    const device = await enrolledDevice(api, a);
    const good = phishing();
    const res = await device.send([good, { id: 'bad-000001', occurredAt: at(0), type: 'jailbreak', failedChecks: [], score: 1 }, { type: 'teleport' }]);
    expect(res.status).toBe(200);
    expect(res.body.accepted).toEqual([]);
    expect(res.body.rejected.map((r) => r.index)).toEqual([1, 2]);
    expect(res.body.rejected[0]).toMatchObject({ id: 'bad-000001' });
    expect(res.body.rejected[0]!.reason).toContain('failedChecks');
    const timeline = (await api.call('GET', `/api/v1/devices/${device.deviceId}/timeline`, { token: a.adminToken })).json<TimelinePage>();
    expect(timeline.items).toHaveLength(0);
    // The agent resends the good one alone.
    expect((await device.send([good])).body.accepted).toEqual([good.id]);
  });

  it('de-duplicates alerts per threat and device, explains the risk, and lets a responder triage', async () => {
    const device = await enrolledDevice(api, a);
    await device.send([phishing('bad.example'), phishing('bad.example'), phishing('other.example')]);
    const alerts = (await api.call('GET', `/api/v1/devices/${device.deviceId}/alerts`, { token: a.analystToken })).json<AlertList>();
    expect(alerts.total).toBe(2);
    const bad = alerts.items.find((x) => x.evidence[0]?.domainName === 'bad.example')!;
    expect(bad).toMatchObject({ eventCount: 2, status: 'New', severity: 'Medium', category: 'Phishing' });

    let view = (await api.call('GET', `/api/v1/devices/${device.deviceId}`, { token: a.analystToken })).json<DeviceDetail>();
    expect(view.riskLevel).toBe('Medium');
    expect(view.risk.reasons.map((r) => r.alertId).sort()).toEqual(alerts.items.map((x) => x.id).sort());

    const bogus = await api.call('PATCH', `/api/v1/alerts/${bad.id}`, { token: a.responderToken, body: { classification: 'FalsePositive', determination: 'Malware' } });
    expect(bogus.statusCode).toBe(400);
    for (const alert of alerts.items) {
      const res = await api.call('PATCH', `/api/v1/alerts/${alert.id}`, {
        token: a.responderToken,
        body: { status: 'Resolved', classification: 'TruePositive', determination: 'Phishing', assignedTo: 'soc@alpha.example', comment: 'user reset password' },
      });
      expect(res.statusCode).toBe(200);
      expect(res.json<Alert>()).toMatchObject({ status: 'Resolved', resolvedBy: 'analyst', comments: [{ comment: 'user reset password' }] });
    }
    view = (await api.call('GET', `/api/v1/devices/${device.deviceId}`, { token: a.adminToken })).json<DeviceDetail>();
    expect(view.risk).toMatchObject({ level: 'Secured', reasons: [] });
    // Tenant B sees none of it.
    expect((await api.call('GET', `/api/v1/alerts/${bad.id}`, { token: b.adminToken })).statusCode).toBe(404);
    expect((await api.call('GET', '/api/v1/alerts', { token: b.adminToken })).json<AlertList>().total).toBe(0);
  });

  it('applies the open-network rules: timeline once per 24 h, alerts for old agents, resolved on the new behaviour', async () => {
    const connect = (h: number) => ({ id: reportId(), occurredAt: at(h), type: 'open_network_connected', network: 'net-cafe', mode: 'enable' });
    const current = await enrolledDevice(api, a, {}, '0.1.0');
    await current.send([connect(0), connect(2), connect(23), connect(25)]);
    const events = (await api.call('GET', `/api/v1/devices/${current.deviceId}/timeline?type=open_network_connected`, { token: a.adminToken })).json<TimelinePage>();
    expect(events.items.map((e) => e.occurredAt)).toEqual([at(25), at(0)]);
    expect((await api.call('GET', `/api/v1/devices/${current.deviceId}/alerts`, { token: a.adminToken })).json<AlertList>().total).toBe(0);

    await api.call('PATCH', '/api/v1/settings', { token: a.adminToken, body: { openNetworkEventsFromAgentVersion: '1.0.0' } });
    const old = await enrolledDevice(api, a, {}, '0.9.0');
    await old.send([connect(0)]);
    const alerts = (await api.call('GET', `/api/v1/devices/${old.deviceId}/alerts`, { token: a.adminToken })).json<AlertList>();
    expect(alerts.items).toMatchObject([{ category: 'OpenNetwork', status: 'New' }]);

    // The agent updates: its next batch resolves the earlier open-network alert (auto-remediation is on by default).
    await api.call('POST', '/api/v1/device/heartbeat', {
      token: old.deviceSecret,
      body: { reason: 'app_open', osVersion: '17.5', agentVersion: '1.0.0', protection: { webProtection: 'connected', networkProtection: true }, configVersion: null },
    });
    await old.send([{ id: reportId(), occurredAt: at(30), type: 'open_network_disconnected', network: 'net-cafe', mode: 'enable' }]);
    const after = (await api.call('GET', `/api/v1/alerts/${alerts.items[0]!.id}`, { token: a.adminToken })).json<Alert>();
    expect(after).toMatchObject({ status: 'Resolved', resolvedBy: 'auto_remediation' });
    await api.call('PATCH', '/api/v1/settings', { token: a.adminToken, body: { openNetworkEventsFromAgentVersion: '0.1.0' } });
  });

  it('keeps open-network alerts for government tenants', async () => {
    const gov = await api.tenant('Gov');
    expect((await api.call('PATCH', '/api/v1/settings', { token: gov.adminToken, body: { governmentCloud: true } })).json()).toMatchObject({ governmentCloud: true });
    const device = await enrolledDevice(api, gov);
    await device.send([{ id: reportId(), occurredAt: at(0), type: 'open_network_connected', network: 'net-x', mode: 'audit' }]);
    expect((await api.call('GET', '/api/v1/alerts?category=OpenNetwork', { token: gov.adminToken })).json<AlertList>().total).toBe(1);
  });

  it('tags devices by hand, one or in bulk, and filters by tag and risk', async () => {
    const d1 = await enrolledDevice(api, b);
    const d2 = await enrolledDevice(api, b);
    const one = await api.call('POST', `/api/v1/devices/${d1.deviceId}/tags`, { token: b.adminToken, body: { Value: 'VIP', Action: 'Add' } });
    expect(one.json<DeviceDetail>()).toMatchObject({ tags: { configuration: null, manual: ['VIP'] }, machineTags: ['VIP'] });
    const bulk = await api.call('POST', '/api/v1/devices/tags', { token: b.adminToken, body: { Value: 'Sales', Action: 'Add', MachineIds: [d1.deviceId, d2.deviceId, 'nope'] } });
    expect(bulk.json()).toEqual({ updated: [d1.deviceId, d2.deviceId], notFound: ['nope'] });
    expect((await api.call('GET', '/api/v1/devices?tag=VIP', { token: b.adminToken })).json<DeviceList>().items.map((d) => d.id)).toEqual([d1.deviceId]);
    await api.call('POST', '/api/v1/devices/tags', { token: b.adminToken, body: { Value: 'Sales', Action: 'Remove', MachineIds: [d1.deviceId] } });
    expect((await api.call('GET', '/api/v1/devices?tag=Sales', { token: b.adminToken })).json<DeviceList>().items.map((d) => d.id)).toEqual([d2.deviceId]);
    const tooMany = Array.from({ length: 501 }, (_, i) => `id-${i}`);
    expect((await api.call('POST', '/api/v1/devices/tags', { token: b.adminToken, body: { Value: 'x', Action: 'Add', MachineIds: tooMany } })).statusCode).toBe(400);
    await d2.send([jailbreak()]);
    expect((await api.call('GET', '/api/v1/devices?riskLevel=High', { token: b.adminToken })).json<DeviceList>().items.map((d) => d.id)).toEqual([d2.deviceId]);
    expect((await api.call('GET', '/api/v1/devices?riskLevel=Secured', { token: b.adminToken })).json<DeviceList>().items.map((d) => d.id)).not.toContain(d2.deviceId);
  });

  it('imports indicators from CSV: the good rows, and each bad one with its reason', async () => {
    const csv = [
      'indicatorType,indicatorValue,action,title,description,expirationTime,severity,rbacGroups,GenerateAlert',
      'DomainName,evil.example,Block,Evil,Phishing kit,,High,"Sales,VIP",False',
      'IpAddress,245.245.0.1,Block,Tunnel,Internal,,,,',
      'Url,https://bad.example/login,Warn,Login,Fake login,,,,',
      'Url,http://,Block,Broken,Malformed,,,,',
      'DomainName,old.example,Block,Old,Expired,2020-01-01T00:00:00.0Z,,,',
      'IpAddress,203.0.113.7,Block,C2,Command server,,,,',
    ].join('\n');
    const res = await api.app.inject({ method: 'POST', url: '/api/v1/indicators/import/csv', headers: { authorization: `Bearer ${a.adminToken}`, 'content-type': 'text/csv' }, payload: csv });
    expect(res.statusCode).toBe(200);
    const rows = res.json<IndicatorImportResult>().value;
    expect(rows.map((r) => [r.index, r.isFailed])).toEqual([[1, false], [2, true], [3, false], [4, true], [5, true], [6, false]]);
    expect(rows[1]!.failureReason).toContain('245.245.0.1');
    expect(rows[4]!.failureReason).toContain('expirationTime');
    expect(rows[5]!.warnings.map((w) => w.code)).toEqual(['not_enforced_on_ios']);
    const list = (await api.call('GET', '/api/v1/indicators', { token: a.analystToken })).json<Array<{ indicatorValue: string; rbacGroupNames: string[] }>>();
    expect(list.map((i) => i.indicatorValue).sort()).toEqual(['203.0.113.7', 'bad.example/login', 'evil.example'].sort());
    expect(list.find((i) => i.indicatorValue === 'evil.example')?.rbacGroupNames).toEqual(['Sales', 'VIP']);
    const dup = await api.call('POST', '/api/v1/indicators', { token: a.adminToken, body: { indicatorValue: 'EVIL.example', indicatorType: 'DomainName', action: 'Block', title: 't', description: 'd' } });
    expect(dup.statusCode).toBe(409);
    const bad = await api.app.inject({ method: 'POST', url: '/api/v1/indicators/import/csv', headers: { authorization: `Bearer ${a.adminToken}`, 'content-type': 'text/csv' }, payload: 'indicatorValue,colour\nx,y' });
    expect(bad.json<{ error: { message: string } }>().error.message).toContain('colour');
  });

  it('delivers signed webhooks to a local receiver, retrying after a failure, with a delivery log', async () => {
    const received: Array<{ headers: http.IncomingHttpHeaders; body: string }> = [];
    let calls = 0;
    const receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        calls++;
        if (calls === 1) return res.writeHead(503).end();
        received.push({ headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    try {
      const port = (receiver.address() as AddressInfo).port;
      const tenant = await api.tenant('Hooks');
      const hook = (await api.call('POST', '/api/v1/webhooks', { token: tenant.adminToken, body: { url: `http://127.0.0.1:${port}/bulwark`, events: ['risk.changed'] } })).json<WebhookCreated>();
      const device = await enrolledDevice(api, tenant);
      await device.send([jailbreak()]);
      await api.app.services.webhooks.settled();
      expect(received).toHaveLength(1);
      const { headers, body } = received[0]!;
      expect(verifySignature(hook.secret, Number(headers['x-bulwark-timestamp']), body, String(headers['x-bulwark-signature']), new Date())).toBe(true);
      expect(JSON.parse(body)).toMatchObject({ type: 'risk.changed', data: { deviceId: device.deviceId, previous: 'Secured', risk: { level: 'High' } } });
      const log = (await api.call('GET', `/api/v1/webhooks/${hook.id}/deliveries`, { token: tenant.analystToken })).json<WebhookDelivery[]>();
      expect(log.map((d) => [d.attempt, d.status, d.responseStatus])).toEqual([
        [2, 'delivered', 204],
        [1, 'failed', 503],
      ]);
    } finally {
      await new Promise((r) => receiver.close(r));
    }
  });

  it('authorizes every secops action by role', async () => {
    const device = await enrolledDevice(api, a);
    await device.send([phishing('roles.example')]);
    const alertId = (await api.call('GET', `/api/v1/devices/${device.deviceId}/alerts`, { token: a.adminToken })).json<AlertList>().items[0]!.id;
    const cases: Array<[string, string, unknown, { admin: boolean; responder: boolean; analyst: boolean }]> = [
      ['GET', '/api/v1/alerts', undefined, { admin: true, responder: true, analyst: true }],
      ['PATCH', `/api/v1/alerts/${alertId}`, { status: 'InProgress' }, { admin: true, responder: true, analyst: false }],
      ['GET', `/api/v1/devices/${device.deviceId}/timeline`, undefined, { admin: true, responder: true, analyst: true }],
      ['POST', `/api/v1/devices/${device.deviceId}/tags`, { Value: 'x', Action: 'Add' }, { admin: true, responder: false, analyst: false }],
      ['GET', '/api/v1/indicators', undefined, { admin: true, responder: true, analyst: true }],
      ['POST', '/api/v1/indicators/import', { Indicators: [{ indicatorValue: 'r.example', indicatorType: 'DomainName', action: 'Block', title: 't', description: 'd' }] }, { admin: true, responder: false, analyst: false }],
      ['GET', `/api/v1/devices/${device.deviceId}/vulnerabilities`, undefined, { admin: true, responder: true, analyst: true }],
      ['GET', '/api/v1/vulnerabilities', undefined, { admin: true, responder: true, analyst: true }],
      ['GET', `/api/v1/devices/${device.deviceId}/compliance`, undefined, { admin: true, responder: true, analyst: true }],
      ['POST', '/api/v1/access/evaluate', { deviceId: device.deviceId, app: 'com.example.mail' }, { admin: true, responder: true, analyst: true }],
      ['GET', '/api/v1/webhooks', undefined, { admin: true, responder: true, analyst: true }],
      ['POST', '/api/v1/webhooks', { url: 'http://127.0.0.1:9/x', events: ['alert.created'] }, { admin: true, responder: false, analyst: false }],
      ['GET', '/api/v1/settings', undefined, { admin: true, responder: true, analyst: true }],
      ['PATCH', '/api/v1/settings', { appSyncForIos: false }, { admin: true, responder: false, analyst: false }],
    ];
    for (const [method, url, body, allowed] of cases) {
      for (const role of ['analyst', 'responder', 'admin'] as const) {
        const res = await api.call(method, url, { token: { admin: a.adminToken, responder: a.responderToken, analyst: a.analystToken }[role], body });
        expect([method, url, role, res.statusCode < 300]).toEqual([method, url, role, allowed[role]]);
        if (!allowed[role]) expect(res.statusCode).toBe(403);
      }
      expect((await api.call(method, url, { token: device.deviceSecret, body })).statusCode).toBe(401);
    }
  });
});
