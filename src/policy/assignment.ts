import type { Assignment, Management } from '../protocol/index.js';

/** What assignment needs to know of a group. */
export interface GroupMembers {
  id: string;
  name: string;
  /** UPNs, lower-case. */
  users: readonly string[];
  devices: readonly string[];
}

/** What assignment needs to know of a device. */
export interface AssignableDevice {
  id: string;
  userPrincipalName: string | null;
  management: Management;
}

export const ALL_DEVICES = 'all devices';

/** The groups a device belongs to, through its id or its user: id -> name. */
export function groupsOf(device: Pick<AssignableDevice, 'id' | 'userPrincipalName'>, groups: readonly GroupMembers[]): Map<string, string> {
  const upn = device.userPrincipalName?.toLowerCase();
  const member = new Map<string, string>();
  for (const group of groups) {
    if (group.devices.includes(device.id) || (upn !== undefined && group.users.includes(upn))) member.set(group.id, group.name);
  }
  return member;
}

/**
 * Whether an assignment reaches a device in these groups, and through what (group names, or
 * "all devices"). Exclusion wins over any inclusion.
 */
export function reach(assignment: Assignment, memberOf: ReadonlyMap<string, string>): { applies: boolean; via: string[] } {
  if (assignment.exclude.some((id) => memberOf.has(id))) return { applies: false, via: [] };
  const via = assignment.include.filter((id) => memberOf.has(id)).map((id) => memberOf.get(id)!);
  if (assignment.allDevices) via.unshift(ALL_DEVICES);
  return { applies: via.length > 0, via };
}

export type Reached<P> = P & { via: string[] };

/** The policies whose assignment reaches the device, each with what brought it. */
export function policiesReaching<P extends { assignment: Assignment }>(memberOf: ReadonlyMap<string, string>, policies: readonly P[]): Array<Reached<P>> {
  const reached: Array<Reached<P>> = [];
  for (const policy of policies) {
    const r = reach(policy.assignment, memberOf);
    if (r.applies) reached.push({ ...policy, via: r.via });
  }
  return reached;
}

/**
 * Which app protection and compliance policies apply to a device (assignment only; evaluating
 * the device's threat level against them is the access decision's job). App protection protects
 * managed apps, so it applies to MAM and MDM devices; compliance is a property of an enrolled
 * device, so it applies to MDM devices only. Devices with no management get neither.
 */
export function applicableAccessPolicies<A extends { assignment: Assignment }, C extends { assignment: Assignment }>(
  device: AssignableDevice,
  groups: readonly GroupMembers[],
  policies: { appProtection: readonly A[]; compliance: readonly C[] },
): { appProtection: Array<Reached<A>>; compliance: Array<Reached<C>> } {
  const memberOf = groupsOf(device, groups);
  return {
    appProtection: device.management === 'none' ? [] : policiesReaching(memberOf, policies.appProtection),
    compliance: device.management === 'mdm' ? policiesReaching(memberOf, policies.compliance) : [],
  };
}

/** Whether an app-configuration channel reaches a device: MDM needs enrollment, MAM a managed app (MAM or MDM). */
export function channelReaches(channel: 'mdm' | 'mam', management: Management): boolean {
  return channel === 'mdm' ? management === 'mdm' : management !== 'none';
}
