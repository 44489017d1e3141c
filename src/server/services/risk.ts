import type { Alert, RiskExplanation } from '../../protocol/index.js';
import { riskOf } from '../secops/risk.js';
import type { StoredAlert } from '../storage/alerts.js';
import type { Storage } from '../storage/storage.js';
import type { SecOpsEvent } from './secops-events.js';

export type StoreTx = Omit<Storage, 'transaction' | 'close' | 'ping'>;

/** The alert as the API shows it. */
export function alertView(a: StoredAlert): Alert {
  const { tenantId: _t, dedupeKey: _k, ...view } = a;
  return view;
}

const sameRisk = (a: RiskExplanation, b: RiskExplanation) => a.level === b.level && JSON.stringify(a.reasons) === JSON.stringify(b.reasons) && a.activeAlerts === b.activeAlerts;

/** Recomputes a device's risk from its active alerts and stores it when it changed. */
export async function recomputeRisk(tx: StoreTx, tenantId: string, deviceId: string, at: string): Promise<SecOpsEvent[]> {
  const active = await tx.activeAlerts(tenantId, deviceId);
  const risk = riskOf(active, at);
  const jailbroken = active.some((a) => a.category === 'Jailbreak');
  const before = await tx.getSecurity(tenantId, deviceId);
  if (before && sameRisk(before.risk, risk) && before.jailbroken === jailbroken) return [];
  await tx.saveRisk(tenantId, deviceId, risk, jailbroken, at);
  const previous = before?.risk.level ?? 'Secured';
  return previous === risk.level ? [{ type: 'device.changed', tenantId, deviceId }] : [{ type: 'risk.changed', tenantId, deviceId, previous, risk }];
}
