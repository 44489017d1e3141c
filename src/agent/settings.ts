import { defaultValues } from '../policy/index.js';
import type { ConfigValue, EffectiveConfig } from '../protocol/index.js';

/** The app-configuration values the agent acts on, typed (DESIGN.md 2.1). */
export interface AgentSettings {
  webProtection: boolean;
  networkProtection: boolean;
  /** 0 off, 1 audit (reported, user not told), 2 enable (user told). */
  openNetworkDetection: 0 | 1 | 2;
  endUserTrustFlow: boolean;
  autoRemediation: boolean;
  networkPrivacy: boolean;
  excludeUrlInReport: boolean;
  optionalVpn: boolean;
  tvmPrivacyMode: boolean;
  disableSignOut: boolean;
  suppressOsUpdateNotification: boolean;
  feedback: boolean;
  deviceTag: string | undefined;
}

function bool(value: ConfigValue | undefined, fallback: boolean): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === 'true';
  return fallback;
}

function mode(value: ConfigValue | undefined): 0 | 1 | 2 {
  const n = typeof value === 'string' ? Number(value.trim()) : value;
  return n === 0 || n === 1 || n === 2 ? n : 2;
}

/**
 * Reads the settings from the server's effective configuration. The server validates values
 * with key-named errors; a value that still does not parse here (or no configuration before
 * the first heartbeat) falls back to the catalog default, so protection never switches off by
 * accident.
 */
export function agentSettings(config: EffectiveConfig | undefined, ctx: { supervised: boolean; governmentTenant?: boolean }): AgentSettings {
  const defaults = defaultValues({ supervised: ctx.supervised, governmentTenant: ctx.governmentTenant ?? false });
  const v = (key: string) => config?.values[key] ?? defaults[key];
  const b = (key: string) => bool(v(key), bool(defaults[key], false));
  const tag = v('DefenderDeviceTag');
  return {
    webProtection: b('WebProtection'),
    networkProtection: b('DefenderNetworkProtectionEnable'),
    openNetworkDetection: mode(v('DefenderOpenNetworkDetection')),
    endUserTrustFlow: b('DefenderEndUserTrustFlowEnable'),
    autoRemediation: b('DefenderNetworkProtectionAutoRemediation'),
    networkPrivacy: b('DefenderNetworkProtectionPrivacy'),
    excludeUrlInReport: b('DefenderExcludeURLInReport'),
    optionalVpn: b('DefenderOptionalVPN'),
    tvmPrivacyMode: b('DefenderTVMPrivacyMode'),
    disableSignOut: b('DisableSignOut'),
    suppressOsUpdateNotification: b('SuppressOSUpdateNotification'),
    feedback: b('DefenderFeedbackData'),
    deviceTag: typeof tag === 'string' && tag.trim() !== '' ? tag : undefined,
  };
}
