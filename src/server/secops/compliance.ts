import type { ComplianceResult } from '../../protocol/index.js';
import { withinThreatLevel, type DevicePosture, type ThreatLevel } from './posture.js';
import { compareVersions } from './version.js';

/** What compliance checks of a policy (the policy branch's `CompliancePolicyView` fields). */
export interface CompliancePolicyRules {
  id: string;
  name: string;
  /** "Require the device to be at or under the device threat level". */
  requiredThreatLevel: ThreatLevel;
  blockJailbroken: boolean;
  minimumOsVersion: string | null;
}

function failures(device: DevicePosture, policy: CompliancePolicyRules): string[] {
  const reasons: string[] = [];
  if (!withinThreatLevel(device.riskLevel, policy.requiredThreatLevel)) reasons.push(`risk level ${device.riskLevel} is above the allowed ${policy.requiredThreatLevel}`);
  if (policy.blockJailbroken && device.jailbroken) reasons.push('the device is jailbroken');
  if (policy.minimumOsVersion && compareVersions(device.osVersion, policy.minimumOsVersion) < 0) reasons.push(`iOS ${device.osVersion} is older than the minimum ${policy.minimumOsVersion}`);
  return reasons;
}

/** Compliant when every assigned policy is met; the reasons name each unmet rule with its policy. */
export function evaluateCompliance(device: DevicePosture, policies: readonly CompliancePolicyRules[]): ComplianceResult {
  const verdicts = policies.map((p) => {
    const reasons = failures(device, p);
    return { id: p.id, name: p.name, compliant: reasons.length === 0, reasons };
  });
  return {
    deviceId: device.deviceId,
    compliant: verdicts.every((v) => v.compliant),
    riskLevel: device.riskLevel,
    reasons: verdicts.flatMap((v) => v.reasons.map((r) => `${v.name}: ${r}`)),
    policies: verdicts,
  };
}
