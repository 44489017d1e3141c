import { describe, expect, it } from 'vitest';
import { ActionRefused, ROOTLESS_JAILBREAK } from '../../src/agent/index.js';
import type { DeviceReport } from '../../src/protocol/index.js';
import { rig, type Rig } from '../helpers/simulated-agent.js';

const types = (r: Rig) => r.server.reportsOf(r.agent.deviceId!).map((x) => x.type);
const ofType = <T extends DeviceReport['type']>(r: Rig, type: T) =>
  r.server.reportsOf(r.agent.deviceId!).filter((x): x is Extract<DeviceReport, { type: T }> => x.type === type);
const heartbeats = (r: Rig) => r.server.requests.filter((q) => q.url.endsWith('/heartbeat')).map((q) => (JSON.parse(q.body!) as { reason: string }).reason);

async function joinRogueTwin(r: Rig) {
  r.device.network = { ssid: 'Corp', security: 'wpa2' };
  await r.agent.networkChanged();
  r.device.network = { ssid: 'Corp', security: 'open' };
  await r.agent.networkChanged();
}

describe('network protection in the agent', () => {
  it('starts only after the first app open', async () => {
    const r = rig();
    await r.agent.ensureEnrolled();
    r.device.network = { ssid: 'Cafe', security: 'open' };
    await r.agent.networkChanged();
    expect(types(r)).toEqual([]);
    await r.agent.appOpened();
    expect(types(r)).toContain('open_network_connected');
  });

  it('DefenderNetworkProtectionEnable=false: no network reports, no notices', async () => {
    const r = rig({ config: { DefenderNetworkProtectionEnable: 'false' } });
    await r.agent.appOpened();
    await joinRogueTwin(r);
    r.device.roots = [{ sha256: 'a'.repeat(64), subject: 'CN=x', origin: 'user' }];
    await r.agent.networkChanged();
    expect(types(r).filter((t) => t !== 'inventory')).toEqual([]);
    expect(r.device.notices).toEqual([]);
    expect(JSON.parse(r.server.requests.filter((q) => q.url.endsWith('/heartbeat')).at(-1)!.body!)).toMatchObject({ protection: { networkProtection: false } });
  });

  it('open networks: mode 1 reports silently, mode 2 tells the user, mode 0 does nothing', async () => {
    for (const [mode, reported, told] of [
      [0, false, false],
      [1, true, false],
      [2, true, true],
    ] as const) {
      const r = rig({ config: { DefenderOpenNetworkDetection: mode } });
      await r.agent.appOpened();
      r.device.network = { ssid: 'Cafe', security: 'open' };
      await r.agent.networkChanged();
      expect(types(r).includes('open_network_connected'), `mode ${mode}`).toBe(reported);
      expect(r.device.notices.some((n) => n.kind === 'open_network'), `mode ${mode}`).toBe(told);
    }
  });

  it('a rogue twin is an alert with a notice; leaving it sends remediation (auto-remediation on)', async () => {
    const r = rig();
    await r.agent.appOpened();
    await joinRogueTwin(r);
    expect(ofType(r, 'rogue_network')).toMatchObject([{ reason: 'security_downgrade' }]);
    expect(r.device.notices.map((n) => n.kind)).toContain('rogue_network');
    expect((await r.agent.view()).alerts).toMatchObject([{ kind: 'rogue_network' }]);
    r.device.network = { ssid: 'Corp', security: 'wpa2' };
    await r.agent.networkChanged();
    const subject = r.server.reportsOf(r.agent.deviceId!).flatMap((x) => (x.type === 'rogue_network' ? [x.subject] : []))[0];
    expect(ofType(r, 'remediated')).toMatchObject([{ remediates: 'rogue_network', how: 'left_network', subject }]);
    expect((await r.agent.view()).alerts).toEqual([]);
  });

  it('auto-remediation off: no remediation reports', async () => {
    const r = rig({ config: { DefenderNetworkProtectionAutoRemediation: 'false' } });
    await r.agent.appOpened();
    await joinRogueTwin(r);
    r.device.network = { ssid: 'Corp', security: 'wpa2' };
    await r.agent.networkChanged();
    r.device.roots = [{ sha256: 'a'.repeat(64), subject: 'CN=x', origin: 'user' }];
    await r.agent.networkChanged();
    r.device.roots = [];
    await r.agent.networkChanged();
    expect(types(r)).toContain('suspicious_certificate');
    expect(types(r)).not.toContain('remediated');
  });

  it('removing a suspicious root is remediated; open networks never are (timeline events)', async () => {
    const r = rig();
    await r.agent.appOpened();
    r.device.roots = [{ sha256: 'a'.repeat(64), subject: 'CN=x', origin: 'user' }, { sha256: 'b'.repeat(64), subject: 'CN=corp', origin: 'mdm' }];
    r.device.network = { ssid: 'Cafe', security: 'open' };
    await r.agent.networkChanged();
    r.device.roots = r.device.roots.slice(1);
    r.device.network = { ssid: 'Home', security: 'wpa2' };
    await r.agent.networkChanged();
    expect(ofType(r, 'suspicious_certificate')).toHaveLength(1);
    expect(ofType(r, 'remediated')).toMatchObject([{ remediates: 'suspicious_certificate', how: 'certificate_removed' }]);
    expect(types(r)).toContain('open_network_disconnected');
  });

  it('TLS interception of the probe is an alert, cleared when the chain is right again', async () => {
    const r = rig();
    r.device.serverChain = [{ sha256: 'leaf', subject: 'CN=bulwark.test' }, { sha256: 'root', subject: 'CN=Root' }];
    r.device.network = { ssid: 'Hotel', security: 'wpa2' };
    await r.agent.appOpened();
    r.device.interceptor = [{ sha256: 'fake', subject: 'CN=bulwark.test' }, { sha256: 'mitm', subject: 'CN=Proxy' }];
    await r.agent.backgroundTick();
    await r.agent.backgroundTick();
    expect(ofType(r, 'tls_interception')).toMatchObject([{ reason: 'unexpected_chain' }]);
    r.device.interceptor = null;
    r.device.network = { ssid: 'Home', security: 'wpa2' };
    await r.agent.networkChanged();
    expect(ofType(r, 'remediated')).toMatchObject([{ remediates: 'tls_interception' }]);
  });

  it('trust flow on: trusting silences the warning, never the report', async () => {
    const r = rig({ config: { DefenderEndUserTrustFlowEnable: 'true' } });
    await r.agent.appOpened();
    r.device.network = { ssid: 'Corp', security: 'wpa2' };
    await r.agent.networkChanged();
    await r.agent.userAction({ type: 'trust_network' });
    r.device.network = { ssid: 'Corp', security: 'open' };
    await r.agent.networkChanged();
    expect(ofType(r, 'rogue_network')).toMatchObject([{ trustedByUser: true }]);
    expect(ofType(r, 'open_network_connected')).toHaveLength(1);
    expect(r.device.notices).toEqual([]);
    await r.agent.userAction({ type: 'untrust_network', ref: (await r.agent.view()).trustedNetworks.list[0]!.ref });
    expect((await r.agent.view()).trustedNetworks.list).toEqual([]);
  });

  it('trust flow off: the user cannot trust a network', async () => {
    const r = rig();
    await r.agent.appOpened();
    r.device.network = { ssid: 'Corp', security: 'wpa2' };
    await r.agent.networkChanged();
    await expect(r.agent.userAction({ type: 'trust_network' })).rejects.toBeInstanceOf(ActionRefused);
  });
});

