import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, DeviceApiError, SimulatedIosDevice, simulatedFleet } from '../src/agent/index.js';
import { fetchTransport } from '../src/frontends/fetch-transport.js';
import type { DeviceFacts, DeviceList } from '../src/protocol/index.js';
import { login, runCli, serveBulwark, type ServedBulwark } from './helpers/cli.js';

describe('bulwark serve + bulwark simulate, as a user runs them', () => {
  let server: ServedBulwark;
  let cookie: string;

  beforeAll(async () => {
    server = await serveBulwark();
    cookie = await login(server);
  });
  afterAll(async () => {
    // Graceful shutdown: SIGTERM ends the process with status 0.
    expect(await server.stop()).toBe(0);
  });

  it('prints the URL and first-run credentials once', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.enrollmentToken).toMatch(/^bwe_/);
    expect(server.output()).toContain('bulwark admin reset-password');
  });

  it('serves health and the OpenAPI document', async () => {
    expect(await (await fetch(`${server.url}/healthz`)).json()).toMatchObject({ status: 'ok', database: 'sqlite' });
    const doc = (await (await fetch(`${server.url}/api/v1/openapi.json`)).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/device/enroll', '/api/v1/device/heartbeat', '/api/v1/devices', '/api/v1/devices/{id}']));
  });

  it('simulates 5 devices that the admin API then lists with their last-seen time', async () => {
    const started = Date.now();
    const run = await runCli(['simulate', '--server', server.url, '--token', server.enrollmentToken, '--devices', '5']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('enrolled:   5');
    expect(run.stdout).toContain('heartbeats: 5');

    const res = await fetch(`${server.url}/api/v1/devices?limit=50`, { headers: { cookie } });
    const list = (await res.json()) as DeviceList;
    expect(list.total).toBe(5);
    for (const device of list.items) {
      expect(['ios', 'ipados']).toContain(device.platform);
      expect(Date.parse(device.lastSeenAt!)).toBeGreaterThanOrEqual(started - 1000);
      expect(device.health).toBe('active');
    }
  });

  async function enrollOver(facts: DeviceFacts, token = server.enrollmentToken): Promise<string> {
    const agent = new Agent({ adapter: new SimulatedIosDevice(facts, fetchTransport()), serverUrl: server.url, enrollmentToken: token });
    try {
      await agent.appOpened();
      return 'enrolled';
    } catch (err) {
      if (err instanceof DeviceApiError) return err.code;
      throw err;
    }
  }

  it('refuses an iOS 15 device, a shared device and a bad token with their error codes', async () => {
    const facts = { ...simulatedFleet(1, 99)[0]!, management: 'mdm' as const, authenticatorAccount: null };
    expect(await enrollOver({ ...facts, osVersion: '15.8.3' })).toBe('os_unsupported');
    expect(await enrollOver({ ...facts, sharedDevice: true })).toBe('shared_device');
    expect(await enrollOver(facts, 'bwe_00000000-0000-0000-0000-000000000000.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).toBe('invalid_enrollment_token');
    const list = (await (await fetch(`${server.url}/api/v1/devices`, { headers: { cookie } })).json()) as DeviceList;
    expect(list.total).toBe(5);
  });

  it('issues an analyst API token from the CLI that can read and not write', async () => {
    const run = await runCli(['api-token', 'create', '--name', 'soc', '--role', 'analyst', '--db', server.db]);
    expect(run.code, run.stderr).toBe(0);
    const token = /(bwa_\S+)/.exec(run.stdout)![1]!;
    const read = await fetch(`${server.url}/api/v1/devices`, { headers: { authorization: `Bearer ${token}` } });
    expect(read.status).toBe(200);
    const write = await fetch(`${server.url}/api/v1/enrollment-tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'nope' }),
    });
    expect(write.status).toBe(403);
  });
});
