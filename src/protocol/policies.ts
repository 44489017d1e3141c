import { z } from 'zod';
import { Version } from './device.js';
import { Management } from './enums.js';

/** The value type an admin picks for a key in an MDM configuration designer. */
export const MdmValueType = z.enum(['String', 'Integer', 'Boolean', 'Real', 'Token']);
export type MdmValueType = z.infer<typeof MdmValueType>;

/** How an app-configuration policy reaches the app: MDM (enrolled devices) or MAM (managed apps). */
export const PolicyChannel = z.enum(['mdm', 'mam']);
export type PolicyChannel = z.infer<typeof PolicyChannel>;

/** Device threat levels, lowest first; app protection and compliance policies name a maximum. */
export const ThreatLevel = z.enum(['secured', 'low', 'medium', 'high']);
export type ThreatLevel = z.infer<typeof ThreatLevel>;

const Id = z.string().min(1).max(100);
const Name = z.string().trim().min(1).max(200);
const Description = z.string().max(2000).default('');

/** Who a policy reaches. A device excluded through any group never gets the policy (exclude wins). */
export const Assignment = z.object({
  /** Every device of the tenant (still subject to `exclude`). */
  allDevices: z.boolean().default(false),
  include: z.array(Id).max(500).default([]),
  exclude: z.array(Id).max(500).default([]),
});
export type Assignment = z.infer<typeof Assignment>;

/** A policy field: reaches no one until assigned. */
const AssignmentField = Assignment.default({ allDevices: false, include: [], exclude: [] });

const SettingValue = z.union([z.string().max(4096), z.number(), z.boolean()]);

/** One key of an MDM policy; `type` defaults to the catalog's type for the key. */
export const MdmSetting = z.object({ key: z.string().trim().min(1).max(200), type: MdmValueType.optional(), value: SettingValue });
export type MdmSetting = z.infer<typeof MdmSetting>;

/** One key of a MAM policy: every value is a string. */
export const MamSetting = z.object({ key: z.string().trim().min(1).max(200), value: z.string().max(4096) });
export type MamSetting = z.infer<typeof MamSetting>;

const AppConfigCommon = { name: Name, description: Description, assignment: AssignmentField };

/**
 * An app-configuration policy as an admin writes it. MDM policies take typed settings from a
 * configuration designer, or the XML plist form (`plistXml`) that MDM consoles also accept.
 */
export const AppConfigPolicyInput = z.discriminatedUnion('channel', [
  z.object({ channel: z.literal('mdm'), ...AppConfigCommon, settings: z.array(MdmSetting).max(200).default([]), plistXml: z.string().max(200_000).optional() }),
  z.object({ channel: z.literal('mam'), ...AppConfigCommon, settings: z.array(MamSetting).max(200).default([]) }),
]);
export type AppConfigPolicyInput = z.infer<typeof AppConfigPolicyInput>;

/** A setting once validated: canonical key name, a type, and the value as entered. */
export const StoredSetting = z.object({ key: z.string(), type: MdmValueType, value: z.string() });
export type StoredSetting = z.infer<typeof StoredSetting>;

export const PolicyIssue = z.object({
  severity: z.enum(['error', 'warning']),
  policy: z.string(),
  key: z.string().optional(),
  message: z.string(),
});
export type PolicyIssue = z.infer<typeof PolicyIssue>;

const Timestamps = { id: z.string(), createdAt: z.string(), updatedAt: z.string() };

export const AppConfigPolicyView = z.object({
  ...Timestamps,
  channel: PolicyChannel,
  name: z.string(),
  description: z.string(),
  settings: z.array(StoredSetting),
  /** The XML form as the admin gave it, when the policy was written that way. */
  plistXml: z.string().nullable(),
  assignment: Assignment,
  /** Accepted but worth a look, e.g. a key that has no effect through this channel. */
  warnings: z.array(PolicyIssue),
});
export type AppConfigPolicyView = z.infer<typeof AppConfigPolicyView>;

/** MAM app protection: what the app does when the device's threat level is above the maximum. */
export const AppProtectionPolicyInput = z.object({
  name: Name,
  description: Description,
  maxThreatLevel: ThreatLevel,
  action: z.enum(['block', 'wipe']),
  /** Bundle ids of the protected apps; empty means every managed app. */
  apps: z.array(z.string().trim().min(1).max(255)).max(500).default([]),
  /** What to do on a jailbroken device whatever its threat level; none leaves it to the level. */
  jailbrokenAction: z.enum(['block', 'wipe']).optional(),
  assignment: AssignmentField,
});
export type AppProtectionPolicyInput = z.infer<typeof AppProtectionPolicyInput>;
export const AppProtectionPolicyView = AppProtectionPolicyInput.extend(Timestamps);
export type AppProtectionPolicyView = z.infer<typeof AppProtectionPolicyView>;

