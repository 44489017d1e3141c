import type { AccessDecision, AccessRequest, ComplianceResult } from '../../protocol/index.js';
import { authorize, type Principal } from '../auth/authz.js';
import { ApiError } from '../errors.js';
import { evaluateAccess } from '../secops/access.js';
import { evaluateCompliance } from '../secops/compliance.js';
import type { Storage } from '../storage/storage.js';
import type { Clock } from './auth.js';
import type { PolicySource } from './policy-source.js';
import { indexed, type PostureIndex } from './posture-index.js';
import type { StoreTx } from './risk.js';
import type { SecOpsEvent, SecOpsEvents } from './secops-events.js';

/** Devices per transaction when a policy change recomputes a whole tenant. */
const COMPLIANCE_SLICE = 500;

/**
 * Stores a device's compliance when it changed and returns the event to send, if any: the first
 * evaluation of a compliant device is no change worth telling anyone.
 */
async function saveCompliance(tx: Pick<StoreTx, 'saveCompliance'>, tenantId: string, before: boolean | null, result: ComplianceResult, at: string): Promise<SecOpsEvent[]> {
  if (before === result.compliant) return [];
  await tx.saveCompliance(tenantId, result.deviceId, result.compliant, at);
  return before === null && result.compliant ? [] : [{ type: 'compliance.changed', tenantId, deviceId: result.deviceId, compliance: result }];
}

/**
 * Compliance and conditional access, served from the in-memory posture index and the policy
 * source: no database query per decision once a tenant is loaded.
 */
export class AccessService {
  private readonly settings = new Map<string, boolean>();
  /** Tenants with a compliance pass running, and whether another change asks for one more. */
  private readonly recomputing = new Map<string, { again: boolean }>();
  private readonly background = new Set<Promise<void>>();

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
      if (e.type === 'risk.changed' || e.type === 'device.changed') this.track(this.refreshCompliance(e.tenantId, e.deviceId));
    });
  }

  /**
   * Recomputes and stores the compliance of every device of the tenant after a compliance policy
   * or group changed, in the background: one pass per tenant at a time (changes made during a pass
   * ask for one more, however many they are), in slices that leave the event loop to requests.
   */
  recomputeCompliance(tenantId: string): void {
    const running = this.recomputing.get(tenantId);
    if (running) {
      running.again = true;
      return;
    }
    const state = { again: false };
    this.recomputing.set(tenantId, state);
    const passes = async () => {
      do {
        state.again = false;
        await this.recomputeTenant(tenantId);
      } while (state.again);
    };
    this.track(passes().finally(() => this.recomputing.delete(tenantId)));
  }

  /** Resolves once no compliance work is running (tests). */
  async settled(): Promise<void> {
    while (this.background.size > 0) await Promise.allSettled([...this.background]);
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
    this.events.emit(await saveCompliance(this.store, tenantId, before?.compliant ?? null, result, this.clock.now().toISOString()));
  }

  private async recomputeTenant(tenantId: string): Promise<void> {
    const devices = await this.store.securitySummaries(tenantId);
    for (let i = 0; i < devices.length; i += COMPLIANCE_SLICE) {
      if (i > 0) await new Promise((resolve) => setImmediate(resolve));
      const at = this.clock.now().toISOString();
      const slice = devices.slice(i, i + COMPLIANCE_SLICE);
      const changed: Array<{ before: boolean | null; result: ComplianceResult }> = [];
      for (const summary of slice) {
        const device = indexed(summary);
        const result = evaluateCompliance(device, (await this.policies.forDevice(tenantId, device)).compliance);
        if (summary.compliant !== result.compliant) changed.push({ before: summary.compliant, result });
      }
      if (changed.length === 0) continue;
      const events: SecOpsEvent[] = [];
      await this.store.transaction(async (tx) => {
        for (const { before, result } of changed) events.push(...(await saveCompliance(tx, tenantId, before, result, at)));
      });
      this.events.emit(events);
    }
  }

  private track(work: Promise<void>): void {
    const guarded = work.catch(this.log).finally(() => this.background.delete(guarded));
    this.background.add(guarded);
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
