import type { AppProtectionRules } from '../secops/access.js';
import type { CompliancePolicyRules } from '../secops/compliance.js';

/** What a policy source needs to know of a device to say which policies reach it. */
export interface PolicyTarget {
  id: string;
  userPrincipalName: string | null;
  management: 'mdm' | 'mam' | 'none';
}

/**
 * Where compliance and app protection policies come from, assignment already resolved. It is
 * synchronous on purpose: sources serve from memory, and tell `onChange` listeners when an
 * admin changes a policy or a group so they can refresh.
 */
export interface PolicySource {
  forDevice(tenantId: string, device: PolicyTarget): { appProtection: AppProtectionRules[]; compliance: CompliancePolicyRules[] };
  onChange(listener: (tenantId: string) => void): void;
}

/** The source until policies are stored (branch `policy`): nothing is assigned. */
export const noPolicies: PolicySource = {
  forDevice: () => ({ appProtection: [], compliance: [] }),
  onChange: () => undefined,
};
