import { z } from 'zod';
import { Severity } from './enums.js';

// Custom indicators with the field names SOC tools already use (research/management-plane.md 1.1).

/** Network indicator types; IP indicators are stored but not enforced on iOS. */
export const IndicatorType = z.enum(['Url', 'DomainName', 'IpAddress']);
export type IndicatorType = z.infer<typeof IndicatorType>;

/** For one target, Allowed beats Warn beats Block; Audit only records. */
export const IndicatorAction = z.enum(['Allowed', 'Audit', 'Warn', 'Block']);
export type IndicatorAction = z.infer<typeof IndicatorAction>;

export const IndicatorInput = z.object({
  indicatorValue: z.string().trim().min(1).max(2048),
  indicatorType: IndicatorType,
  action: IndicatorAction,
  title: z.string().trim().min(1).max(200),
  description: z.string().trim().min(1).max(2000),
  /** After this instant the indicator stops applying. */
  expirationTime: z.iso.datetime({ offset: true }).optional(),
  severity: Severity.optional(),
  recommendedActions: z.string().max(2000).optional(),
  /** Device groups it applies to; empty means every device. */
  rbacGroupNames: z.array(z.string().trim().min(1).max(128)).max(100).default([]),
  generateAlert: z.boolean().default(false),
});
export type IndicatorInput = z.infer<typeof IndicatorInput>;

export const Indicator = IndicatorInput.extend({
  id: z.string(),
  createdAt: z.string(),
  createdBy: z.string().nullable(),
  lastUpdateTime: z.string(),
});
export type Indicator = z.infer<typeof Indicator>;
