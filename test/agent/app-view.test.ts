import { describe, expect, it } from 'vitest';
import { DEFAULT_CHOICES, agentSettings, appView, backgroundStatusDue, compareVersions, type AppViewInput } from '../../src/agent/index.js';

function input(values: Record<string, string | number | boolean> = {}, overrides: Partial<AppViewInput> = {}): AppViewInput {
  const supervised = overrides.device?.supervised ?? false;
  return {
    settings: agentSettings({ version: '1', values }, { supervised }),
    device: { osVersion: '18.5', supervised, management: 'mdm' },
    tunnel: 'connected',
    choices: DEFAULT_CHOICES,
    signedOut: false,
    askInventoryApproval: false,
    currentNetwork: { ref: 'n1', ssid: 'Home' },
    trustedNetworks: [],
    alerts: [],
    ...overrides,
  };
}

describe('app view model', () => {
  it('onboarding asks for the VPN; DefenderOptionalVPN makes it skippable', () => {
    expect(appView(input({}, { tunnel: 'permission_pending' }))).toMatchObject({ screen: 'onboarding', onboarding: { vpnPermission: true, skippable: false } });
    expect(appView(input({ DefenderOptionalVPN: true }, { tunnel: 'permission_pending' })).onboarding).toEqual({ vpnPermission: true, skippable: true });
  });

  it('WebProtection=false: no VPN screen and web protection cannot be started', () => {
    const view = appView(input({ WebProtection: 'false' }, { tunnel: 'disabled_by_policy' }));
    expect(view.onboarding).toBeNull();
    expect(view.protection.canStartWebProtection).toBe(false);
    expect(appView(input({}, { tunnel: 'skipped' })).protection.canStartWebProtection).toBe(true);
    expect(appView(input({}, { tunnel: 'removed_jailbreak' })).protection.canStartWebProtection).toBe(false);
  });

  it('health card shows the OS state; SuppressOSUpdateNotification only stops the notification', () => {
    expect(appView(input({}, { latestOsVersion: '18.6' })).healthCard).toEqual({ osVersion: '18.5', latestOsVersion: '18.6', upToDate: false, updateNotification: true });
    expect(appView(input({ SuppressOSUpdateNotification: 'true' }, { latestOsVersion: '18.6' })).healthCard).toEqual({
      osVersion: '18.5',
      latestOsVersion: '18.6',
      upToDate: false,
      updateNotification: false,
    });
    expect(appView(input({}, { latestOsVersion: '18.5' })).healthCard.updateNotification).toBe(false);
  });

  it('Unsafe Site Info toggle: only unsupervised, only with DefenderExcludeURLInReport=true', () => {
    expect(appView(input({ DefenderExcludeURLInReport: true })).privacy.unsafeSiteInfo.visible).toBe(true);
    expect(appView(input({ DefenderExcludeURLInReport: false })).privacy.unsafeSiteInfo.visible).toBe(false);
    expect(appView(input({ DefenderExcludeURLInReport: true }, { device: { osVersion: '18.5', supervised: true, management: 'mdm' } })).privacy.unsafeSiteInfo.visible).toBe(false);
  });

  it('network consent is offered only with DefenderNetworkProtectionPrivacy=false, prompted once', () => {
    expect(appView(input()).privacy.networkConsent).toEqual({ visible: false, prompt: false, granted: false });
    expect(appView(input({ DefenderNetworkProtectionPrivacy: 'false' })).privacy.networkConsent).toEqual({ visible: true, prompt: true, granted: false });
    const answered = input({ DefenderNetworkProtectionPrivacy: 'false' }, { choices: { ...DEFAULT_CHOICES, networkConsent: 'denied' } });
    expect(appView(answered).privacy.networkConsent.prompt).toBe(false);
  });

  it('DisableSignOut hides sign-out; DefenderFeedbackData controls feedback', () => {
    expect(appView(input()).signOut.visible).toBe(true);
    expect(appView(input({ DisableSignOut: 'true' })).signOut.visible).toBe(false);
    expect(appView(input()).feedback.available).toBe(true);
    expect(appView(input({ DefenderFeedbackData: false })).feedback.available).toBe(false);
  });

  it('trusted networks only with DefenderEndUserTrustFlowEnable=true', () => {
    expect(appView(input()).trustedNetworks).toEqual({ available: false, current: null, list: [] });
    const on = appView(input({ DefenderEndUserTrustFlowEnable: 'true' }, { trustedNetworks: [{ ref: 'n1', ssid: 'Home' }] }));
    expect(on.trustedNetworks).toEqual({ available: true, current: { ref: 'n1', ssid: 'Home', trusted: true }, list: [{ ref: 'n1', ssid: 'Home' }] });
  });

  it('signed out shows the signed-out screen', () => {
    expect(appView(input({}, { signedOut: true }))).toMatchObject({ screen: 'signed_out', signOut: { visible: false } });
  });

  it('background status only while the tunnel is connected', () => {
    expect(backgroundStatusDue('connected', undefined, 60, 0)).toBe(true);
    expect(backgroundStatusDue('connected', 0, 60, 59_999)).toBe(false);
    expect(backgroundStatusDue('connected', 0, 60, 60_000)).toBe(true);
    expect(backgroundStatusDue('off_by_user', 0, 60, 600_000)).toBe(false);
    expect(backgroundStatusDue('skipped', undefined, 60, 0)).toBe(false);
  });

  it('compares versions numerically', () => {
    expect(compareVersions('18.10', '18.9')).toBeGreaterThan(0);
    expect(compareVersions('18.5', '18.5.0')).toBe(0);
    expect(compareVersions('17.7.10', '18.0')).toBeLessThan(0);
  });

  it('settings: MAM strings parse case-insensitively; unparsable values keep the default', () => {
    expect(agentSettings({ version: '1', values: { DefenderNetworkProtectionEnable: 'FALSE', DefenderOpenNetworkDetection: '1' } }, { supervised: false })).toMatchObject({
      networkProtection: false,
      openNetworkDetection: 1,
    });
    expect(agentSettings({ version: '1', values: { WebProtection: 'maybe', DefenderOpenNetworkDetection: 7 } }, { supervised: false })).toMatchObject({
      webProtection: true,
      openNetworkDetection: 2,
    });
    expect(agentSettings(undefined, { supervised: true }).tvmPrivacyMode).toBe(false);
    expect(agentSettings(undefined, { supervised: false }).tvmPrivacyMode).toBe(true);
  });
});
