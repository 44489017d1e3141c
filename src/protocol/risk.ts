import { z } from 'zod';
import { AlertCategory } from './alerts.js';
import { Severity } from './enums.js';

/** Device risk as the console and conditional access see it (no alert = Secured). */
export const RiskLevel = z.enum(['Secured', 'Low', 'Medium', 'High']);
export type RiskLevel = z.infer<typeof RiskLevel>;

/** Why a device has its risk level: the active alerts that set it. */
export const RiskExplanation = z.object({
  level: RiskLevel,
  /** The active alerts at the device's level, most recent first; empty when Secured. */
  reasons: z.array(z.object({ alertId: z.string(), title: z.string(), severity: Severity, category: AlertCategory })),
  /** Active alerts in all: the ones below the level count too, they just don't set it. */
  activeAlerts: z.number().int(),
  computedAt: z.string().nullable(),
});
export type RiskExplanation = z.infer<typeof RiskExplanation>;
