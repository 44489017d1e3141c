import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScenarioOutcome } from '../src/agent/index.js';
import type { AccessDecision, AlertList, DeviceDetail, DeviceVulnerabilities, TimelinePage } from '../src/protocol/index.js';
import { runCli, serveBulwark, type ServedBulwark } from './helpers/cli.js';

// Issue 7 end to end, as an operator does it: `bulwark serve`, the vulnerability data loaded with
// `bulwark vulndb import`, a "Max Low" app protection policy made through the API, then
// `bulwark simulate --scenario examples/scenarios/soc-triage.json`, and the SOC's view checked
// through the API.

describe('SOC triage scenario through the CLI and a real bulwark serve', () => {
  let server: ServedBulwark;
  let admin = '';
  let analyst = '';
  let outcome: ScenarioOutcome;
  const api = async <T>(path: string, token = analyst, body?: object): Promise<T> => {
    const res = await fetch(`${server.url}/api/v1${path}`, {
      method: body ? 'POST' : 'GET',
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    expect(res.status, `${path}: ${await res.clone().text()}`).toBeLessThan(300);
    return (await res.json()) as T;
  };
  const deviceId = (name: string) => outcome.devices.find((d) => d.id === name)!.deviceId!;

  beforeAll(async () => {
    server = await serveBulwark();
    const token = async (role: string) => {
      const run = await runCli(['api-token', 'create', '--name', role, '--role', role, '--db', server.db]);
      expect(run.code, run.stderr).toBe(0);
      return /(bwa_\S+)/.exec(run.stdout)![1]!;
    };
    admin = await token('admin');
    analyst = await token('analyst');

    const imported = await runCli(['vulndb', 'import', '../shared/data/ios-security-releases.json', '../shared/data/kev-apple.json', '--db', server.db]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toMatch(/imported \d+ apple-releases records[\s\S]*imported \d+ kev records/);

    await api('/app-protection-policies', admin, { name: 'Max Low', maxThreatLevel: 'low', action: 'block', assignment: { allDevices: true } });

    const run = await runCli(['simulate', '--server', server.url, '--token', server.enrollmentToken, '--scenario', 'examples/scenarios/soc-triage.json', '--json']);
    expect(run.stderr).toBe('');
    outcome = JSON.parse(run.stdout) as ScenarioOutcome;
    expect(outcome.mismatches).toEqual([]);
    expect(run.code).toBe(0);
  });
  afterAll(() => server?.stop());

  it('raises the phishing and High jailbreak alerts, and no alert for the open network', async () => {
    const alerts = await api<AlertList>(`/devices/${deviceId('ann')}/alerts`);
    expect(alerts.items.map((a) => [a.category, a.severity]).sort()).toEqual([
      ['Jailbreak', 'High'],
      ['Phishing', 'Medium'],
    ]);
    expect((await api<AlertList>(`/devices/${deviceId('bob')}/alerts`)).items).toEqual([]);
  });

  it('keeps the reports on the timeline, newest first, the open network as events without an alert', async () => {
    const timeline = await api<TimelinePage>(`/devices/${deviceId('ann')}/timeline?type=web_threat,open_network_connected,jailbreak`);
    const times = timeline.items.map((e) => e.occurredAt);
    expect(times).toEqual([...times].sort().reverse());
    expect(timeline.items.filter((e) => e.type === 'jailbreak')).toHaveLength(1);
    expect(timeline.items.filter((e) => e.type === 'web_threat')).toMatchObject([{ data: { domain: 'micros0ft-login.example' } }]);
    const open = timeline.items.filter((e) => e.type === 'open_network_connected');
    expect(open.length).toBeGreaterThan(0);
    expect(open.every((e) => e.alertId === null)).toBe(true);
  });

  it('rates the device High and says which alert makes it so', async () => {
    const detail = await api<DeviceDetail>(`/devices/${deviceId('ann')}`);
    expect(detail.riskLevel).toBe('High');
    expect(detail.risk).toMatchObject({ level: 'High', activeAlerts: 2, reasons: [{ category: 'Jailbreak' }] });
    expect((await api<DeviceDetail>(`/devices/${deviceId('bob')}`)).riskLevel).toBe('Secured');
  });

  it('lists the missing known-exploited fixes and the recommended update', async () => {
    const vulns = await api<DeviceVulnerabilities>(`/devices/${deviceId('ann')}/vulnerabilities`);
    expect(vulns).toMatchObject({ osAssessed: true, osVersion: '16.1.1', recommendedUpdate: '16.7.16' });
    expect(vulns.cves.find((c) => c.cveId === 'CVE-2022-42856')).toMatchObject({ knownExploited: true, fixedIn: '16.1.2' });
    expect(vulns.knownExploitedCount).toBeGreaterThan(10);
    expect((await api<DeviceVulnerabilities>(`/devices/${deviceId('bob')}/vulnerabilities`)).cves).toEqual([]);
  });

  it('blocks the device under the Max Low policy and allows the clean one', async () => {
    const evaluate = (body: object) => api<AccessDecision>('/access/evaluate', analyst, { ...body, app: 'com.example.mail' });
    expect(await evaluate({ deviceId: deviceId('ann') })).toMatchObject({ decision: 'block', riskLevel: 'High', policies: [{ name: 'Max Low', decision: 'block' }] });
    expect((await evaluate({ userPrincipalName: 'ann@contoso.example' })).decision).toBe('block');
    expect(await evaluate({ deviceId: deviceId('bob') })).toMatchObject({ decision: 'allow', riskLevel: 'Secured' });
  });
});
