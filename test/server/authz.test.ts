import { describe, expect, it } from 'vitest';
import { authorize, can, type Action } from '../../src/server/auth/authz.js';

const ACTIONS: Action[] = [
  'devices:read',
  'devices:write',
  'api-tokens:read',
  'api-tokens:write',
  'enrollment-tokens:read',
  'enrollment-tokens:write',
  'groups:read',
  'groups:write',
  'policies:read',
  'policies:write',
];

describe('authorization table', () => {
  it.each(ACTIONS)('admin may %s; analyst only when it reads', (action) => {
    expect(can('admin', action)).toBe(true);
    expect(can('analyst', action)).toBe(action.endsWith(':read'));
  });

  it('refuses devices on admin actions', () => {
    expect(() => authorize({ kind: 'device', tenantId: 't', deviceId: 'd' }, 'policies:read')).toThrow(/administrators/);
  });
});
