import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, SimulatedIosDevice, simulatedFleet } from '../../src/agent/index.js';
import { webCheckOf } from '../../src/agent/web-protection.js';
import { buildThreatDb, verdict } from '../../src/verdict/index.js';
import { testApi, type TestApi, type TestTenant } from '../helpers/api.js';
import { backends } from '../helpers/storage.js';
import { injectTransport } from '../helpers/transport.js';

describe('webCheckOf: verdict to front-end action and report', () => {
  const now = Date.parse('2026-11-01T00:00:00Z');
  const { db } = buildThreatDb({
    feeds: [
      { value: 'phish.example', source: 'openphish', category: 'phishing' },
      { value: 'malware.example/payload', source: 'urlhaus', category: 'malware' },
    ],
    indicators: [
      { id: 'i-warn', indicatorValue: 'warn.example', indicatorType: 'DomainName', action: 'Warn', title: 'Careful', description: 'd', rbacGroupNames: [], generateAlert: false, createdAt: '', createdBy: null, lastUpdateTime: '' },
      { id: 'i-audit', indicatorValue: 'watched.example', indicatorType: 'DomainName', action: 'Audit', title: 'Watched', description: 'd', rbacGroupNames: [], generateAlert: true, createdAt: '', createdBy: null, lastUpdateTime: '' },
    ],
  });
  const ask = (url: string, visibility: 'full-url' | 'domain-only') => webCheckOf(verdict(db, { url, visibility, platform: 'ios', now }), { url, visibility });

  it('blocks a phishing feed entry and reports it as phishing with the rule', () => {
    const check = ask('http://login.phish.example/x', 'full-url');
    expect(check).toMatchObject({ action: 'block', reason: 'Known phishing site', report: { source: 'phishing', action: 'Block', domain: 'login.phish.example', url: 'http://login.phish.example/x', visibility: 'full_url' } });
    expect(check.rule).toMatch(/^feed:openphish\/phish\.example/);
  });

  it('reports a custom indicator as such (a timeline event on the server), and a Warn as warn', () => {
    expect(ask('warn.example', 'domain-only')).toMatchObject({ action: 'warn', report: { source: 'custom_indicator', action: 'Warn', visibility: 'domain_only' } });
    expect(ask('warn.example', 'domain-only').report).not.toHaveProperty('url');
  });

  it('lets an Audit indicator through and reports it', () => {
    expect(ask('https://watched.example/', 'full-url')).toMatchObject({ action: 'audit', report: { action: 'Audit', source: 'custom_indicator' } });
  });

  it('never blocks a domain-only question for a URL-path entry, and flags look-alikes', () => {
    expect(ask('malware.example', 'domain-only').action).toBe('allow');
    expect(ask('http://malware.example/payload', 'full-url')).toMatchObject({ action: 'block', report: { source: 'malware' } });
    expect(ask('https://paypa1.com/', 'full-url')).toMatchObject({ action: 'block', report: { source: 'lookalike' } });
    expect(ask('https://example.org/', 'full-url')).toEqual({ action: 'allow', reason: '', rule: '' });
  });
});

describe('threat database delivery to the agent', () => {
  let api: TestApi;
  let t: TestTenant;
  beforeAll(async () => {
    api = await testApi(backends()[0]!);
    t = await api.tenant('Web');
    await api.storage.putFeed({ source: 'openphish', category: 'phishing', action: 'Block', entries: ['phish.example'], importedAt: new Date().toISOString() });
  });
  afterAll(() => api.close());

  it('blocks a new indicator after one heartbeat, by delta, and stops after it is deleted', async () => {
    const http = injectTransport(api.app);
    const device = new SimulatedIosDevice({ ...simulatedFleet(1, 9)[0]!, management: 'mdm', authenticatorAccount: null }, http);
    const agent = new Agent({ adapter: device, serverUrl: 'http://bulwark.test', enrollmentToken: t.enrollmentToken });
    await agent.appOpened();
    await agent.userAction({ type: 'grant_vpn' });
    const question = { url: 'corp-evil.example', visibility: 'domain-only' as const };
    expect(agent.checkWeb({ url: 'phish.example', visibility: 'domain-only' }).action).toBe('block');
    expect(agent.checkWeb(question).action).toBe('allow');
    const first = agent.threatDb!.sequence;

    const created = await api.call('POST', '/api/v1/indicators', {
      token: t.adminToken,
      body: { indicatorValue: 'corp-evil.example', indicatorType: 'DomainName', action: 'Block', title: 'Known bad', description: 'from the SOC' },
    });
    expect(created.statusCode, created.body).toBe(201);
    await agent.heartbeat('background');
    expect(agent.threatDb!.sequence).toBe(first + 1);
    expect(agent.checkWeb(question)).toMatchObject({ action: 'block', report: { source: 'custom_indicator' } });
    const downloads = http.sent.filter((r) => r.url.includes('/device/threatdb'));
    expect(downloads.at(-1)!.url).toContain(`have=${first}`);

    await api.call('DELETE', `/api/v1/indicators/${created.json<{ id: string }>().id}`, { token: t.adminToken });
    await agent.heartbeat('background');
    expect(agent.checkWeb(question).action).toBe('allow');
    // The file on the device survives a restart.
    const restarted = new Agent({ adapter: device, serverUrl: 'http://bulwark.test' });
    await restarted.view();
    expect(restarted.threatDb!.sequence).toBe(first + 2);
  });

  it('decides nothing while web protection is not running', async () => {
    const device = new SimulatedIosDevice({ ...simulatedFleet(1, 10)[0]!, management: 'mdm', authenticatorAccount: null }, injectTransport(api.app));
    const agent = new Agent({ adapter: device, serverUrl: 'http://bulwark.test', enrollmentToken: t.enrollmentToken });
    await agent.appOpened();
    expect(device.tunnel.state().state).toBe('permission_pending');
    expect(agent.checkWeb({ url: 'phish.example', visibility: 'domain-only' }).action).toBe('allow');
  });
});
