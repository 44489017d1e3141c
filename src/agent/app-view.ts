import type { Management, TunnelState } from '../protocol/index.js';
import type { Approval } from './inventory-gate.js';
import type { ThreatKind } from './network-protection.js';
import type { Consent } from './privacy.js';
import type { AgentSettings } from './settings.js';

/** The user's own choices, kept on the device (cleared with the app's data on jailbreak). */
export interface UserChoices {
  unsafeSiteInfo: boolean;
  networkConsent: Consent;
  inventoryApproval: Approval;
}

export const DEFAULT_CHOICES: UserChoices = { unsafeSiteInfo: false, networkConsent: 'unasked', inventoryApproval: 'unasked' };

export interface AppViewInput {
  settings: AgentSettings;
  device: { osVersion: string; supervised: boolean; management: Management };
  tunnel: TunnelState;
  choices: UserChoices;
  signedOut: boolean;
  /** The inventory gate wants the approval screen. */
  askInventoryApproval: boolean;
  latestOsVersion?: string;
  currentNetwork: { ref: string; ssid: string } | null;
  trustedNetworks: Array<{ ref: string; ssid: string }>;
  alerts: Array<{ kind: ThreatKind | 'jailbreak'; subject: string }>;
}

/** What the app shows, for an iOS UI or the portal's device preview to render. */
export interface AppView {
  screen: 'onboarding' | 'home' | 'signed_out';
  onboarding: { vpnPermission: boolean; skippable: boolean } | null;
  healthCard: { osVersion: string; latestOsVersion: string | null; upToDate: boolean | null; updateNotification: boolean };
  protection: { web: TunnelState; canStartWebProtection: boolean; network: boolean };
  privacy: {
    /** The "Unsafe Site Info" toggle: unsupervised devices, and only when the admin excluded URLs. */
    unsafeSiteInfo: { visible: boolean; on: boolean };
    inventoryApproval: { prompt: boolean };
    networkConsent: { visible: boolean; prompt: boolean; granted: boolean };
  };
  signOut: { visible: boolean };
  feedback: { available: boolean };
  trustedNetworks: { available: boolean; current: { ref: string; ssid: string; trusted: boolean } | null; list: Array<{ ref: string; ssid: string }> };
  alerts: Array<{ kind: ThreatKind | 'jailbreak'; subject: string }>;
}

/** Compares dotted versions numerically; negative when a is older. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

// Web protection may be (re)started from the app unless the admin disabled it for good or the
// product's VPN profile was removed after a jailbreak.
const STARTABLE: readonly TunnelState[] = ['permission_pending', 'skipped', 'off_by_user', 'preempted'];

export function appView(i: AppViewInput): AppView {
  const s = i.settings;
  const upToDate = i.latestOsVersion === undefined ? null : compareVersions(i.device.osVersion, i.latestOsVersion) >= 0;
  const consentVisible = s.networkProtection && !s.networkPrivacy;
  const trustFlow = s.networkProtection && s.endUserTrustFlow;
  const onboarding = s.webProtection && i.tunnel === 'permission_pending' ? { vpnPermission: true, skippable: s.optionalVpn } : null;
  return {
    screen: i.signedOut ? 'signed_out' : onboarding ? 'onboarding' : 'home',
    onboarding,
    healthCard: {
      osVersion: i.device.osVersion,
      latestOsVersion: i.latestOsVersion ?? null,
      upToDate,
      updateNotification: upToDate === false && !s.suppressOsUpdateNotification,
    },
    protection: { web: i.tunnel, canStartWebProtection: s.webProtection && STARTABLE.includes(i.tunnel), network: s.networkProtection && !i.signedOut },
    privacy: {
      unsafeSiteInfo: { visible: !i.device.supervised && s.excludeUrlInReport, on: i.choices.unsafeSiteInfo },
      inventoryApproval: { prompt: i.askInventoryApproval },
      networkConsent: { visible: consentVisible, prompt: consentVisible && i.choices.networkConsent === 'unasked', granted: i.choices.networkConsent === 'granted' },
    },
    signOut: { visible: !s.disableSignOut && !i.signedOut },
    feedback: { available: s.feedback },
    trustedNetworks: {
      available: trustFlow,
      current: trustFlow && i.currentNetwork ? { ...i.currentNetwork, trusted: i.trustedNetworks.some((n) => n.ref === i.currentNetwork!.ref) } : null,
      list: trustFlow ? i.trustedNetworks : [],
    },
    alerts: i.alerts,
  };
}

/** Background status goes out only while the tunnel runs (no tunnel, no background time). */
export function backgroundStatusDue(tunnel: TunnelState, lastStatusAt: number | undefined, intervalSeconds: number, now: number): boolean {
  return tunnel === 'connected' && (lastStatusAt === undefined || now - lastStatusAt >= intervalSeconds * 1000);
}
