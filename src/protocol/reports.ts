import { z } from 'zod';
import { TunnelState } from './enums.js';

// What a device reports to the server. Every report carries an id made on the device when the
// report is created, so the outbox can retry and the server can drop replays. Fields marked
// "private" are optional on purpose: the agent leaves them out unless the privacy settings
// (DESIGN.md 2.1) and the user's choices allow them; the server never needs them to decide.

/** Client-made report id: unique per device, stable across retries. */
export const ReportId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, '8 to 64 letters, digits, - or _');

/**
 * An opaque, device-local name for a Wi-Fi network or certificate (random, kept on the
 * device), so the server can tell networks apart and apply per-network rules without learning
 * the SSID, BSSID or certificate subject.
 */
export const LocalRef = z.string().regex(/^[A-Za-z0-9_-]{4,64}$/);

/** Network details: sent only when `DefenderNetworkProtectionPrivacy=false` and the user consented. */
export const NetworkDetails = z.object({
  ssid: z.string().max(64),
  bssid: z.string().max(32).optional(),
  security: z.enum(['open', 'wep', 'wpa', 'wpa2', 'wpa3', 'enterprise', 'unknown']).optional(),
});
export type NetworkDetails = z.infer<typeof NetworkDetails>;

export const CertificateDetails = z.object({
  subject: z.string().max(512),
  issuer: z.string().max(512).optional(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
});
export type CertificateDetails = z.infer<typeof CertificateDetails>;

const base = {
  id: ReportId,
  /** When it happened on the device (ISO 8601); virtual time in simulations. */
  occurredAt: z.iso.datetime({ offset: true }),
};

/** What matched in the verdict engine. */
export const WebThreatSource = z.enum(['phishing', 'malware', 'lookalike', 'custom_indicator']);
export type WebThreatSource = z.infer<typeof WebThreatSource>;

export const WebThreatReport = z.object({
  ...base,
  type: z.literal('web_threat'),
  source: WebThreatSource,
  /** What the device did: a Warn the user clicked through is reported with `userContinued`. */
  action: z.enum(['Block', 'Warn', 'Audit']),
  userContinued: z.boolean().optional(),
  /** Whether the device saw the full URL (supervised) or only the domain. */
  visibility: z.enum(['full_url', 'domain_only']),
  /** Private: absent with `DefenderExcludeURLInReport=true` unless the user turned on "Unsafe Site Info". */
  domain: z.string().max(253).optional(),
  /** Private: only from supervised devices, and only when `domain` may be sent too. */
  url: z.string().max(2048).optional(),
  /** The custom indicator or feed entry that matched, for the explanation. */
  ruleId: z.string().max(128).optional(),
});

export const OpenNetworkReport = z.object({
  ...base,
  type: z.enum(['open_network_connected', 'open_network_disconnected']),
  network: LocalRef,
  /** `DefenderOpenNetworkDetection`: 1 audit (user not told), 2 enable (user told). */
  mode: z.enum(['audit', 'enable']),
  details: NetworkDetails.optional(),
});

export const NetworkThreatReport = z.object({
  ...base,
  type: z.enum(['rogue_network', 'tls_interception', 'suspicious_certificate']),
  /** The network (rogue, TLS interception) or certificate (suspicious certificate). */
  subject: LocalRef,
  /** Why: e.g. `security_downgrade`, `lookalike_ssid`, `unexpected_chain`, `user_installed_root`. */
  reason: z.string().max(64),
  /** The user trusted this network in the app (end-user trust flow): still reported. */
  trustedByUser: z.boolean().optional(),
  details: z.union([NetworkDetails, CertificateDetails]).optional(),
});

/** The user fixed a network threat (left the network, removed the certificate). */
export const RemediationReport = z.object({
  ...base,
  type: z.literal('remediated'),
  remediates: z.enum(['open_network', 'rogue_network', 'tls_interception', 'suspicious_certificate']),
  subject: LocalRef,
  how: z.enum(['left_network', 'certificate_removed', 'network_trusted']),
});

export const JailbreakReport = z.object({
  ...base,
  type: z.literal('jailbreak'),
  /** Names of the failed checks, e.g. `suspicious_files`, `sandbox_write`, `url_schemes`. */
  failedChecks: z.array(z.string().max(64)).min(1).max(64),
  score: z.number().min(0),
});

export const TunnelReport = z.object({
  ...base,
  type: z.literal('tunnel_state'),
  state: TunnelState,
  previous: TunnelState.optional(),
});

export const AppEntry = z.object({
  bundleId: z.string().min(1).max(255),
  name: z.string().max(255).optional(),
  version: z.string().max(64),
  managed: z.boolean().optional(),
});
export type AppEntry = z.infer<typeof AppEntry>;

/** OS always; apps only where the inventory gate allows (DESIGN.md 2.6). */
export const InventoryReport = z.object({
  ...base,
  type: z.literal('inventory'),
  osVersion: z.string().max(32),
  osBuild: z.string().max(32).optional(),
  apps: z.array(AppEntry).max(5000).optional(),
  /** `managed` only, or every app on the device. */
  appScope: z.enum(['none', 'managed', 'full']),
});

/** Reports the outbox had to drop while full, counted by type (alerts are never dropped). */
export const DroppedReport = z.object({
  ...base,
  type: z.literal('reports_dropped'),
  counts: z.record(z.string().max(64), z.number().int().positive()),
});

export const SignOutReport = z.object({
  ...base,
  type: z.literal('signed_out'),
});

export const DeviceReport = z.discriminatedUnion('type', [
  WebThreatReport,
  OpenNetworkReport,
  NetworkThreatReport,
  RemediationReport,
  JailbreakReport,
  TunnelReport,
  InventoryReport,
  DroppedReport,
  SignOutReport,
]);
export type DeviceReport = z.infer<typeof DeviceReport>;
export type DeviceReportType = DeviceReport['type'];

export const MAX_REPORTS_PER_BATCH = 500;

export const ReportBatch = z.object({
  reports: z.array(z.unknown()).min(1).max(MAX_REPORTS_PER_BATCH),
});
export type ReportBatch = z.infer<typeof ReportBatch>;

/**
 * The answer to a batch. A batch is stored all or nothing: when any report is invalid the
 * server stores none and lists every bad one in `rejected`; the agent drops those and resends
 * the rest. `duplicates` were stored before (a retry) and count as delivered.
 */
export const ReportBatchResult = z.object({
  accepted: z.array(z.string()),
  duplicates: z.array(z.string()),
  rejected: z.array(z.object({ index: z.number().int(), id: z.string().optional(), reason: z.string() })),
});
export type ReportBatchResult = z.infer<typeof ReportBatchResult>;
