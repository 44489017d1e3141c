import { applicableAccessPolicies } from '../../policy/index.js';
import type { AppProtectionRules } from '../secops/access.js';
import type { CompliancePolicyRules } from '../secops/compliance.js';
import type { AppProtectionPolicyView, CompliancePolicyView } from '../../protocol/index.js';
import type { Group } from '../storage/groups.js';
import type { PolicyKind } from '../storage/policies.js';
import type { Storage } from '../storage/storage.js';
import { APP_PROTECTION, COMPLIANCE, listPoliciesOf } from './policies.js';

/** What a policy source needs to know of a device to say which policies reach it. */
export interface PolicyTarget {
  id: string;
  userPrincipalName: string | null;
  management: 'mdm' | 'mam' | 'none';
}

export interface ApplicablePolicies {
  appProtection: readonly AppProtectionRules[];
  compliance: readonly CompliancePolicyRules[];
}

/** Where compliance and app protection policies come from, assignment already resolved. */
export interface PolicySource {
  forDevice(tenantId: string, device: PolicyTarget): Promise<ApplicablePolicies>;
}

/** For tests of the decisions alone: nothing is assigned. */
export const noPolicies: PolicySource = { forDevice: () => Promise.resolve({ appProtection: [], compliance: [] }) };

interface TenantPolicies {
  groups: Group[];
  appProtection: AppProtectionPolicyView[];
  compliance: CompliancePolicyView[];
  /** Group ids by device id and by (lower-case) user: membership without a scan per question. */
  groupsByDevice: Map<string, string[]>;
  groupsByUser: Map<string, string[]>;
  /**
   * Answers by management and group membership. Most devices share a handful of them, so an
   * access check allocates nothing: copying the reached policies per call was most of what its
   * young heap promoted, and the scavenges that followed were the benchmark's p99.
   */
  answers: Map<string, ApplicablePolicies>;
}

/** Distinct memberships remembered per tenant; past this, answers are computed and not kept. */
const MAX_ANSWERS = 4096;

function index(groups: Group[], by: (g: Group) => readonly string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const g of groups) {
    for (const member of by(g)) {
      const ids = out.get(member);
      if (ids) ids.push(g.id);
      else out.set(member, [g.id]);
    }
  }
  return out;
}

/**
 * The tenant's groups and access policies, loaded once and kept in memory until an admin changes
 * a policy or a group (`invalidate`), so access decisions run no query. Another API node learns
 * of a change when its own copy is invalidated; see docs/secops.md.
 */
export class StoredPolicySource implements PolicySource {
  private readonly tenants = new Map<string, Promise<TenantPolicies>>();

  constructor(private readonly store: Pick<Storage, 'listGroups' | 'listPolicies'>) {}

  invalidate(tenantId: string): void {
    this.tenants.delete(tenantId);
  }

  async forDevice(tenantId: string, device: PolicyTarget): Promise<ApplicablePolicies> {
    let loading = this.tenants.get(tenantId);
    if (!loading) {
      loading = this.load(tenantId);
      this.tenants.set(tenantId, loading);
      loading.catch(() => this.tenants.delete(tenantId));
    }
    const tenant = await loading;
    const key = membershipKey(tenant, device);
    let answer = tenant.answers.get(key);
    if (!answer) {
      const reached = applicableAccessPolicies(device, tenant.groups, tenant);
      // Shared between callers: frozen, so none can change another's answer.
      answer = Object.freeze({ appProtection: Object.freeze(reached.appProtection), compliance: Object.freeze(reached.compliance) });
      if (tenant.answers.size < MAX_ANSWERS) tenant.answers.set(key, answer);
    }
    return answer;
  }

  private async load(tenantId: string): Promise<TenantPolicies> {
    const [groups, appProtection, compliance] = await Promise.all([
      this.store.listGroups(tenantId),
      listPoliciesOf(this.store, tenantId, APP_PROTECTION),
      listPoliciesOf(this.store, tenantId, COMPLIANCE),
    ]);
    return {
      groups,
      appProtection,
      compliance,
      groupsByDevice: index(groups, (g) => g.devices),
      groupsByUser: index(groups, (g) => g.users),
      answers: new Map(),
    };
  }
}

/** What decides which policies reach a device: its management and the groups it is in. */
function membershipKey(tenant: TenantPolicies, device: PolicyTarget): string {
  const byDevice = tenant.groupsByDevice.get(device.id);
  const byUser = device.userPrincipalName ? tenant.groupsByUser.get(device.userPrincipalName.toLowerCase()) : undefined;
  if (!byDevice && !byUser) return device.management;
  const ids = [...new Set([...(byDevice ?? []), ...(byUser ?? [])])].sort();
  return `${device.management}|${ids.join(',')}`;
}

/** What a write changed: one kind of policy, or the groups. */
export type PolicyChange = PolicyKind | 'group';
