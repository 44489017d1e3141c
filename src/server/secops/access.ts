import type { AccessDecision, AccessDecisionValue } from '../../protocol/index.js';
import { withinThreatLevel, type DevicePosture, type ThreatLevel } from './posture.js';

/** What access checks of an app protection policy (the policy branch's `AppProtectionPolicyView` fields). */
export interface AppProtectionRules {
  id: string;
  name: string;
  /** Intune's "max allowed device threat level". */
  maxThreatLevel: ThreatLevel;
  /** What the app does above it: block access or wipe its data. */
  action: 'block' | 'wipe';
  /** Bundle ids the policy protects; absent or empty means every managed app. */
  apps?: readonly string[];
  /** What to do on a jailbroken device (Intune `appActionIfDeviceComplianceRequired`), if anything. */
  jailbrokenAction?: 'block' | 'wipe';
}

export interface AccessContext {
  /** Tenant setting "app protection policy settings for iOS": without it risk is not shared. */
  riskSharedWithAppProtection: boolean;
}

const STRENGTH: Record<AccessDecisionValue, number> = { allow: 0, block: 1, wipe: 2 };

export function appliesTo(policy: AppProtectionRules, app: string): boolean {
  return !policy.apps?.length || policy.apps.includes(app);
}

/**
 * allow, block or wipe for `device` opening `app`: each policy protecting the app decides, and the
 * strongest decision wins (wipe > block > allow). A null device means none is registered for the user.
 */
export function evaluateAccess(device: DevicePosture | null, app: string, policies: readonly AppProtectionRules[], ctx: AccessContext): AccessDecision {
  const applicable = policies.filter((p) => appliesTo(p, app));
  const reasons: string[] = [];
  const verdicts = applicable.map((p) => {
    let decision: AccessDecisionValue = 'allow';
    const raise = (d: AccessDecisionValue, why: string) => {
      reasons.push(`${p.name}: ${why} (${d})`);
      if (STRENGTH[d] > STRENGTH[decision]) decision = d;
    };
    if (ctx.riskSharedWithAppProtection) {
      if (!device) raise(p.action, 'no device of this user reports to Bulwark, so its threat level is unknown');
      else if (!withinThreatLevel(device.riskLevel, p.maxThreatLevel)) raise(p.action, `device risk ${device.riskLevel} is above the allowed ${p.maxThreatLevel}`);
    }
    if (p.jailbrokenAction && device?.jailbroken) raise(p.jailbrokenAction, 'the device is jailbroken');
    return { id: p.id, name: p.name, decision };
  });
  if (applicable.length === 0) reasons.push(`no app protection policy protects ${app}`);
  else if (!ctx.riskSharedWithAppProtection) reasons.push('device threat level is not shared with app protection (tenant setting "app protection policy settings for iOS" is off)');
  const decision = verdicts.reduce<AccessDecisionValue>((d, v) => (STRENGTH[v.decision] > STRENGTH[d] ? v.decision : d), 'allow');
  if (decision === 'allow' && applicable.length > 0 && reasons.length === 0) reasons.push(`device risk ${device?.riskLevel ?? 'unknown'} is within every policy`);
  return { decision, deviceId: device?.deviceId ?? null, riskLevel: device?.riskLevel ?? null, reasons, policies: verdicts };
}
