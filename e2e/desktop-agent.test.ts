import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertList, DeviceView, TimelinePage } from '../src/protocol/index.js';
import { TestUpstream } from '../test/helpers/dns-upstream.js';
import { launchChromium } from './helpers/browser.js';
import { login, runCli, serveBulwark, type ServedBulwark } from './helpers/cli.js';
import { curlThrough } from './helpers/curl.js';
import { dig } from './helpers/dig.js';
import { startOrigin } from './helpers/origin.js';

/** Polls `check` until it returns a value or the time is up. */
async function eventually<T>(check: () => Promise<T | undefined>, what: string, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('bulwark agent protects this machine (real server, dig, curl, Chromium)', () => {
  let server: ServedBulwark;
  let upstream: TestUpstream;
  let origin: Awaited<ReturnType<typeof startOrigin>>;
  let agent: ChildProcess;
  let agentOut = '';
  let dnsPort = 0;
  let proxyPort = 0;
  let deviceId = '';
  let cookie = '';
  const dir = mkdtempSync(path.join(tmpdir(), 'bulwark-agent-e2e-'));
  const api = async <T>(url: string, init: RequestInit = {}) => {
    const res = await fetch(`${server.url}${url}`, { ...init, headers: { cookie, 'content-type': 'application/json', ...init.headers } });
    return (await res.json()) as T;
  };

  beforeAll(async () => {
    server = await serveBulwark();
    cookie = await login(server);
    writeFileSync(path.join(dir, 'feed.txt'), '# test feed\nphish.example\n0.0.0.0 malware-drop.test\n');
    const imported = await runCli(['feed', 'import', path.join(dir, 'feed.txt'), '--source', 'e2e-feed', '--category', 'phishing', '--db', server.db]);
    expect(imported.code, imported.stderr).toBe(0);
    upstream = await new TestUpstream().start();
    origin = await startOrigin();
    agent = spawn(
      process.execPath,
      ['bin/bulwark.js', 'agent', '--server', server.url, '--token', server.enrollmentToken, '--dns', '127.0.0.1:0', '--proxy', '127.0.0.1:0', '--upstream', upstream.address, '--data-dir', path.join(dir, 'agent'), '--heartbeat-interval', '1'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    agent.stdout!.on('data', (d: Buffer) => (agentOut += d.toString()));
    agent.stderr!.on('data', (d: Buffer) => (agentOut += d.toString()));
    await eventually(() => Promise.resolve(/Threat database:/.test(agentOut) ? true : undefined), `the agent to start:\n${agentOut}`, 30_000);
    dnsPort = Number(/DNS filter:\s+127\.0\.0\.1:(\d+)/.exec(agentOut)![1]);
    proxyPort = Number(/Web proxy:\s+http:\/\/127\.0\.0\.1:(\d+)/.exec(agentOut)![1]);
    deviceId = /device (\S+) protected/.exec(agentOut)![1]!;
  });

  afterAll(async () => {
    if (agent && agent.exitCode === null) {
      const exited = new Promise<number | null>((r) => agent.on('close', r));
      agent.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
    await origin?.stop();
    await upstream?.stop();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps its credentials in 0600 files and reports its tunnel as connected', async () => {
    const device = await api<DeviceView>(`/api/v1/devices/${deviceId}`);
    expect(device).toMatchObject({ platform: 'linux', protection: { webProtection: 'connected' } });
    expect(statSync(path.join(dir, 'agent', 'bulwark.credentials.json')).mode & 0o777).toBe(0o600);
    expect(statSync(path.join(dir, 'agent')).mode & 0o777).toBe(0o700);
  });

  it('dig: a listed domain and its subdomain are blocked over UDP and TCP, others resolve', async () => {
    expect((await dig(dnsPort, 'phish.example')).status).toBe('NXDOMAIN');
    expect((await dig(dnsPort, 'login.phish.example', 'AAAA', ['+tcp'])).status).toBe('NXDOMAIN');
    expect((await dig(dnsPort, 'cdn.malware-drop.test')).status).toBe('NXDOMAIN');
    const ok = await dig(dnsPort, 'www.example.org');
    expect(ok.status).toBe('NOERROR');
    expect(ok.answers[0]).toMatch(/^A 192\.0\.2\./);
    // Look-alike detection is on for every tenant.
    expect((await dig(dnsPort, 'paypa1.com')).status).toBe('NXDOMAIN');
  });

  it('curl -x: the block page for a listed URL, the origin for an allowed one, a refused CONNECT', async () => {
    const blocked = await curlThrough(proxyPort, 'http://phish.example/login');
    expect(blocked.status).toBe(403);
    expect(blocked.body).toContain('Known phishing site');
    expect(blocked.body).toContain('feed:e2e-feed/phish.example');
    const allowed = await curlThrough(proxyPort, `http://127.0.0.1:${origin.port}/docs`);
    expect(allowed.body).toContain('Hello from');
    const tunnel = await curlThrough(proxyPort, 'https://login.phish.example/', ['-v']);
    expect(tunnel.stderr).toMatch(/403/);
  });

  it('Chromium through the proxy shows the block page (screenshot kept)', async () => {
    mkdirSync('test-artifacts', { recursive: true });
    const browser = await launchChromium(proxyPort);
    try {
      const page = await browser.newPage();
      await page.goto(`http://phish.example:${origin.port}/account`);
      expect(await page.textContent('#title')).toBe('Site blocked');
      expect(await page.textContent('#rule')).toContain('feed:e2e-feed/phish.example');
      await page.screenshot({ path: 'test-artifacts/agent-block-page.png', fullPage: true });
    } finally {
      await browser.close();
    }
  });

  it('reports feed blocks as phishing alerts, without a URL path from an unsupervised device', async () => {
    const phishing = await eventually(async () => {
      const list = await api<AlertList>(`/api/v1/devices/${deviceId}/alerts`);
      return list.items.find((a) => a.category === 'Phishing' && a.evidence.some((e) => e.domainName?.endsWith('phish.example')));
    }, 'a phishing alert for phish.example');
    expect(phishing.severity).not.toBe('Informational');
    expect(phishing.evidence.every((e) => e.url === undefined)).toBe(true);
  });

  it('enforces a new indicator within a heartbeat, as a timeline event and not an alert', async () => {
    expect((await dig(dnsPort, 'corp-bad.example')).status).toBe('NOERROR');
    const created = await fetch(`${server.url}/api/v1/indicators`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ indicatorValue: 'corp-bad.example', indicatorType: 'DomainName', action: 'Block', title: 'Reported by the SOC', description: 'credential harvesting' }),
    });
    expect(created.status).toBe(201);
    await eventually(async () => ((await dig(dnsPort, 'x.corp-bad.example')).status === 'NXDOMAIN' ? true : undefined), 'the indicator to reach the agent');
    const event = await eventually(async () => {
      const page = await api<TimelinePage>(`/api/v1/devices/${deviceId}/timeline`);
      return page.items.find((e) => JSON.stringify(e.data).includes('custom_indicator'));
    }, 'a timeline event for the indicator hit');
    expect(event.alertId).toBeNull();
    const alerts = await api<AlertList>(`/api/v1/devices/${deviceId}/alerts`);
    expect(alerts.items.some((a) => JSON.stringify(a).includes('corp-bad.example'))).toBe(false);
  });
});