/** Device compliance: at or under a threat level, optionally not jailbroken, on a minimum OS. */
export const CompliancePolicyInput = z.object({
  name: Name,
  description: Description,
  requiredThreatLevel: ThreatLevel,
  blockJailbroken: z.boolean().default(true),
  minimumOsVersion: Version.nullable().default(null),
  assignment: AssignmentField,
});
export type CompliancePolicyInput = z.infer<typeof CompliancePolicyInput>;
export const CompliancePolicyView = CompliancePolicyInput.extend(Timestamps);
export type CompliancePolicyView = z.infer<typeof CompliancePolicyView>;

/** Users (by UPN, case-insensitive) and devices (by id) that policies are assigned to together. */
export const GroupInput = z.object({
  name: Name,
  description: Description,
  users: z.array(z.string().trim().toLowerCase().min(3).max(320)).max(50_000).default([]),
  devices: z.array(Id).max(50_000).default([]),
});
export type GroupInput = z.infer<typeof GroupInput>;
export const GroupView = GroupInput.extend(Timestamps);
export type GroupView = z.infer<typeof GroupView>;

const ConfigValue = z.union([z.string(), z.number(), z.boolean()]);
export const PolicyRef = z.object({ id: z.string(), name: z.string(), channel: PolicyChannel });
export type PolicyRef = z.infer<typeof PolicyRef>;

/** Where a resolved value comes from. `via` names the groups (or "all devices") that brought the policy. */
export const ValueSource = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('default') }),
  z.object({ kind: z.literal('policy'), policies: z.array(PolicyRef.extend({ via: z.array(z.string()) })) }),
]);
export type ValueSource = z.infer<typeof ValueSource>;

export const ResolvedSetting = z.object({
  key: z.string(),
  value: ConfigValue,
  source: ValueSource,
});
export type ResolvedSetting = z.infer<typeof ResolvedSetting>;

export const ConfigConflict = z.object({
  /** `value`: policies disagree on a key; `network_protection_channels`: network protection through both MDM and MAM. */
  kind: z.enum(['value', 'network_protection_channels']),
  key: z.string().optional(),
  message: z.string(),
  policies: z.array(PolicyRef.extend({ value: ConfigValue.optional() })),
});
export type ConfigConflict = z.infer<typeof ConfigConflict>;

export const ResolutionWarning = z.object({ key: z.string(), policyId: z.string().optional(), message: z.string() });
export type ResolutionWarning = z.infer<typeof ResolutionWarning>;

/** A device's effective configuration with provenance: what `GET /devices/{id}/config` returns. */
export const DeviceConfigView = z.object({
  deviceId: z.string(),
  management: Management,
  version: z.string(),
  values: z.record(z.string(), ConfigValue),
  settings: z.array(ResolvedSetting),
  conflicts: z.array(ConfigConflict),
  warnings: z.array(ResolutionWarning),
  /** App-configuration policies that reach this device. */
  policies: z.array(PolicyRef),
});
export type DeviceConfigView = z.infer<typeof DeviceConfigView>;

/** What-if: a draft policy, optionally replacing a stored one, evaluated on every device it would reach. */
export const PolicyPreviewRequest = z.object({
  policy: AppConfigPolicyInput,
  /** Id of the stored policy the draft would replace; absent for a new policy. */
  replaces: Id.optional(),
});
export type PolicyPreviewRequest = z.infer<typeof PolicyPreviewRequest>;

export const KeyChange = z.object({ key: z.string(), before: ConfigValue.nullable(), after: ConfigValue.nullable() });
export type KeyChange = z.infer<typeof KeyChange>;

export const PolicyPreview = z.object({
  devicesEvaluated: z.number().int(),
  /** Devices the draft policy reaches. */
  devicesReached: z.number().int(),
  warnings: z.array(PolicyIssue),
  devices: z.array(
    z.object({
      deviceId: z.string(),
      deviceName: z.string().nullable(),
      userPrincipalName: z.string().nullable(),
      changes: z.array(KeyChange),
      /** Conflicts this device would have with the draft and not without it. */
      newConflicts: z.array(ConfigConflict),
    }),
  ),
});
export type PolicyPreview = z.infer<typeof PolicyPreview>;
