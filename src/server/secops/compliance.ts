import type { ComplianceResult, ThreatLevel } from '../../protocol/index.js';
import { withinThreatLevel, type DevicePosture } from './posture.js';
import { compareVersions } from './version.js';

/** The device-threat part of a compliance policy (Intune `iosCompliancePolicy` names). */
export interface CompliancePolicyRules {
  id: string;
  name: string;
  /** "Require the device to be at or under the device threat level". */
  deviceThreatProtectionRequiredSecurityLevel?: ThreatLevel;
  securityBlockJailbrokenDevices?: boolean;
  osMinimumVersion?: string;
  osMaximumVersion?: string;
}

function failures(device: DevicePosture, policy: CompliancePolicyRules): string[] {
  const reasons: string[] = [];
  const max = policy.deviceThreatProtectionRequiredSecurityLevel;
  if (max && !withinThreatLevel(device.riskLevel, max)) reasons.push(`risk level ${device.riskLevel} is above the allowed ${max}`);
  if (policy.securityBlockJailbrokenDevices && device.jailbroken) reasons.push('the device is jailbroken');
  if (policy.osMinimumVersion && compareVersions(device.osVersion, policy.osMinimumVersion) < 0) reasons.push(`iOS ${device.osVersion} is older than the minimum ${policy.osMinimumVersion}`);
  if (policy.osMaximumVersion && compareVersions(device.osVersion, policy.osMaximumVersion) > 0) reasons.push(`iOS ${device.osVersion} is newer than the maximum ${policy.osMaximumVersion}`);
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
