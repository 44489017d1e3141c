import { describe, expect, it } from 'vitest';
import { ACTIONS, authorize, can } from '../../src/server/auth/authz.js';

// Written out, not derived from the table: evaluating access reads posture and changes nothing.
const isRead = (action: string) => action.endsWith(':read') || action === 'access:evaluate';


describe('authorization table', () => {
  it.each(ACTIONS)('admin may %s; analyst only when it reads; responder also triages alerts', (action) => {
    expect(can('admin', action)).toBe(true);
    expect(can('analyst', action)).toBe(isRead(action));
    expect(can('responder', action)).toBe(isRead(action) || action === 'alerts:triage');
  });

  it('refuses devices on admin actions', () => {
    expect(() => authorize({ kind: 'device', tenantId: 't', deviceId: 'd' }, 'policies:read')).toThrow(/administrators/);
  });
});
