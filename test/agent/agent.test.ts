import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, DeviceApiError, STORAGE_KEYS, SimulatedIosDevice, simulatedFleet } from '../../src/agent/index.js';
import { testApi, type TestApi, type TestTenant } from '../helpers/api.js';
import { backends } from '../helpers/storage.js';
import { injectTransport } from '../helpers/transport.js';

const SERVER = 'http://bulwark.test';

describe('agent core against the real API', () => {
  let api: TestApi;
  let t: TestTenant;
  beforeAll(async () => {
    api = await testApi(backends()[0]!);
    t = await api.tenant('Delta');
  });
  afterAll(() => api.close());

  const newDevice = (seed: number) => {
    const facts = { ...simulatedFleet(1, seed)[0]!, management: 'mdm' as const, authenticatorAccount: null };
    return new SimulatedIosDevice(facts, injectTransport(api.app));
  };

  it('enrolls once, keeps the credentials, and heartbeats on every app open', async () => {
    const device = newDevice(1);
    const agent = new Agent({ adapter: device, serverUrl: SERVER, enrollmentToken: t.enrollmentToken });
    await agent.appOpened();
    await agent.appOpened();
    // Reports (/device/events) and the threat database download are not what this is about.
    const calls = () => (device.http as ReturnType<typeof injectTransport>).sent.map((r) => new URL(r.url).pathname).filter((p) => p !== '/api/v1/device/events' && p !== '/api/v1/device/threatdb');
    const paths = calls();
    expect(paths).toEqual(['/api/v1/device/enroll', '/api/v1/device/heartbeat', '/api/v1/device/heartbeat']);

    // An app restart: a new Agent over the same secure storage does not enroll again.
    const restarted = new Agent({ adapter: device, serverUrl: SERVER });
    await restarted.appOpened();
    expect(restarted.deviceId).toBe(agent.deviceId);
    expect(calls()).toEqual([...paths, '/api/v1/device/heartbeat']);
  });

  it('applies the configuration and reports its version on the next heartbeat', async () => {
    const device = newDevice(2);
    const agent = new Agent({ adapter: device, serverUrl: SERVER, enrollmentToken: t.enrollmentToken });
    const first = (await agent.appOpened())!;
    expect(agent.effectiveConfig?.version).toBe(first.config.version);
    expect(JSON.parse((await device.storage.get(STORAGE_KEYS.config))!)).toEqual(first.config);
    await agent.appOpened();
    const stored = await api.storage.getDevice(t.tenant.id, agent.deviceId!);
    expect(stored?.configVersion).toBe(first.config.version);
  });

  it('reports the OS version and tunnel state it has now', async () => {
    const device = newDevice(3);
    const agent = new Agent({ adapter: device, serverUrl: SERVER, enrollmentToken: t.enrollmentToken });
    await agent.appOpened();
    device.updateOs('26.1', '23B85');
    device.setTunnel('preempted');
    await agent.appOpened();
    const stored = await api.storage.getDevice(t.tenant.id, agent.deviceId!);
    expect(stored).toMatchObject({ osVersion: '26.1', osBuild: '23B85', protection: { webProtection: 'preempted' } });
  });

  it('re-enrolls when the stored credentials are corrupt rather than staying stuck', async () => {
    const device = newDevice(4);
    await device.storage.set(STORAGE_KEYS.credentials, '{not json');
    const agent = new Agent({ adapter: device, serverUrl: SERVER, enrollmentToken: t.enrollmentToken });
    await agent.appOpened();
    expect(agent.deviceId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('surfaces the server refusal code for the onboarding screen', async () => {
    const device = newDevice(5);
    device.facts = { ...device.facts, management: 'mam', authenticatorAccount: 'someone.else@contoso.example' };
    const agent = new Agent({ adapter: device, serverUrl: SERVER, enrollmentToken: t.enrollmentToken });
    const error = await agent.appOpened().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeviceApiError);
    expect((error as DeviceApiError).code).toBe('mam_account_mismatch');
    expect(await device.storage.get(STORAGE_KEYS.credentials)).toBeUndefined();
  });

  it('refuses to start without credentials or a token', async () => {
    const agent = new Agent({ adapter: newDevice(6), serverUrl: SERVER });
    await expect(agent.appOpened()).rejects.toThrow(/not enrolled/);
  });
});

describe('simulated fleet', () => {
  it('is the same for the same seed and mixes management, supervision and OS lines', () => {
    const fleet = simulatedFleet(300, 42);
    expect(simulatedFleet(300, 42)).toEqual(fleet);
    const count = (p: (f: (typeof fleet)[number]) => boolean) => fleet.filter(p).length;
    expect(count((f) => f.management === 'mdm')).toBeGreaterThan(120);
    expect(count((f) => f.management === 'mam')).toBeGreaterThan(50);
    expect(count((f) => f.supervised)).toBeGreaterThan(50);
    expect(count((f) => f.supervised && f.management !== 'mdm')).toBe(0);
    expect(new Set(fleet.map((f) => f.osVersion.split('.')[0])).size).toBeGreaterThanOrEqual(4);
    expect(count((f) => f.management === 'mam' && f.authenticatorAccount !== f.userPrincipalName)).toBe(0);
  });
});
