import type { DeviceFacts, EnrollResponse, ReportBatchResult } from '../../src/protocol/index.js';
import { simulatedFleet } from '../../src/agent/index.js';
import type { AppProtectionRules } from '../../src/server/secops/access.js';
import type { CompliancePolicyRules } from '../../src/server/secops/compliance.js';
import type { PolicySource } from '../../src/server/services/policy-source.js';
import type { TestApi, TestTenant } from './api.js';

/** Policies assigned to every device of every tenant, changeable by the test. */
export function fixedPolicies(initial: { appProtection?: AppProtectionRules[]; compliance?: CompliancePolicyRules[] } = {}) {
  const current = { appProtection: initial.appProtection ?? [], compliance: initial.compliance ?? [] };
  const source: PolicySource = { forDevice: () => Promise.resolve(current) };
  return { source, current };
}

export const iphone = (overrides: Partial<DeviceFacts> = {}): DeviceFacts => ({
  ...simulatedFleet(1, 7)[0]!,
  management: 'mdm',
  authenticatorAccount: null,
  sharedDevice: false,
  ...overrides,
});

let seq = 0;
export const reportId = () => `rep-${(++seq).toString().padStart(6, '0')}`;

/** A device of `tenant`, enrolled and with one heartbeat at `agentVersion`. */
export async function enrolledDevice(api: TestApi, tenant: TestTenant, facts: Partial<DeviceFacts> = {}, agentVersion = '0.1.0') {
  const res = await api.call('POST', '/api/v1/device/enroll', { body: { enrollmentToken: tenant.enrollmentToken, device: iphone(facts) } });
  const device = res.json<EnrollResponse>();
  const osVersion = facts.osVersion ?? iphone().osVersion;
  await api.call('POST', '/api/v1/device/heartbeat', {
    token: device.deviceSecret,
    body: { reason: 'app_open', osVersion, agentVersion, protection: { webProtection: 'connected', networkProtection: true }, configVersion: null },
  });
  return {
    ...device,
    /** Posts raw reports (valid or not) as one batch. */
    async send(reports: unknown[]) {
      const res = await api.call('POST', '/api/v1/device/events', { token: device.deviceSecret, body: { reports } });
      return { status: res.statusCode, body: res.json<ReportBatchResult>() };
    },
  };
}
