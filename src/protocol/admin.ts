import { z } from 'zod';
import { AdminRole, HealthState, Management, Platform } from './enums.js';
import { ProtectionStatus } from './device.js';
import { RiskExplanation, RiskLevel } from './risk.js';
import { DeviceTags } from './tags.js';

export const LoginRequest = z.object({
  email: z.string().trim().toLowerCase().min(3).max(320),
  password: z.string().min(1).max(1024),
});
export type LoginRequest = z.infer<typeof LoginRequest>;

export const WhoAmI = z.object({
  tenantId: z.string(),
  role: AdminRole,
  email: z.string().nullable(),
  via: z.enum(['session', 'api_token']),
});
export type WhoAmI = z.infer<typeof WhoAmI>;

export const ApiTokenCreate = z.object({
  name: z.string().trim().min(1).max(100),
  role: AdminRole,
});
export type ApiTokenCreate = z.infer<typeof ApiTokenCreate>;

export const ApiTokenView = z.object({
  id: z.string(),
  name: z.string(),
  role: AdminRole,
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type ApiTokenView = z.infer<typeof ApiTokenView>;

export const ApiTokenCreated = ApiTokenView.extend({
  /** Shown once. */
  token: z.string(),
});
export type ApiTokenCreated = z.infer<typeof ApiTokenCreated>;

export const DeviceView = z.object({
  id: z.string(),
  platform: Platform,
  osVersion: z.string(),
  osBuild: z.string().nullable(),
  model: z.string(),
  deviceName: z.string().nullable(),
  supervised: z.boolean(),
  management: Management,
  userPrincipalName: z.string().nullable(),
  sharedDevice: z.boolean(),
  agentVersion: z.string(),
  enrolledAt: z.string(),
  lastSeenAt: z.string().nullable(),
  health: HealthState,
  protection: ProtectionStatus.nullable(),
  configVersion: z.string().nullable(),
  riskLevel: RiskLevel,
  /** The configuration tag and the manual tags, together. */
  machineTags: z.array(z.string()),
});
export type DeviceView = z.infer<typeof DeviceView>;

/** One device with why it has its risk level and where its tags come from. */
export const DeviceDetail = DeviceView.extend({ risk: RiskExplanation, tags: DeviceTags });
export type DeviceDetail = z.infer<typeof DeviceDetail>;

export const DeviceListQuery = z.object({
  platform: Platform.optional(),
  management: Management.optional(),
  /** Devices carrying this tag (configuration or manual). */
  tag: z.string().trim().min(1).max(200).optional(),
  riskLevel: RiskLevel.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  /** Opaque; from `nextCursor` of the previous page. */
  cursor: z.string().max(200).optional(),
});
export type DeviceListQuery = z.infer<typeof DeviceListQuery>;

export const DeviceList = z.object({
  items: z.array(DeviceView),
  total: z.number().int(),
  nextCursor: z.string().nullable(),
});
export type DeviceList = z.infer<typeof DeviceList>;

export const IdParams = z.object({ id: z.string().min(1).max(100) });

const settingsFields = {
  /** US-government (GCC) tenant: changes some defaults and keeps open-network alerts. */
  governmentCloud: z.boolean(),
  /** "App sync for iOS": app inventory of enrolled devices is taken in for assessment. */
  appSyncForIos: z.boolean(),
  /** "Send full app inventory data on personally owned iOS devices". */
  fullAppInventoryOnPersonalDevices: z.boolean(),
  /** "App protection policy settings for iOS": the MDM connection that lets app protection use device risk. */
  appProtectionPolicySettingsForIos: z.boolean(),
  /**
   * Agents at or above this version report open networks as timeline events; older agents (and
   * GCC tenants) keep the earlier behaviour, alerts.
   */
  openNetworkEventsFromAgentVersion: z.string().regex(/^\d{1,4}(\.\d{1,4}){0,3}$/, 'a dotted version such as 1.2.0'),
};

/** A change to some settings; the others keep their value. */
export const TenantSettingsUpdate = z.object(settingsFields).partial().strict();
export type TenantSettingsUpdate = z.infer<typeof TenantSettingsUpdate>;

export const TENANT_SETTINGS_DEFAULTS: Readonly<z.infer<z.ZodObject<typeof settingsFields>>> = {
  governmentCloud: false,
  appSyncForIos: false,
  fullAppInventoryOnPersonalDevices: false,
  appProtectionPolicySettingsForIos: true,
  openNetworkEventsFromAgentVersion: '0.1.0',
};

/** Tenant-wide settings; a field not stored yet takes its default. */
export const TenantSettings = z.object(settingsFields).partial().transform((s) => {
  const given = Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined));
  return { ...TENANT_SETTINGS_DEFAULTS, ...given };
});
export type TenantSettings = z.output<typeof TenantSettings>;

export const EnrollmentTokenCreate = z.object({ name: z.string().trim().min(1).max(100) });
export type EnrollmentTokenCreate = z.infer<typeof EnrollmentTokenCreate>;

export const EnrollmentTokenView = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
});
export type EnrollmentTokenView = z.infer<typeof EnrollmentTokenView>;

export const EnrollmentTokenCreated = EnrollmentTokenView.extend({
  /** Shown once; devices present it at enrollment. */
  token: z.string(),
});
export type EnrollmentTokenCreated = z.infer<typeof EnrollmentTokenCreated>;
