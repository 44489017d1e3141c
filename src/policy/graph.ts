import { z } from 'zod';
import { MdmValueType, type AppConfigPolicyInput, type PolicyChannel, type StoredSetting } from '../protocol/index.js';

// Microsoft Graph shapes of app-configuration policies, so a policy moves between Bulwark and an
// Intune tenant: iosMobileAppConfiguration (managed devices, MDM) and
// targetedManagedAppConfiguration (managed apps, MAM).

export const GRAPH_MDM_TYPE = '#microsoft.graph.iosMobileAppConfiguration';
export const GRAPH_MAM_TYPE = '#microsoft.graph.targetedManagedAppConfiguration';

/** mdmAppConfigKeyType values, by MDM value type. */
export const GRAPH_KEY_TYPES = { String: 'stringType', Integer: 'integerType', Real: 'realType', Boolean: 'booleanType', Token: 'tokenType' } as const satisfies Record<
  MdmValueType,
  string
>;
type GraphKeyType = (typeof GRAPH_KEY_TYPES)[MdmValueType];
const FROM_GRAPH_TYPE = Object.fromEntries(MdmValueType.options.map((t) => [GRAPH_KEY_TYPES[t], t])) as Record<GraphKeyType, MdmValueType>;

export interface GraphIosMobileAppConfiguration {
  '@odata.type': typeof GRAPH_MDM_TYPE;
  displayName: string;
  description: string;
  targetedMobileApps: string[];
  settings: Array<{ '@odata.type': '#microsoft.graph.appConfigurationSettingItem'; appConfigKey: string; appConfigKeyType: GraphKeyType; appConfigKeyValue: string }>;
}

export interface GraphTargetedManagedAppConfiguration {
  '@odata.type': typeof GRAPH_MAM_TYPE;
  displayName: string;
  description: string;
  customSettings: Array<{ name: string; value: string }>;
}

/** The Graph JSON an admin pastes into Graph Explorer or a script to create this policy in Intune. */
export function toGraph(policy: { channel: PolicyChannel; name: string; description: string; settings: readonly StoredSetting[] }): GraphIosMobileAppConfiguration | GraphTargetedManagedAppConfiguration {
  if (policy.channel === 'mam') {
    return { '@odata.type': GRAPH_MAM_TYPE, displayName: policy.name, description: policy.description, customSettings: policy.settings.map((s) => ({ name: s.key, value: s.value })) };
  }
  return {
    '@odata.type': GRAPH_MDM_TYPE,
    displayName: policy.name,
    description: policy.description,
    targetedMobileApps: [],
    settings: policy.settings.map((s) => ({
      '@odata.type': '#microsoft.graph.appConfigurationSettingItem',
      appConfigKey: s.key,
      appConfigKeyType: GRAPH_KEY_TYPES[s.type],
      appConfigKeyValue: s.value,
    })),
  };
}

const GraphKeyTypeSchema = z.enum(Object.values(GRAPH_KEY_TYPES) as [GraphKeyType, ...GraphKeyType[]]);
const GraphMdm = z.object({
  displayName: z.string().min(1),
  description: z.string().nullish(),
  settings: z.array(z.object({ appConfigKey: z.string(), appConfigKeyType: GraphKeyTypeSchema, appConfigKeyValue: z.string() })).nullish(),
  encodedSettingXml: z.string().nullish(),
});
const GraphMam = z.object({
  displayName: z.string().min(1),
  description: z.string().nullish(),
  customSettings: z.array(z.object({ name: z.string(), value: z.string() })),
});

export type GraphImport = { ok: true; policy: AppConfigPolicyInput } | { ok: false; problem: string };

function problemOf(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}

/** Whether this JSON looks like one of the Graph forms rather than a Bulwark policy. */
export function isGraphJson(json: unknown): boolean {
  if (typeof json !== 'object' || json === null) return false;
  const o = json as Record<string, unknown>;
  return typeof o['@odata.type'] === 'string' || 'customSettings' in o || 'displayName' in o;
}

/** Reads either Graph form into a Bulwark policy draft (not yet validated: lint or save it next). */
export function fromGraph(json: unknown): GraphImport {
  const o = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
  const type = typeof o['@odata.type'] === 'string' ? o['@odata.type'].replace(/^#/, '') : '';
  const mam = type === GRAPH_MAM_TYPE.slice(1) || type === 'microsoft.graph.managedAppConfiguration' || (!type && 'customSettings' in o);
  if (mam) {
    const parsed = GraphMam.safeParse(json);
    if (!parsed.success) return { ok: false, problem: `not a ${GRAPH_MAM_TYPE.slice(1)}: ${problemOf(parsed.error)}` };
    const p = parsed.data;
    return {
      ok: true,
      policy: { channel: 'mam', name: p.displayName, description: p.description ?? '', settings: p.customSettings.map((s) => ({ key: s.name, value: s.value })), assignment: { allDevices: false, include: [], exclude: [] } },
    };
  }
  if (type && type !== GRAPH_MDM_TYPE.slice(1)) return { ok: false, problem: `@odata.type ${type} is neither ${GRAPH_MDM_TYPE.slice(1)} nor ${GRAPH_MAM_TYPE.slice(1)}` };
  const parsed = GraphMdm.safeParse(json);
  if (!parsed.success) return { ok: false, problem: `not a ${GRAPH_MDM_TYPE.slice(1)}: ${problemOf(parsed.error)}` };
  const p = parsed.data;
  if (p.encodedSettingXml && (p.settings ?? []).length === 0) {
    return { ok: false, problem: 'encodedSettingXml (the XML form) is not imported; decode it and give the XML as plistXml of a Bulwark policy' };
  }
  return {
    ok: true,
    policy: {
      channel: 'mdm',
      name: p.displayName,
      description: p.description ?? '',
      settings: (p.settings ?? []).map((s) => ({ key: s.appConfigKey, type: FROM_GRAPH_TYPE[s.appConfigKeyType], value: s.appConfigKeyValue })),
      assignment: { allDevices: false, include: [], exclude: [] },
    },
  };
}
