import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { applicableAccessPolicies, formatIssue, validateAppConfigPolicy, type Reached, type ResolvablePolicy } from '../../policy/index.js';
import {
  AppConfigPolicyView,
  AppProtectionPolicyView,
  CompliancePolicyView,
  type AppConfigPolicyInput,
  type AppProtectionPolicyInput,
  type Assignment,
  type CompliancePolicyInput,
  type Management,
} from '../../protocol/index.js';
import { authorize, type Principal } from '../auth/authz.js';
import { ApiError } from '../errors.js';
import type { PolicyKind, StoredPolicy } from '../storage/policies.js';
import type { Storage } from '../storage/storage.js';
import type { Clock } from './auth.js';
import { assertGroupsExist } from './groups.js';

/** How one kind of policy is checked and shown; the CRUD around it is the same for every kind. */
export interface PolicyKindSpec<I extends { name: string; assignment: Assignment }, V> {
  kind: PolicyKind;
  /** For messages: "app-configuration policy". */
  label: string;
  /** The fields stored in `body`; throws ApiError naming every problem. */
  prepare(input: I): object;
  view: z.ZodType<V>;
}

function toView<V>(spec: { view: z.ZodType<V> }, p: StoredPolicy): V {
  return spec.view.parse({ ...(p.body as object), id: p.id, name: p.name, assignment: p.assignment, createdAt: p.createdAt, updatedAt: p.updatedAt });
}

/** Validates an app-configuration policy; nothing invalid gets past this. */
export function prepareAppConfig(input: AppConfigPolicyInput) {
  const result = validateAppConfigPolicy(input);
  if (result.errors.length > 0) {
    throw new ApiError(
      'validation_failed',
      result.errors.map(formatIssue).join('; '),
      result.errors.map((e) => ({ path: e.key ? `settings.${e.key}` : 'settings', message: e.message })),
    );
  }
  return { channel: input.channel, description: input.description, settings: result.settings, plistXml: input.channel === 'mdm' ? (input.plistXml ?? null) : null, warnings: result.warnings };
}

export const APP_CONFIG: PolicyKindSpec<AppConfigPolicyInput, AppConfigPolicyView> = {
  kind: 'app_config',
  label: 'app-configuration policy',
  prepare: prepareAppConfig,
  view: AppConfigPolicyView,
};

export const APP_PROTECTION: PolicyKindSpec<AppProtectionPolicyInput, AppProtectionPolicyView> = {
  kind: 'app_protection',
  label: 'app protection policy',
  prepare: ({ description, maxThreatLevel, action }) => ({ description, maxThreatLevel, action }),
  view: AppProtectionPolicyView,
};

export const COMPLIANCE: PolicyKindSpec<CompliancePolicyInput, CompliancePolicyView> = {
  kind: 'compliance',
  label: 'compliance policy',
  prepare: ({ description, requiredThreatLevel, blockJailbroken, minimumOsVersion }) => ({ description, requiredThreatLevel, blockJailbroken, minimumOsVersion }),
  view: CompliancePolicyView,
};

/** A stored app-configuration policy as resolution takes it. */
export function toResolvable(p: StoredPolicy): ResolvablePolicy {
  const view = toView(APP_CONFIG, p);
  return { id: view.id, name: view.name, channel: view.channel, settings: view.settings, assignment: view.assignment };
}

/** Every stored policy of a kind in its view shape (for resolution and the secops helpers). */
export async function listPoliciesOf<V>(store: Pick<Storage, 'listPolicies'>, tenantId: string, spec: { kind: PolicyKind; view: z.ZodType<V> }): Promise<V[]> {
  return (await store.listPolicies(tenantId, spec.kind)).map((p) => toView(spec, p));
}

/** CRUD and assignment of one kind of policy. Every method authorizes first. */
export class PolicyService<I extends { name: string; assignment: Assignment }, V> {
  constructor(
    private readonly store: Storage,
    private readonly clock: Clock,
    private readonly spec: PolicyKindSpec<I, V>,
  ) {}

