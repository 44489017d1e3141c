import { randomUUID } from 'node:crypto';
import type { Assignment, GroupInput, GroupView } from '../../protocol/index.js';
import { authorize, type Principal } from '../auth/authz.js';
import { ApiError } from '../errors.js';
import type { Group } from '../storage/groups.js';
import type { Storage } from '../storage/storage.js';
import type { Clock } from './auth.js';

function toView(group: Group): GroupView {
  const { tenantId: _t, ...view } = group;
  return view;
}

/** Refuses an assignment naming groups that are not the tenant's, listing them. */
export async function assertGroupsExist(store: Pick<Storage, 'listGroups'>, tenantId: string, assignment: Assignment): Promise<void> {
  const known = new Set((await store.listGroups(tenantId)).map((g) => g.id));
  const unknown = [...assignment.include, ...assignment.exclude].filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new ApiError('validation_failed', `assignment names unknown groups: ${unknown.join(', ')}`, unknown.map((id) => ({ path: 'assignment', message: `no group ${id}` })));
  }
}

/** Groups of users and devices, the targets of policy assignments. */
export class GroupService {
  constructor(
    private readonly store: Storage,
    private readonly clock: Clock,
  ) {}

  async list(principal: Principal): Promise<GroupView[]> {
    const admin = authorize(principal, 'groups:read');
    return (await this.store.listGroups(admin.tenantId)).map(toView);
  }

  async get(principal: Principal, id: string): Promise<GroupView> {
    const admin = authorize(principal, 'groups:read');
    return toView(await this.find(admin.tenantId, id));
  }

  async create(principal: Principal, input: GroupInput): Promise<GroupView> {
    const admin = authorize(principal, 'groups:write');
    await this.check(admin.tenantId, input);
    const now = this.clock.now().toISOString();
    const group: Group = { id: randomUUID(), tenantId: admin.tenantId, ...input, createdAt: now, updatedAt: now };
    await this.store.createGroup(group);
    return toView(group);
  }

  async update(principal: Principal, id: string, input: GroupInput): Promise<GroupView> {
    const admin = authorize(principal, 'groups:write');
    const existing = await this.find(admin.tenantId, id);
    await this.check(admin.tenantId, input, id);
    const group: Group = { ...existing, ...input, updatedAt: this.clock.now().toISOString() };
    await this.store.updateGroup(group);
    return toView(group);
  }

  /** Refuses while a policy is assigned to the group: deleting it would silently change who gets what. */
  async remove(principal: Principal, id: string): Promise<void> {
    const admin = authorize(principal, 'groups:write');
    await this.find(admin.tenantId, id);
    const users = (await this.store.listPolicies(admin.tenantId)).filter((p) => p.assignment.include.includes(id) || p.assignment.exclude.includes(id));
    if (users.length > 0) throw new ApiError('conflict', `group ${id} is assigned in ${users.map((p) => `"${p.name}"`).join(', ')}; change those assignments first`);
    await this.store.deleteGroup(admin.tenantId, id);
  }

  private async find(tenantId: string, id: string): Promise<Group> {
    const group = await this.store.getGroup(tenantId, id);
    if (!group) throw new ApiError('not_found', `no group ${id}`);
    return group;
  }

  private async check(tenantId: string, input: GroupInput, self?: string): Promise<void> {
    const groups = await this.store.listGroups(tenantId);
    if (groups.some((g) => g.name === input.name && g.id !== self)) throw new ApiError('conflict', `a group named "${input.name}" exists already`);
    const known = await this.store.existingDeviceIds(tenantId, input.devices);
    const unknown = input.devices.filter((d) => !known.has(d));
    if (unknown.length > 0) {
      throw new ApiError('validation_failed', `devices: no device ${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ` and ${unknown.length - 5} more` : ''} in this tenant`);
    }
  }
}
