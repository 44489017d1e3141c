import { z } from 'zod';
import { Severity } from './enums.js';

// Alerts with the field names and enums SOC tools already speak (research/management-plane.md 1.6).

export const AlertStatus = z.enum(['New', 'InProgress', 'Resolved']);
export type AlertStatus = z.infer<typeof AlertStatus>;

export const AlertClassification = z.enum(['TruePositive', 'InformationalExpectedActivity', 'FalsePositive']);
export type AlertClassification = z.infer<typeof AlertClassification>;

/** Which determinations go with which classification. */
export const DETERMINATIONS = {
  TruePositive: ['MultiStagedAttack', 'MaliciousUserActivity', 'CompromisedUser', 'Malware', 'Phishing', 'UnwantedSoftware', 'Other'],
  InformationalExpectedActivity: ['SecurityTesting', 'LineOfBusinessApplication', 'ConfirmedActivity', 'Other'],
  FalsePositive: ['NotMalicious', 'InsufficientData', 'Other'],
} as const satisfies Record<AlertClassification, readonly string[]>;

export const AlertDetermination = z.enum([...new Set(Object.values(DETERMINATIONS).flat())] as [string, ...string[]]);
export type AlertDetermination = z.infer<typeof AlertDetermination>;

/** What kind of threat an alert is about; also the key of the de-duplication rule. */
export const AlertCategory = z.enum(['Phishing', 'MaliciousSite', 'Jailbreak', 'RogueNetwork', 'TlsInterception', 'SuspiciousCertificate', 'OpenNetwork']);
export type AlertCategory = z.infer<typeof AlertCategory>;

export const AlertEvidence = z.object({
  entityType: z.enum(['Url', 'Domain', 'Network', 'Certificate', 'Device']),
  /** Absent when the device kept it private. */
  url: z.string().optional(),
  domainName: z.string().optional(),
  /** The device-local opaque reference of a network or certificate. */
  reference: z.string().optional(),
  detail: z.string().optional(),
  reportId: z.string(),
  observedAt: z.string(),
});
export type AlertEvidence = z.infer<typeof AlertEvidence>;

export const AlertComment = z.object({ comment: z.string(), createdBy: z.string().nullable(), createdTime: z.string() });
export type AlertComment = z.infer<typeof AlertComment>;

export const Alert = z.object({
  id: z.string(),
  machineId: z.string(),
  title: z.string(),
  description: z.string(),
  category: AlertCategory,
  severity: Severity,
  status: AlertStatus,
  classification: AlertClassification.nullable(),
  determination: AlertDetermination.nullable(),
  assignedTo: z.string().nullable(),
  detectionSource: z.literal('BulwarkAgent'),
  alertCreationTime: z.string(),
  firstEventTime: z.string(),
  lastEventTime: z.string(),
  lastUpdateTime: z.string(),
  resolvedTime: z.string().nullable(),
  /** How the alert was resolved when no person did it. */
  resolvedBy: z.enum(['analyst', 'auto_remediation']).nullable(),
  /** How many reports were folded into this alert. */
  eventCount: z.number().int(),
  comments: z.array(AlertComment),
  evidence: z.array(AlertEvidence),
});
export type Alert = z.infer<typeof Alert>;

export const AlertUpdate = z
  .object({
    status: AlertStatus.optional(),
    assignedTo: z.string().trim().min(1).max(320).nullable().optional(),
    classification: AlertClassification.nullable().optional(),
    determination: AlertDetermination.nullable().optional(),
    comment: z.string().trim().min(1).max(4000).optional(),
  })
  .refine((u) => Object.values(u).some((v) => v !== undefined), 'give at least one of status, assignedTo, classification, determination, comment');
export type AlertUpdate = z.infer<typeof AlertUpdate>;

export const AlertListQuery = z.object({
  status: AlertStatus.optional(),
  severity: Severity.optional(),
  category: AlertCategory.optional(),
  machineId: z.string().max(100).optional(),
  assignedTo: z.string().max(320).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
export type AlertListQuery = z.infer<typeof AlertListQuery>;

export const AlertList = z.object({ items: z.array(Alert), total: z.number().int() });
export type AlertList = z.infer<typeof AlertList>;
