import type { RiskLevel } from '../../protocol/index.js';
import { RISK_RANK } from './risk.js';

/** What compliance and conditional access decide on: never privacy settings or private data. */
export interface DevicePosture {
  deviceId: string;
  riskLevel: RiskLevel;
  jailbroken: boolean;
  osVersion: string;
}

/** A policy's maximum threat level, as Intune names it (the policy branch's protocol `ThreatLevel`). */
export type ThreatLevel = 'secured' | 'low' | 'medium' | 'high';

const THREAT_RANK: Record<ThreatLevel, number> = { secured: 0, low: 1, medium: 2, high: 3 };

/** Whether a device at `risk` is at or under the threat level `max`. */
export function withinThreatLevel(risk: RiskLevel, max: ThreatLevel): boolean {
  return RISK_RANK[risk] <= THREAT_RANK[max];
}
