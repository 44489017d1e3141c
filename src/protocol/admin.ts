import { z } from 'zod';
import { AdminRole, HealthState, Management, Platform } from './enums.js';
import { ProtectionStatus } from './device.js';

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
});
export type DeviceView = z.infer<typeof DeviceView>;

export const DeviceListQuery = z.object({
  platform: Platform.optional(),
  management: Management.optional(),
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

/** Tenant-wide settings; later issues add fields here, each with a default. */
export const TenantSettings = z.object({
  /** US-government (GCC) tenant: changes some defaults and keeps open-network alerts. */
  governmentCloud: z.boolean().default(false),
});
export type TenantSettings = z.infer<typeof TenantSettings>;

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
