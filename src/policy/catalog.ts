import type { ConfigValue, MdmValueType, PolicyChannel } from '../protocol/index.js';

/** What the agent works with once a value is parsed. */
export type ValueKind = 'boolean' | 'integer' | 'string';
export type Channel = PolicyChannel;

/** The facts a default may depend on. */
export interface KeyContext {
  supervised: boolean;
  /** US-government (GCC) tenant. */
  governmentTenant: boolean;
}

export interface KeySpec {
  key: string;
  mdmType: MdmValueType;
  kind: ValueKind;
  /** Undefined: the key is absent unless a policy sets it. */
  defaultValue: (ctx: KeyContext) => ConfigValue | undefined;
  /** For integer keys with a closed set of values, each with what it means. */
  allowed?: ReadonlyArray<{ value: number; label: string }>;
  channels: readonly Channel[];
  /** Part of network protection: only one channel (MDM or MAM) may set these for a device. */
  networkProtection?: boolean;
  /** Short title for forms (portal, AppConfig specfile). */
  label: string;
  description: string;
}

const both: readonly Channel[] = ['mdm', 'mam'];
const mdmOnly: readonly Channel[] = ['mdm'];
const always = (value: ConfigValue) => () => value;

/** Every app-configuration key Bulwark understands (DESIGN.md 2.1). */
export const KEY_CATALOG: readonly KeySpec[] = [
  {
    key: 'WebProtection',
    label: 'Web protection',
    mdmType: 'String',
    kind: 'boolean',
    defaultValue: always(true),
    channels: both,
    description: 'false turns web protection off: no VPN is requested and the user cannot turn it on',
  },
  {
    key: 'DefenderNetworkProtectionEnable',
    label: 'Network protection',
    networkProtection: true,
    mdmType: 'String',
    kind: 'boolean',
    defaultValue: always(true),
    channels: both,
    description: 'network protection on or off; starts once the user has opened the app',
  },
  {
    key: 'DefenderOpenNetworkDetection',
    label: 'Open network detection',
    networkProtection: true,
    mdmType: 'Integer',
    kind: 'integer',
    defaultValue: always(2),
    allowed: [
      { value: 0, label: 'Disabled' },
      { value: 1, label: 'Audit (portal only)' },
      { value: 2, label: 'Enabled' },
    ],
    channels: both,
    description: 'open Wi-Fi detection: 0 off, 1 audit (portal only, user sees nothing), 2 on (user is told)',
  },
  {
    key: 'DefenderEndUserTrustFlowEnable',
    label: 'User may trust networks',
    networkProtection: true,
    mdmType: 'String',
    kind: 'boolean',
    defaultValue: always(false),
    channels: both,
    description: 'the user may trust or untrust unsecure and suspicious networks in the app',
  },
  {
    key: 'DefenderNetworkProtectionAutoRemediation',
    label: 'Network alert auto-remediation',
    networkProtection: true,
    mdmType: 'String',
    kind: 'boolean',
    defaultValue: always(true),
    channels: both,
    description: 'report remediation when the user fixes a network alert (alerts only, not timeline events)',
  },
  {
    key: 'DefenderNetworkProtectionPrivacy',
    label: 'Network protection privacy',
    networkProtection: true,
    mdmType: 'String',
    kind: 'boolean',
    defaultValue: always(true),
    channels: both,
    description: 'true: no network details leave the device and no consent is asked; false: ask consent to share them',
  },
  {
    key: 'DefenderExcludeURLInReport',
    label: 'Exclude URL from phishing reports',
    mdmType: 'Boolean',
    kind: 'boolean',
    defaultValue: always(false),
    channels: both,
    description: 'true: phishing alerts carry no domain; unsupervised users get an "Unsafe Site Info" toggle',
  },
  {
    key: 'DefenderOptionalVPN',
    label: 'Optional VPN at onboarding',
    mdmType: 'Boolean',
    kind: 'boolean',
    defaultValue: always(false),
    channels: mdmOnly,
    description: 'true: the user may skip the VPN permission at onboarding and enable web protection later',
  },
  {
    key: 'DefenderTVMPrivacyMode',
    label: 'App inventory privacy mode',
    mdmType: 'String',
    kind: 'boolean',
    // Privacy by default where the organisation does not own the device outright.
    defaultValue: (ctx) => !ctx.supervised,
    channels: mdmOnly,
    description: 'false: the app inventory is sent (after user approval on unsupervised devices)',
  },
  {
    key: 'DisableSignOut',
    label: 'Disable sign-out',
    mdmType: 'String',
    kind: 'boolean',
    defaultValue: always(false),
    channels: both,
    description: 'true hides sign-out in the app',
  },
  {
    key: 'DefenderDeviceTag',
    label: 'Device tag',
    mdmType: 'String',
    kind: 'string',
    defaultValue: () => undefined,
    channels: both,
    description: 'the device tag set from configuration; removing the key removes the tag',
  },
  {
    key: 'SuppressOSUpdateNotification',
    label: 'Suppress OS update notifications',
    mdmType: 'String',
    kind: 'boolean',
    defaultValue: always(false),
    channels: both,
    description: 'true: no OS-update notifications (the device health card still shows the OS state)',
  },
  {
    key: 'DefenderFeedbackData',
    label: 'In-app feedback',
    mdmType: 'Boolean',
    kind: 'boolean',
    defaultValue: (ctx) => !ctx.governmentTenant,
    channels: mdmOnly,
    description: 'in-app feedback allowed (off by default for US-government tenants)',
  },
  {
    key: 'issupervised',
    label: 'Device is supervised',
    mdmType: 'Token',
    kind: 'boolean',
    defaultValue: () => undefined,
    channels: mdmOnly,
    description: 'set to the token {{issupervised}} so the app knows the device is supervised',
  },
];

const byName = new Map(KEY_CATALOG.map((spec) => [spec.key.toLowerCase(), spec]));

/** Looks a key up case-insensitively, as MDM consoles treat key names loosely. */
export function keySpec(key: string): KeySpec | undefined {
  return byName.get(key.toLowerCase());
}

/** Every key's default for a device in this context; keys without a default are absent. */
export function defaultValues(ctx: KeyContext): Record<string, ConfigValue> {
  const values: Record<string, ConfigValue> = {};
  for (const spec of KEY_CATALOG) {
    const value = spec.defaultValue(ctx);
    if (value !== undefined) values[spec.key] = value;
  }
  return values;
}
