import { z } from 'zod';
import { RiskLevel } from './risk.js';

export const AccessDecisionValue = z.enum(['allow', 'block', 'wipe']);
export type AccessDecisionValue = z.infer<typeof AccessDecisionValue>;

export const AccessRequest = z
  .object({
    deviceId: z.string().min(1).max(100).optional(),
    userPrincipalName: z.string().trim().min(3).max(320).optional(),
    /** The app asking, by bundle id. */
    app: z.string().trim().min(1).max(255),
  })
  .refine((r) => r.deviceId !== undefined || r.userPrincipalName !== undefined, 'give deviceId or userPrincipalName');
export type AccessRequest = z.infer<typeof AccessRequest>;

export const AccessDecision = z.object({
  decision: AccessDecisionValue,
  deviceId: z.string().nullable(),
  riskLevel: RiskLevel.nullable(),
  reasons: z.array(z.string()),
  /** The app protection policies that applied. */
  policies: z.array(z.object({ id: z.string(), name: z.string(), decision: AccessDecisionValue })),
});
export type AccessDecision = z.infer<typeof AccessDecision>;

export const PolicyVerdict = z.object({ id: z.string(), name: z.string(), compliant: z.boolean(), reasons: z.array(z.string()) });

export const ComplianceResult = z.object({
  deviceId: z.string(),
  compliant: z.boolean(),
  riskLevel: RiskLevel,
  /** Every reason of every policy the device fails; empty when compliant. */
  reasons: z.array(z.string()),
  policies: z.array(PolicyVerdict),
});
export type ComplianceResult = z.infer<typeof ComplianceResult>;