describe('jailbreak in the agent', () => {
  it('reports High, clears user data, removes only its own VPN profile, stops web protection, keeps reporting', async () => {
    const r = rig({ config: { DefenderEndUserTrustFlowEnable: 'true', DefenderExcludeURLInReport: true } });
    r.device.tunnel.profiles.push({ name: 'Corp VPN', owner: 'mdm' });
    await r.agent.appOpened();
    await r.agent.userAction({ type: 'grant_vpn' });
    await r.agent.userAction({ type: 'unsafe_site_info', on: true });
    r.device.network = { ssid: 'Home', security: 'wpa2' };
    await r.agent.networkChanged();
    await r.agent.userAction({ type: 'trust_network' });
    expect(r.device.tunnel.profiles.map((p) => p.owner).sort()).toEqual(['bulwark', 'mdm']);

    r.device.jailbreakState = ROOTLESS_JAILBREAK;
    await r.agent.appOpened();
    expect(ofType(r, 'jailbreak')).toMatchObject([{ failedChecks: ['suspicious_files', 'url_schemes', 'injected_libraries', 'symlinks'] }]);
    expect(r.device.tunnel.profiles).toEqual([{ name: 'Corp VPN', owner: 'mdm' }]);
    const view = await r.agent.view();
    expect(view.protection).toMatchObject({ web: 'removed_jailbreak', canStartWebProtection: false });
    expect(view.privacy.unsafeSiteInfo.on).toBe(false);
    expect(view.trustedNetworks.list).toEqual([]);
    expect(view.alerts).toContainEqual({ kind: 'jailbreak', subject: 'device' });

    // Reporting continues, and the same jailbreak is not reported twice.
    r.device.roots = [{ sha256: 'a'.repeat(64), subject: 'CN=x', origin: 'user' }];
    await r.agent.appOpened();
    expect(ofType(r, 'suspicious_certificate')).toHaveLength(1);
    expect(ofType(r, 'jailbreak')).toHaveLength(1);
  });

  it('runs periodically on the configured interval', async () => {
    const r = rig({ agent: { jailbreakIntervalMs: 10 * 60_000 } });
    await r.agent.appOpened();
    r.device.jailbreakState = ROOTLESS_JAILBREAK;
    r.clock.advance(9 * 60_000);
    await r.agent.backgroundTick();
    expect(ofType(r, 'jailbreak')).toHaveLength(0);
    r.clock.advance(60_000);
    await r.agent.backgroundTick();
    expect(ofType(r, 'jailbreak')).toHaveLength(1);
  });
});

