import type { AdminRole } from '../../protocol/index.js';
import { ApiError } from '../errors.js';

/** Who is calling. Every service method takes one and authorizes it first. */
export type Principal =
  | { kind: 'admin'; tenantId: string; role: AdminRole; adminId: string | null; email: string | null; via: 'session' | 'api_token'; credentialId: string }
  | { kind: 'device'; tenantId: string; deviceId: string };

export type AdminPrincipal = Extract<Principal, { kind: 'admin' }>;
export type DevicePrincipal = Extract<Principal, { kind: 'device' }>;

/** Everything an admin can do through the API, as `resource:verb`. */
export const ACTIONS = [
  'devices:read',
  'devices:write',
  'devices:tag',
  'api-tokens:read',
  'api-tokens:write',
  'enrollment-tokens:read',
  'enrollment-tokens:write',
  'groups:read',
  'groups:write',
  'policies:read',
  'policies:write',
  'alerts:read',
  'alerts:triage',
  'indicators:read',
  'indicators:write',
  'vulnerabilities:read',
  'compliance:read',
  'access:evaluate',
  'webhooks:read',
  'webhooks:write',
  'settings:read',
  'settings:write',
] as const;

export type Action = (typeof ACTIONS)[number];

const READS: readonly Action[] = [
  'devices:read',
  'api-tokens:read',
  'enrollment-tokens:read',
  // Reading covers the what-if preview and effective configurations: they change nothing.
  'groups:read',
  'policies:read',
  'alerts:read',
  'indicators:read',
  'vulnerabilities:read',
  'compliance:read',
  'access:evaluate',
  'webhooks:read',
  'settings:read',
];

/**
 * The whole authorization policy in one table. Analysts read and change nothing. Responders also
 * triage alerts (status, assignment, classification, comments): a SOC's daily work, which changes
 * no protection. Everything that changes what devices enforce or where data goes (indicators,
 * tags, policies, settings, webhooks, tokens) is for admins. Tenancy is not decided here: every
 * store call is scoped by the principal's tenant.
 */
const POLICY: Record<AdminRole, ReadonlySet<Action>> = {
  admin: new Set<Action>(ACTIONS),
  responder: new Set<Action>([...READS, 'alerts:triage']),
  analyst: new Set<Action>(READS),
};

export function can(role: AdminRole, action: Action): boolean {
  return POLICY[role].has(action);
}

/** Throws unless `principal` is an admin allowed to do `action`; returns it narrowed. */
export function authorize(principal: Principal, action: Action): AdminPrincipal {
  if (principal.kind !== 'admin') throw new ApiError('forbidden', 'this resource is for administrators, not devices');
  if (!can(principal.role, action)) throw new ApiError('forbidden', `the ${principal.role} role may not ${action.replace(':', ' ')}`);
  return principal;
}
