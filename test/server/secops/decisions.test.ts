import { describe, expect, it } from 'vitest';
import { evaluateAccess, type AppProtectionRules } from '../../../src/server/secops/access.js';
import { evaluateCompliance } from '../../../src/server/secops/compliance.js';
import type { DevicePosture } from '../../../src/server/secops/posture.js';
import { riskOf, type ActiveAlert } from '../../../src/server/secops/risk.js';
import { retryDelay, signPayload, verifySignature } from '../../../src/server/secops/webhook-signing.js';

const alert = (id: string, severity: ActiveAlert['severity'], t = '2025-01-01T00:00:00.000Z'): ActiveAlert => ({ id, title: id, severity, category: 'Phishing', lastEventTime: t });

describe('risk level', () => {
  it('is Secured without alerts, and ignores informational ones', () => {
    expect(riskOf([], 'now').level).toBe('Secured');
    expect(riskOf([alert('a', 'Informational')], 'now')).toMatchObject({ level: 'Secured', reasons: [], activeAlerts: 1 });
  });
  it('takes the highest severity and explains it with the alerts at that level', () => {
    const risk = riskOf([alert('low', 'Low'), alert('m1', 'Medium', '2025-01-01T00:00:00.000Z'), alert('m2', 'Medium', '2025-01-02T00:00:00.000Z')], 'now');
    expect(risk.level).toBe('Medium');
    expect(risk.reasons.map((r) => r.alertId)).toEqual(['m2', 'm1']);
  });
});

const device = (over: Partial<DevicePosture> = {}): DevicePosture => ({ deviceId: 'd1', riskLevel: 'Secured', jailbroken: false, osVersion: '17.5', ...over });

describe('compliance', () => {
  const policy = { id: 'p', name: 'Baseline', requiredThreatLevel: 'low' as const, blockJailbroken: true, minimumOsVersion: '17.0' };
  it('is compliant at or under the level and says why not above it', () => {
    expect(evaluateCompliance(device({ riskLevel: 'Low' }), [policy]).compliant).toBe(true);
    const r = evaluateCompliance(device({ riskLevel: 'High', jailbroken: true, osVersion: '16.7' }), [policy]);
    expect(r.compliant).toBe(false);
    expect(r.reasons).toEqual(['Baseline: risk level High is above the allowed low', 'Baseline: the device is jailbroken', 'Baseline: iOS 16.7 is older than the minimum 17.0']);
  });
});

describe('conditional access', () => {
  const maxLow: AppProtectionRules = { id: 'a', name: 'Max Low', maxThreatLevel: 'low', action: 'block' };
  const wipe: AppProtectionRules = { id: 'w', name: 'Wipe on High', maxThreatLevel: 'medium', action: 'wipe', apps: ['com.example.mail'] };
  const shared = { riskSharedWithAppProtection: true };

  it('allows within the level and blocks above it', () => {
    expect(evaluateAccess(device({ riskLevel: 'Low' }), 'com.example.mail', [maxLow], shared).decision).toBe('allow');
    const d = evaluateAccess(device({ riskLevel: 'Medium' }), 'com.example.mail', [maxLow], shared);
    expect(d).toMatchObject({ decision: 'block', riskLevel: 'Medium' });
    expect(d.reasons[0]).toContain('above the allowed low');
  });
  it('lets the strongest decision win and honours app targeting', () => {
    expect(evaluateAccess(device({ riskLevel: 'High' }), 'com.example.mail', [maxLow, wipe], shared).decision).toBe('wipe');
    expect(evaluateAccess(device({ riskLevel: 'High' }), 'com.example.chat', [maxLow, wipe], shared).decision).toBe('block');
    expect(evaluateAccess(device({ riskLevel: 'High' }), 'com.example.chat', [], shared)).toMatchObject({ decision: 'allow', reasons: ['no app protection policy protects com.example.chat'] });
  });
  it('blocks an unknown device, and leaves risk out when the tenant does not share it', () => {
    expect(evaluateAccess(null, 'com.example.mail', [maxLow], shared).decision).toBe('block');
    expect(evaluateAccess(device({ riskLevel: 'High' }), 'com.example.mail', [maxLow], { riskSharedWithAppProtection: false }).decision).toBe('allow');
  });
});

describe('webhook signing', () => {
  it('verifies its own signature within the tolerance only, and not a changed body', () => {
    const now = new Date('2025-06-01T00:00:00Z');
    const ts = now.getTime() / 1000;
    const sig = signPayload('s3cret', ts, '{"a":1}');
    expect(verifySignature('s3cret', ts, '{"a":1}', sig, now)).toBe(true);
    expect(verifySignature('s3cret', ts, '{"a":2}', sig, now)).toBe(false);
    expect(verifySignature('other', ts, '{"a":1}', sig, now)).toBe(false);
    expect(verifySignature('s3cret', ts, '{"a":1}', sig, new Date(now.getTime() + 301_000))).toBe(false);
  });
  it('backs off by doubling up to a cap, then gives up', () => {
    const policy = { baseMs: 1000, maxMs: 5000, maxAttempts: 5 };
    expect([1, 2, 3, 4, 5].map((a) => retryDelay(a, policy))).toEqual([1000, 2000, 4000, 5000, null]);
  });
});
