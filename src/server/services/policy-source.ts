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
  appProtection: AppProtectionRules[];
  compliance: CompliancePolicyRules[];
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
    const { groups, ...policies } = await loading;
    const reached = applicableAccessPolicies(device, groups, policies);
    return { appProtection: reached.appProtection, compliance: reached.compliance };
  }

  private async load(tenantId: string): Promise<TenantPolicies> {
    const [groups, appProtection, compliance] = await Promise.all([
      this.store.listGroups(tenantId),
      listPoliciesOf(this.store, tenantId, APP_PROTECTION),
      listPoliciesOf(this.store, tenantId, COMPLIANCE),
    ]);
    return { groups, appProtection, compliance };
  }
}

/** What a write changed: one kind of policy, or the groups. */
export type PolicyChange = PolicyKind | 'group';
