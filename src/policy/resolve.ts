import type {
  Assignment,
  ConfigConflict,
  ConfigValue,
  Management,
  PolicyChannel,
  PolicyRef,
  ResolutionWarning,
  ResolvedSetting,
  StoredSetting,
} from '../protocol/index.js';
import { channelReaches, groupsOf, policiesReaching, type GroupMembers, type Reached } from './assignment.js';
import { KEY_CATALOG, keySpec, type KeySpec } from './catalog.js';
import { substitute, type TokenFacts } from './tokens.js';
import { parseKeyValue } from './values.js';

/** The device facts resolution depends on. */
export interface ResolutionDevice extends TokenFacts {
  management: Management;
}

/** An app-configuration policy as resolution sees it (stored, hence already validated). */
export interface ResolvablePolicy {
  id: string;
  name: string;
  channel: PolicyChannel;
  settings: readonly StoredSetting[];
  assignment: Assignment;
}

export interface ResolutionInput {
  device: ResolutionDevice;
  tenant: { governmentCloud: boolean };
  /** Every group of the tenant; membership is worked out here. */
  groups: readonly GroupMembers[];
  /** Every app-configuration policy of the tenant; assignment and channel pick the ones that apply. */
  policies: readonly ResolvablePolicy[];
}

export interface Resolution {
  values: Record<string, ConfigValue>;
  settings: ResolvedSetting[];
  conflicts: ConfigConflict[];
  warnings: ResolutionWarning[];
  policies: PolicyRef[];
}

interface Candidate {
  policy: Reached<ResolvablePolicy>;
  value: ConfigValue;
}

const ref = (p: ResolvablePolicy): PolicyRef => ({ id: p.id, name: p.name, channel: p.channel });
const same = (a: ConfigValue, b: ConfigValue) => a === b;

/** The value one policy gives a key on this device, or why it gives none. */
function candidateValue(spec: KeySpec, setting: StoredSetting, device: ResolutionDevice): { value: ConfigValue } | { problem: string } {
  const parsed = parseKeyValue(spec, setting.value);
  if (!parsed.ok) return { problem: parsed.problem };
  if (!parsed.template) return { value: parsed.value };
  const filled = substitute(parsed.template, device);
  if (!filled.ok) return { problem: `left out: Bulwark does not know ${filled.missing.map((t) => `{{${t}}}`).join(', ')} for this device` };
  const reparsed = parseKeyValue(spec, filled.value);
  return reparsed.ok ? { value: reparsed.value } : { problem: reparsed.problem };
}

/**
 * The effective configuration of one device, with the provenance of every value and every
 * conflict. Pure: the same input always gives the same answer, whatever the order of policies.
 *
 * Conflict policy (docs/policy.md): a key that reaching policies set to different values is a
 * `value` conflict and keeps its default (absent when it has none); network-protection keys
 * arriving through both MDM and MAM are a `network_protection_channels` conflict, and their
 * values follow the same rule. Keys a channel cannot deliver, and tokens whose facts are unknown,
 * are left out with a warning.
 */
export function resolveConfig(input: ResolutionInput): Resolution {
  const { device } = input;
  const memberOf = groupsOf({ id: device.deviceId, userPrincipalName: device.userPrincipalName }, input.groups);
  const reaching = policiesReaching(
    memberOf,
    input.policies.filter((p) => channelReaches(p.channel, device.management)),
  ).sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));

  const warnings: ResolutionWarning[] = [];
  const candidates = new Map<string, Candidate[]>();
  for (const policy of reaching) {
    for (const setting of policy.settings) {
      const spec = keySpec(setting.key);
      if (!spec) {
        warnings.push({ key: setting.key, policyId: policy.id, message: `policy "${policy.name}": no longer a known key; ignored` });
        continue;
      }
      if (!spec.channels.includes(policy.channel)) {
        warnings.push({ key: spec.key, policyId: policy.id, message: `policy "${policy.name}": has no effect through ${policy.channel.toUpperCase()}` });
        continue;
      }
      const candidate = candidateValue(spec, setting, device);
      if ('problem' in candidate) {
        warnings.push({ key: spec.key, policyId: policy.id, message: `policy "${policy.name}": ${candidate.problem}` });
        continue;
      }
      const list = candidates.get(spec.key) ?? [];
      list.push({ policy, value: candidate.value });
      candidates.set(spec.key, list);
    }
  }

  const conflicts: ConfigConflict[] = [];
  const npPolicies = new Map<string, Reached<ResolvablePolicy>>();
  for (const spec of KEY_CATALOG) {
    if (spec.networkProtection) for (const c of candidates.get(spec.key) ?? []) npPolicies.set(c.policy.id, c.policy);
  }
  const npChannels = new Set([...npPolicies.values()].map((p) => p.channel));
  if (npChannels.size > 1) {
    conflicts.push({
      kind: 'network_protection_channels',
      message: 'network protection is configured through both MDM and MAM; keep one policy, in one channel',
      policies: [...npPolicies.values()].map(ref),
    });
  }

  const defaults = { supervised: device.supervised, governmentTenant: input.tenant.governmentCloud };
  const values: Record<string, ConfigValue> = {};
  const settings: ResolvedSetting[] = [];
  for (const spec of KEY_CATALOG) {
    const list = candidates.get(spec.key) ?? [];
    const agreed = list.length > 0 && list.every((c) => same(c.value, list[0]!.value));
    if (list.length > 0 && !agreed) {
      conflicts.push({
        kind: 'value',
        key: spec.key,
        message: `policies give ${spec.key} different values; it keeps its default until they agree`,
        policies: list.map((c) => ({ ...ref(c.policy), value: c.value })),
      });
    }
    if (agreed) {
      values[spec.key] = list[0]!.value;
      settings.push({ key: spec.key, value: list[0]!.value, source: { kind: 'policy', policies: list.map((c) => ({ ...ref(c.policy), via: c.policy.via })) } });
      continue;
    }
    const fallback = spec.defaultValue(defaults);
    if (fallback === undefined) continue;
    values[spec.key] = fallback;
    settings.push({ key: spec.key, value: fallback, source: { kind: 'default' } });
  }
  return { values, settings, conflicts, warnings, policies: reaching.map(ref) };
}