describe('inventory in the agent', () => {
  const apps = [
    { bundleId: 'com.corp.mail', name: 'Mail', version: '2.1', managed: true },
    { bundleId: 'com.game.fun', name: 'Fun', version: '1.0', managed: false },
  ];

  it('OS always; apps only after approval on an unsupervised device with TVM privacy off', async () => {
    const r = rig({ config: { DefenderTVMPrivacyMode: 'False' } });
    r.server.inventory = { appSync: true, fullInventoryOnPersonal: true, ownership: 'personal' };
    r.device.installedApps = apps;
    await r.agent.appOpened();
    await r.agent.appOpened(); // the first heartbeat brings the tenant settings
    expect(ofType(r, 'inventory').at(-1)).toMatchObject({ osVersion: '18.5', appScope: 'none' });
    expect(ofType(r, 'inventory').at(-1)).not.toHaveProperty('apps');
    expect((await r.agent.view()).privacy.inventoryApproval.prompt).toBe(true);
    await r.agent.userAction({ type: 'inventory_approval', approved: true });
    await r.agent.deliver(true);
    expect(ofType(r, 'inventory').at(-1)).toMatchObject({ appScope: 'full', apps });
  });

  it('TVM privacy on (the unsupervised default): no apps and no approval screen', async () => {
    const r = rig();
    r.server.inventory = { appSync: true, fullInventoryOnPersonal: true, ownership: 'personal' };
    r.device.installedApps = apps;
    await r.agent.appOpened();
    await r.agent.appOpened();
    expect(ofType(r, 'inventory').at(-1)).toMatchObject({ appScope: 'none' });
    expect((await r.agent.view()).privacy.inventoryApproval.prompt).toBe(false);
    await expect(r.agent.userAction({ type: 'inventory_approval', approved: true })).rejects.toBeInstanceOf(ActionRefused);
  });

  it('supervised personal device without full inventory sends managed apps only; OS updates are reported', async () => {
    const r = rig({ facts: { supervised: true } });
    r.server.inventory = { appSync: true, fullInventoryOnPersonal: false, ownership: 'personal' };
    r.device.installedApps = apps;
    await r.agent.appOpened();
    r.device.updateOs('18.6', '22G86');
    await r.agent.appOpened();
    expect(ofType(r, 'inventory').at(-1)).toMatchObject({ osVersion: '18.6', osBuild: '22G86', appScope: 'managed', apps: [apps[0]] });
  });
});

