import type { Alert, ComplianceResult, RiskExplanation, WebhookEventType } from '../../protocol/index.js';

/** A change other parts of the server react to (webhooks, in-memory indexes). */
export type SecOpsEvent =
  | { type: 'alert.created' | 'alert.updated'; tenantId: string; deviceId: string; alert: Alert }
  | { type: 'risk.changed'; tenantId: string; deviceId: string; previous: RiskExplanation['level']; risk: RiskExplanation }
  | { type: 'compliance.changed'; tenantId: string; deviceId: string; compliance: ComplianceResult }
  /** Anything else about a device that decisions read (OS version, enrolment). */
  | { type: 'device.changed'; tenantId: string; deviceId: string };

export function isWebhookEvent(e: SecOpsEvent): e is Extract<SecOpsEvent, { type: WebhookEventType }> {
  return e.type !== 'device.changed';
}

/** A minimal synchronous fan-out; listeners must not throw (they log and carry on). */
export class SecOpsEvents {
  private readonly listeners: Array<(e: SecOpsEvent) => void> = [];

  on(listener: (e: SecOpsEvent) => void): void {
    this.listeners.push(listener);
  }

  emit(events: readonly SecOpsEvent[]): void {
    for (const e of events) for (const l of this.listeners) l(e);
  }
}
