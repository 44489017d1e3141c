import { z } from 'zod';
import { Management, Platform, TunnelState } from './enums.js';

export const Version = z.string().regex(/^\d{1,4}(\.\d{1,4}){0,3}$/, 'a dotted version such as 17.4.1');
const Account = z.string().trim().min(3).max(320);

/** What the device says about itself at enrollment. */
export const DeviceFacts = z.object({
  platform: Platform,
  osVersion: Version,
  osBuild: z.string().max(32).optional(),
  model: z.string().trim().min(1).max(100),
  deviceName: z.string().max(200).optional(),
  serialNumber: z.string().max(64).optional(),
  supervised: z.boolean(),
  management: Management,
  /** The signed-in account; null on a user-less device (which is refused). */
  userPrincipalName: Account.nullable(),
  /** MAM only: the account the device is registered with in the authenticator app. */
  authenticatorAccount: Account.nullable().optional(),
  sharedDevice: z.boolean(),
  agentVersion: Version,
});
export type DeviceFacts = z.infer<typeof DeviceFacts>;

export const EnrollRequest = z.object({
  enrollmentToken: z.string().min(1).max(256),
  device: DeviceFacts,
});
export type EnrollRequest = z.infer<typeof EnrollRequest>;

export const EnrollResponse = z.object({
  deviceId: z.string(),
  /** Shown once; the server keeps only a hash. Sent as `Authorization: Bearer <deviceSecret>`. */
  deviceSecret: z.string(),
  tenantId: z.string(),
  enrolledAt: z.string(),
});
export type EnrollResponse = z.infer<typeof EnrollResponse>;

export const ProtectionStatus = z.object({
  webProtection: TunnelState,
  /** Since when the tunnel is in that state (ISO 8601). */
  webProtectionSince: z.string().optional(),
  networkProtection: z.boolean(),
});
export type ProtectionStatus = z.infer<typeof ProtectionStatus>;

/** A configuration value as delivered to the device. */
export const ConfigValue = z.union([z.string(), z.number(), z.boolean()]);
export type ConfigValue = z.infer<typeof ConfigValue>;

export const EffectiveConfig = z.object({
  /** Changes whenever any value changes (ETag-like); the agent reports the version it runs. */
  version: z.string(),
  values: z.record(z.string(), ConfigValue),
});
export type EffectiveConfig = z.infer<typeof EffectiveConfig>;

export const HeartbeatReason = z.enum(['app_open', 'background']);
export type HeartbeatReason = z.infer<typeof HeartbeatReason>;

export const HeartbeatRequest = z.object({
  reason: HeartbeatReason,
  osVersion: Version,
  osBuild: z.string().max(32).optional(),
  agentVersion: Version,
  protection: ProtectionStatus,
  /** The configuration version the agent currently applies; null before the first one. */
  configVersion: z.string().max(128).nullable(),
});
export type HeartbeatRequest = z.infer<typeof HeartbeatRequest>;

/** Tenant and MDM facts the app-inventory gate needs (DESIGN.md 2.6). */
export const InventorySettings = z.object({
  /** Tenant setting "app sync for iOS". */
  appSync: z.boolean(),
  /** Tenant setting "send full app inventory on personally owned devices". */
  fullInventoryOnPersonal: z.boolean(),
  /** Device ownership as the MDM records it. */
  ownership: z.enum(['corporate', 'personal']),
});
export type InventorySettings = z.infer<typeof InventorySettings>;

/** The newest threat database for this device's tenant; the agent fetches it when it differs. */
export const ThreatDbAnnouncement = z.object({
  sequence: z.number().int().nonnegative(),
  /** CRC-32 of the database file, hex: what the agent must end up with. */
  checksum: z.string().regex(/^[0-9a-f]{8}$/),
  size: z.number().int().nonnegative(),
});
export type ThreatDbAnnouncement = z.infer<typeof ThreatDbAnnouncement>;

/** `GET /api/v1/device/threatdb?have=N`: a delta from N when the server still has it, else the whole file. */
export const ThreatDbDownload = z.object({
  sequence: z.number().int().nonnegative(),
  kind: z.enum(['full', 'delta']),
  /** The sequence a delta applies to; null for a full file. */
  base: z.number().int().nonnegative().nullable(),
  /** The file or delta, base64. */
  data: z.string(),
});
export type ThreatDbDownload = z.infer<typeof ThreatDbDownload>;

export const ThreatDbQuery = z.object({ have: z.coerce.number().int().nonnegative().optional() });

export const HeartbeatResponse = z.object({
  serverTime: z.string(),
  config: EffectiveConfig,
  /** How often to send background status while the tunnel is connected. */
  statusIntervalSeconds: z.number().int().positive(),
  /** Optional: absent means app sync is off, so only the OS version is reported. */
  inventory: InventorySettings.optional(),
  /** Optional: the newest OS release for this device, for the device health card. */
  latestOsVersion: Version.optional(),
  /** Optional: the threat database to run (web protection); absent when the server has none. */
  threatDb: ThreatDbAnnouncement.optional(),
  /** The device's groups by name, for indicators scoped to groups. */
  groups: z.array(z.string()).optional(),
});
export type HeartbeatResponse = z.infer<typeof HeartbeatResponse>;
