import type { AccessDecision, AccessRequest, ComplianceResult } from '../../protocol/index.js';
import { authorize, type Principal } from '../auth/authz.js';
import { ApiError } from '../errors.js';
import { evaluateAccess } from '../secops/access.js';
import { evaluateCompliance } from '../secops/compliance.js';
import type { Storage } from '../storage/storage.js';
import type { Clock } from './auth.js';
import type { PolicySource } from './policy-source.js';
import type { PostureIndex } from './posture-index.js';
import type { SecOpsEvents } from './secops-events.js';

/**
 * Compliance and conditional access, served from the in-memory posture index and the policy
 * source: no database query per decision once a tenant is loaded.
 */
export class AccessService {
  private readonly settings = new Map<string, boolean>();

  constructor(
    private readonly store: Storage,
    private readonly clock: Clock,
    private readonly index: PostureIndex,
    private readonly policies: PolicySource,
    private readonly events: SecOpsEvents,
    private readonly log: (err: unknown) => void,
  ) {
    // A device whose risk changed may change compliance: recompute, store, tell subscribers.
    events.on((e) => {
      if (e.type === 'risk.changed' || e.type === 'device.changed') this.refreshCompliance(e.tenantId, e.deviceId).catch(log);
    });
  }

  /** Tenant settings change rarely; the settings service calls this when they do. */
  forgetSettings(tenantId: string): void {
    this.settings.delete(tenantId);
  }

  async evaluate(principal: Principal, request: AccessRequest): Promise<AccessDecision> {
    const admin = authorize(principal, 'access:evaluate');
    const device = request.deviceId ? await this.index.device(admin.tenantId, request.deviceId) : await this.index.deviceOfUser(admin.tenantId, request.userPrincipalName!);
    if (request.deviceId && !device) throw new ApiError('not_found', `no device ${request.deviceId}`);
    const target = device ?? { id: '', userPrincipalName: request.userPrincipalName ?? null, management: 'mam' as const };
    const { appProtection } = await this.policies.forDevice(admin.tenantId, target);
    return evaluateAccess(device ?? null, request.app, appProtection, { riskSharedWithAppProtection: await this.riskShared(admin.tenantId) });
  }

  async compliance(principal: Principal, deviceId: string): Promise<ComplianceResult> {
    const admin = authorize(principal, 'compliance:read');
    const result = await this.evaluateCompliance(admin.tenantId, deviceId);
    if (!result) throw new ApiError('not_found', `no device ${deviceId}`);
    return result;
  }

  private async evaluateCompliance(tenantId: string, deviceId: string): Promise<ComplianceResult | undefined> {
    const device = await this.index.device(tenantId, deviceId);
    return device && evaluateCompliance(device, (await this.policies.forDevice(tenantId, device)).compliance);
  }

  private async refreshCompliance(tenantId: string, deviceId: string): Promise<void> {
    const result = await this.evaluateCompliance(tenantId, deviceId);
    if (!result) return;
    const before = await this.store.getSecurity(tenantId, deviceId);
    if (before?.compliant === result.compliant) return;
    await this.store.saveCompliance(tenantId, deviceId, result.compliant, this.clock.now().toISOString());
    // The first evaluation of a compliant device is no change worth telling anyone.
    if ((before?.compliant ?? null) === null && result.compliant) return;
    this.events.emit([{ type: 'compliance.changed', tenantId, deviceId, compliance: result }]);
  }

  private async riskShared(tenantId: string): Promise<boolean> {
    let shared = this.settings.get(tenantId);
    if (shared === undefined) {
      shared = (await this.store.getTenant(tenantId))?.settings.appProtectionPolicySettingsForIos ?? true;
      this.settings.set(tenantId, shared);
    }
    return shared;
  }
}
