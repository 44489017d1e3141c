import { describe, expect, it } from 'vitest';
import { applyPrivacy, mayShareDomain, mayShareNetworkDetails, type PrivacyContext } from '../../src/agent/index.js';
import { rig } from '../helpers/simulated-agent.js';

const SSID = 'CafeSecretSSID';
const BSSID = 'aa:bb:cc:dd:ee:0f';
const CORP = 'CorpSecretNet';
const CERT = 'CN=Sneaky Proxy CA';
const DOMAIN = 'phish-secret.example';
const PATH = '/login-secret-path';

const bools = [false, true];
const combos = bools.flatMap((excludeUrl) =>
  bools.flatMap((toggle) =>
    bools.flatMap((supervised) => bools.flatMap((networkPrivacy) => bools.map((consent) => ({ excludeUrl, toggle, supervised, networkPrivacy, consent })))),
  ),
);

describe('privacy rules', () => {
  const ctx: PrivacyContext = { excludeUrlInReport: false, unsafeSiteInfo: false, supervised: false, networkPrivacy: true, networkConsent: 'unasked' };

  it('the domain is shared unless excluded; then only by an unsupervised user who opted in', () => {
    expect(mayShareDomain(ctx)).toBe(true);
    expect(mayShareDomain({ ...ctx, excludeUrlInReport: true })).toBe(false);
    expect(mayShareDomain({ ...ctx, excludeUrlInReport: true, unsafeSiteInfo: true })).toBe(true);
    expect(mayShareDomain({ ...ctx, excludeUrlInReport: true, unsafeSiteInfo: true, supervised: true })).toBe(false);
  });

  it('network details need privacy off and consent', () => {
    expect(mayShareNetworkDetails(ctx)).toBe(false);
    expect(mayShareNetworkDetails({ ...ctx, networkConsent: 'granted' })).toBe(false);
    expect(mayShareNetworkDetails({ ...ctx, networkPrivacy: false })).toBe(false);
    expect(mayShareNetworkDetails({ ...ctx, networkPrivacy: false, networkConsent: 'denied' })).toBe(false);
    expect(mayShareNetworkDetails({ ...ctx, networkPrivacy: false, networkConsent: 'granted' })).toBe(true);
  });

  it('a full URL leaves only a supervised device that saw it', () => {
    const report = { id: 'r1234567', occurredAt: new Date(0).toISOString(), type: 'web_threat', source: 'phishing', action: 'Block', domain: DOMAIN, url: `https://${DOMAIN}${PATH}` } as const;
    expect(applyPrivacy({ ...report, visibility: 'full_url' }, { ...ctx, supervised: true })).toHaveProperty('url');
    expect(applyPrivacy({ ...report, visibility: 'full_url' }, ctx)).not.toHaveProperty('url');
    expect(applyPrivacy({ ...report, visibility: 'domain_only' }, { ...ctx, supervised: true })).not.toHaveProperty('url');
  });
});

describe('nothing private leaves the device (every byte sent, every combination)', () => {
  it.each(combos)('%j', async ({ excludeUrl, toggle, supervised, networkPrivacy, consent }) => {
    const r = rig({
      facts: { supervised },
      config: { DefenderExcludeURLInReport: excludeUrl, DefenderNetworkProtectionPrivacy: String(networkPrivacy), DefenderOpenNetworkDetection: 2 },
    });
    r.device.serverChain = [{ sha256: 'leaf', subject: 'CN=bulwark.test' }, { sha256: 'root', subject: 'CN=Real Root' }];
    r.device.network = { ssid: CORP, bssid: BSSID, security: 'wpa2' };
    await r.agent.appOpened();
    const view = await r.agent.view();
    if (view.privacy.unsafeSiteInfo.visible) await r.agent.userAction({ type: 'unsafe_site_info', on: toggle });
    if (view.privacy.networkConsent.prompt) await r.agent.userAction({ type: 'network_consent', granted: consent });

    r.device.network = { ssid: SSID, bssid: BSSID, security: 'open' };
    await r.agent.networkChanged();
    r.device.network = { ssid: CORP, security: 'open' }; // a rogue twin of the corporate network
    await r.agent.networkChanged();
    r.device.roots = [{ sha256: 'f'.repeat(64), subject: CERT, origin: 'user' }];
    r.device.interceptor = [{ sha256: 'leaf2', subject: 'CN=bulwark.test' }, { sha256: 'e'.repeat(64), subject: CERT }];
    await r.agent.networkChanged();
    await r.agent.recordWebThreat({
      type: 'web_threat',
      source: 'phishing',
      action: 'Block',
      visibility: supervised ? 'full_url' : 'domain_only',
      domain: DOMAIN,
      url: `https://${DOMAIN}${PATH}`,
    });
    await r.agent.deliver(true);

    const wire = r.server.requests.map((q) => q.body ?? '').join('\n');
    const sent = r.server.sentReports();
    expect(sent.map((s) => (s as { type: string }).type)).toEqual(
      expect.arrayContaining(['open_network_connected', 'rogue_network', 'suspicious_certificate', 'tls_interception', 'web_threat']),
    );

    const domainAllowed = !excludeUrl || (!supervised && toggle);
    const detailsAllowed = !networkPrivacy && consent;
    for (const secret of [SSID, BSSID, CORP, CERT]) expect(wire.includes(secret), secret).toBe(detailsAllowed);
    expect(wire.includes(DOMAIN), 'domain').toBe(domainAllowed);
    expect(wire.includes(PATH), 'url path').toBe(domainAllowed && supervised);
    // The consent prompt exists only with privacy off, and asks nothing otherwise.
    expect(view.privacy.networkConsent.prompt).toBe(!networkPrivacy);
    expect(view.privacy.unsafeSiteInfo.visible).toBe(excludeUrl && !supervised);
  });

  it('withdrawing consent before delivery keeps queued details on the device', async () => {
    const r = rig({ config: { DefenderNetworkProtectionPrivacy: 'false' } });
    await r.agent.appOpened();
    await r.agent.userAction({ type: 'network_consent', granted: true });
    r.server.online = false;
    r.device.network = { ssid: SSID, security: 'open' };
    await r.agent.networkChanged();
    await r.agent.userAction({ type: 'network_consent', granted: false });
    const before = r.server.requests.length;
    r.server.online = true;
    await r.agent.deliver(true);
    const after = r.server.requests.slice(before).map((q) => q.body ?? '');
    expect(after.some((body) => body.includes('open_network_connected'))).toBe(true);
    expect(after.some((body) => body.includes(SSID))).toBe(false);
  });
});
