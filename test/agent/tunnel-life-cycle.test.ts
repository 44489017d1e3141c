import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, ROOTLESS_JAILBREAK, SimulatedIosDevice, simulatedFleet } from '../../src/agent/index.js';
import type { DeviceView, TunnelState } from '../../src/protocol/index.js';
import { testApi, type TestApi, type TestTenant } from '../helpers/api.js';
import { backends } from '../helpers/storage.js';
import { injectTransport } from '../helpers/transport.js';

// A simulated iPhone goes through every transition of the tunnel's life cycle; after each,
// a heartbeat carries the state and since when, and the admin API shows them.
describe('tunnel life cycle on a simulated iPhone, seen by the server', () => {
  let api: TestApi;
  let t: TestTenant;
  let now = Date.parse('2026-11-01T08:00:00Z');
  const clock = { now: () => now };

  beforeAll(async () => {
    api = await testApi(backends()[0]!);
    t = await api.tenant('Tunnel');
  });
  afterAll(() => api.close());

  async function setWebProtection(optionalVpn: boolean, webProtection: boolean) {
    const body = {
      name: `web ${webProtection} optional ${optionalVpn} ${now}`,
      settings: [
        { key: 'DefenderOptionalVPN', value: String(optionalVpn) },
        { key: 'WebProtection', value: String(webProtection) },
      ],
      assignment: { allDevices: true, include: [], exclude: [] },
    };
    const existing = (await api.call('GET', '/api/v1/app-config-policies', { token: t.adminToken })).json<Array<{ id: string }>>();
    for (const p of existing) await api.call('DELETE', `/api/v1/app-config-policies/${p.id}`, { token: t.adminToken });
    const res = await api.call('POST', '/api/v1/app-config-policies', { token: t.adminToken, body: { ...body, channel: 'mdm' } });
    expect(res.statusCode, res.body).toBe(201);
  }

  it('goes through every state, and the admin API shows each with its time', async () => {
    const facts = { ...simulatedFleet(1, 5)[0]!, management: 'mdm' as const, supervised: true, authenticatorAccount: null };
    const device = new SimulatedIosDevice(facts, injectTransport(api.app), clock);
    const agent = new Agent({ adapter: device, serverUrl: 'http://bulwark.test', enrollmentToken: t.enrollmentToken });
    const seen: TunnelState[] = [];
    const step = async (action: () => Promise<unknown>, expected: TunnelState) => {
      now += 60_000;
      await action();
      expect(device.tunnel.state().state).toBe(expected);
      await agent.appOpened();
      const view = (await api.call('GET', `/api/v1/devices/${agent.deviceId}`, { token: t.analystToken })).json<DeviceView>();
      expect(view.protection?.webProtection).toBe(expected);
      expect(Date.parse(view.protection!.webProtectionSince!)).toBe(device.tunnel.state().since);
      seen.push(expected);
    };

    await setWebProtection(true, true);
    await step(() => agent.appOpened(), 'permission_pending');
    await step(() => agent.userAction({ type: 'skip_vpn' }), 'skipped');
    await step(() => agent.userAction({ type: 'start_web_protection' }), 'connected');
    await step(() => agent.tunnelEvent({ type: 'other_vpn_connected' }), 'preempted');
    await step(() => agent.tunnelEvent({ type: 'other_vpn_disconnected' }), 'connected');
    await step(() => agent.tunnelEvent({ type: 'user_turned_off' }), 'off_by_user');
    await step(() => agent.userAction({ type: 'start_web_protection' }), 'connected');
    await setWebProtection(true, false);
    // A policy change arrives with the next heartbeat (an app open) and is applied at once.
    await step(() => agent.appOpened(), 'disabled_by_policy');
    await expect(agent.userAction({ type: 'start_web_protection' })).rejects.toThrow(/cannot be started/);
    await setWebProtection(true, true);
    await step(() => agent.appOpened(), 'permission_pending');
    await step(() => agent.userAction({ type: 'grant_vpn' }), 'connected');
    device.jailbreakState = ROOTLESS_JAILBREAK;
    await step(() => agent.appOpened(), 'removed_jailbreak');
    expect(device.tunnel.profiles.some((p) => p.owner === 'bulwark')).toBe(false);

    expect(new Set(seen)).toEqual(new Set<TunnelState>(['permission_pending', 'skipped', 'connected', 'preempted', 'off_by_user', 'disabled_by_policy', 'removed_jailbreak']));
  });

  it('keeps the VPN permission mandatory unless DefenderOptionalVPN=true', async () => {
    await setWebProtection(false, true);
    const facts = { ...simulatedFleet(1, 6)[0]!, management: 'mdm' as const, authenticatorAccount: null };
    const device = new SimulatedIosDevice(facts, injectTransport(api.app), clock);
    device.tunnel.userAllowsVpn = false;
    const agent = new Agent({ adapter: device, serverUrl: 'http://bulwark.test', enrollmentToken: t.enrollmentToken });
    await agent.appOpened();
    await expect(agent.userAction({ type: 'skip_vpn' })).rejects.toThrow(/required/);
    // Declining the system prompt does not count as skipping either.
    await agent.userAction({ type: 'grant_vpn' });
    expect(device.tunnel.state().state).toBe('permission_pending');
  });
});
