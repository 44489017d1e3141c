import { describe, expect, it } from 'vitest';
import { PostureIndex } from '../../../src/server/services/posture-index.js';
import { SecOpsEvents } from '../../../src/server/services/secops-events.js';
import type { SecuritySummary } from '../../../src/server/storage/security.js';
import type { Storage } from '../../../src/server/storage/storage.js';

const summary = (deviceId: string, riskLevel: SecuritySummary['riskLevel']): SecuritySummary => ({
  deviceId,
  userPrincipalName: `${deviceId}@example.org`,
  osVersion: '26.1',
  platform: 'ios',
  management: 'mdm',
  riskLevel,
  jailbroken: false,
  compliant: null,
  lastSeenAt: '2026-11-01T00:00:00.000Z',
  enrolledAt: '2026-10-01T00:00:00.000Z',
});

describe('PostureIndex', () => {
  it('never serves a stale entry to a caller that arrives while another refresh is in flight', async () => {
    const db = new Map([
      ['a', summary('a', 'Secured')],
      ['b', summary('b', 'Secured')],
    ]);
    // Re-reads of one device take a while, as on a loaded database.
    const store = {
      securitySummaries: async (_tenant: string, id?: string) => {
        if (id) await new Promise((r) => setTimeout(r, 20));
        return id ? [db.get(id)!] : [...db.values()];
      },
    } as unknown as Storage;
    const events = new SecOpsEvents();
    const index = new PostureIndex(store, events);
    expect((await index.device('t', 'b'))?.riskLevel).toBe('Secured');

    db.set('a', summary('a', 'High'));
    db.set('b', summary('b', 'High'));
    events.emit([
      { type: 'device.changed', tenantId: 't', deviceId: 'a' },
      { type: 'device.changed', tenantId: 't', deviceId: 'b' },
    ]);
    // The first call starts the refresh (a, then b); the second must wait for all of it.
    const [first, second] = await Promise.all([index.device('t', 'a'), index.device('t', 'b')]);
    expect(first?.riskLevel).toBe('High');
    expect(second?.riskLevel).toBe('High');
  });
});
