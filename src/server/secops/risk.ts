import type { AlertCategory, RiskExplanation, RiskLevel, Severity } from '../../protocol/index.js';

export interface ActiveAlert {
  id: string;
  title: string;
  severity: Severity;
  category: AlertCategory;
  lastEventTime: string;
}

const RANK: Record<Severity, number> = { Informational: 0, Low: 1, Medium: 2, High: 3 };
const LEVEL: Record<number, RiskLevel> = { 0: 'Secured', 1: 'Low', 2: 'Medium', 3: 'High' };

export const RISK_RANK: Record<RiskLevel, number> = { Secured: 0, Low: 1, Medium: 2, High: 3 };

/**
 * The device's risk level from its active (not resolved) alerts: the highest severity wins;
 * informational alerts don't raise it. The reasons are the alerts at that level.
 */
export function riskOf(active: readonly ActiveAlert[], computedAt: string): RiskExplanation {
  const top = Math.max(0, ...active.map((a) => RANK[a.severity]));
  const reasons =
    top === 0
      ? []
      : active
          .filter((a) => RANK[a.severity] === top)
          .sort((a, b) => b.lastEventTime.localeCompare(a.lastEventTime))
          .map((a) => ({ alertId: a.id, title: a.title, severity: a.severity, category: a.category }));
  return { level: LEVEL[top] ?? 'High', reasons, activeAlerts: active.length, computedAt };
}