describe('the app life cycle', () => {
  it('heartbeat on every app open; background status only while the tunnel is connected', async () => {
    const r = rig();
    r.server.statusIntervalSeconds = 60;
    await r.agent.appOpened();
    await r.agent.appOpened();
    r.clock.advance(120_000);
    await r.agent.backgroundTick(); // tunnel not connected yet
    await r.agent.userAction({ type: 'grant_vpn' });
    await r.agent.backgroundTick();
    r.clock.advance(30_000);
    await r.agent.backgroundTick(); // not due yet
    r.clock.advance(30_000);
    await r.agent.backgroundTick();
    expect(heartbeats(r)).toEqual(['app_open', 'app_open', 'background', 'background']);
  });

  it('DefenderOptionalVPN: the VPN can be skipped and started later; without it, skipping is refused', async () => {
    const strict = rig();
    await strict.agent.appOpened();
    await expect(strict.agent.userAction({ type: 'skip_vpn' })).rejects.toBeInstanceOf(ActionRefused);

    const r = rig({ config: { DefenderOptionalVPN: true } });
    await r.agent.appOpened();
    await r.agent.userAction({ type: 'skip_vpn' });
    expect((await r.agent.view()).protection).toMatchObject({ web: 'skipped', canStartWebProtection: true });
    await r.agent.userAction({ type: 'start_web_protection' });
    expect(r.device.tunnel.state().state).toBe('connected');
  });

  it('WebProtection=false disables the tunnel for good', async () => {
    const r = rig({ config: { WebProtection: 'false' } });
    await r.agent.appOpened();
    await r.agent.appOpened();
    expect(r.device.tunnel.state().state).toBe('disabled_by_policy');
    await expect(r.agent.userAction({ type: 'start_web_protection' })).rejects.toBeInstanceOf(ActionRefused);
  });

  it('sign-out stops protection and tells the server; DisableSignOut refuses it', async () => {
    const locked = rig({ config: { DisableSignOut: 'true' } });
    await locked.agent.appOpened();
    await locked.agent.appOpened();
    await expect(locked.agent.userAction({ type: 'sign_out' })).rejects.toBeInstanceOf(ActionRefused);

    const r = rig();
    await r.agent.appOpened();
    await r.agent.userAction({ type: 'grant_vpn' });
    await r.agent.userAction({ type: 'sign_out' });
    expect(types(r)).toContain('signed_out');
    expect(r.device.tunnel.state().state).toBe('off_by_user');
    expect((await r.agent.view()).screen).toBe('signed_out');
    r.device.network = { ssid: 'Cafe', security: 'open' };
    await r.agent.networkChanged();
    expect(types(r)).not.toContain('open_network_connected');
  });

  it('OS-update notification once per version unless SuppressOSUpdateNotification', async () => {
    for (const [suppress, expected] of [
      ['false', 1],
      ['true', 0],
    ] as const) {
      const r = rig({ config: { SuppressOSUpdateNotification: suppress } });
      r.server.latestOsVersion = '18.6';
      await r.agent.appOpened();
      await r.agent.appOpened();
      expect(r.device.notices.filter((n) => n.kind === 'os_update')).toHaveLength(expected);
      expect((await r.agent.view()).healthCard).toMatchObject({ upToDate: false, latestOsVersion: '18.6' });
    }
  });

  it('offline at app open: checks still run and reports wait for the server', async () => {
    const r = rig();
    await r.agent.ensureEnrolled();
    r.server.online = false;
    r.device.network = { ssid: 'Cafe', security: 'open' };
    expect(await r.agent.appOpened()).toBeNull();
    expect((await r.agent.outbox.pending()).map((p) => p.type)).toContain('open_network_connected');
    r.server.online = true;
    await r.agent.appOpened();
    expect(types(r)).toContain('open_network_connected');
  });
});