  async list(principal: Principal): Promise<V[]> {
    const admin = authorize(principal, 'policies:read');
    return listPoliciesOf(this.store, admin.tenantId, this.spec);
  }

  async get(principal: Principal, id: string): Promise<V> {
    const admin = authorize(principal, 'policies:read');
    return toView(this.spec, await this.find(admin.tenantId, id));
  }

  async create(principal: Principal, input: I): Promise<V> {
    const admin = authorize(principal, 'policies:write');
    const body = this.spec.prepare(input);
    await this.checkNameAndGroups(admin.tenantId, input);
    const now = this.clock.now().toISOString();
    const policy: StoredPolicy = { id: randomUUID(), tenantId: admin.tenantId, kind: this.spec.kind, name: input.name, body, assignment: input.assignment, createdAt: now, updatedAt: now };
    await this.store.createPolicy(policy);
    return toView(this.spec, policy);
  }

  async update(principal: Principal, id: string, input: I): Promise<V> {
    const admin = authorize(principal, 'policies:write');
    const existing = await this.find(admin.tenantId, id);
    const body = this.spec.prepare(input);
    await this.checkNameAndGroups(admin.tenantId, input, id);
    const policy: StoredPolicy = { ...existing, name: input.name, body, assignment: input.assignment, updatedAt: this.clock.now().toISOString() };
    await this.store.updatePolicy(policy);
    return toView(this.spec, policy);
  }

  async assign(principal: Principal, id: string, assignment: Assignment): Promise<V> {
    const admin = authorize(principal, 'policies:write');
    const existing = await this.find(admin.tenantId, id);
    await assertGroupsExist(this.store, admin.tenantId, assignment);
    const policy: StoredPolicy = { ...existing, assignment, updatedAt: this.clock.now().toISOString() };
    await this.store.updatePolicy(policy);
    return toView(this.spec, policy);
  }

  async remove(principal: Principal, id: string): Promise<void> {
    const admin = authorize(principal, 'policies:write');
    if (!(await this.store.deletePolicy(admin.tenantId, this.spec.kind, id))) throw new ApiError('not_found', `no ${this.spec.label} ${id}`);
  }

  private async find(tenantId: string, id: string): Promise<StoredPolicy> {
    const policy = await this.store.getPolicy(tenantId, this.spec.kind, id);
    if (!policy) throw new ApiError('not_found', `no ${this.spec.label} ${id}`);
    return policy;
  }

  private async checkNameAndGroups(tenantId: string, input: I, self?: string): Promise<void> {
    const all = await this.store.listPolicies(tenantId, this.spec.kind);
    if (all.some((p) => p.name === input.name && p.id !== self)) throw new ApiError('conflict', `a ${this.spec.label} named "${input.name}" exists already`);
    await assertGroupsExist(this.store, tenantId, input.assignment);
  }
}

/**
 * The app protection and compliance policies that apply to a stored device, each with `via`
 * (the groups, or "all devices", that brought it). Loads the tenant's groups and policies, then
 * calls the pure `applicableAccessPolicies` of src/policy.
 */
export async function accessPoliciesFor(
  store: Pick<Storage, 'listGroups' | 'listPolicies'>,
  device: { id: string; tenantId: string; userPrincipalName: string | null; management: Management },
): Promise<{ appProtection: Array<Reached<AppProtectionPolicyView>>; compliance: Array<Reached<CompliancePolicyView>> }> {
  const [groups, appProtection, compliance] = await Promise.all([
    store.listGroups(device.tenantId),
    listPoliciesOf(store, device.tenantId, APP_PROTECTION),
    listPoliciesOf(store, device.tenantId, COMPLIANCE),
  ]);
  return applicableAccessPolicies(device, groups, { appProtection, compliance });
}
