import type {
  DeviceList,
  DeviceListQuery,
  DeviceView,
  EnrollRequest,
  EnrollResponse,
  HealthState,
  HeartbeatRequest,
  HeartbeatResponse,
} from '../../protocol/index.js';
import { authorize, type DevicePrincipal, type Principal } from '../auth/authz.js';
import { hashSecret, issueCredential, parseCredential, verifySecret } from '../auth/secrets.js';
import { ApiError } from '../errors.js';
import type { StoredDevice } from '../storage/devices.js';
import type { Storage } from '../storage/storage.js';
import type { Clock } from './auth.js';
import { effectiveConfig } from './config.js';
import { enrollmentRefusal } from './eligibility.js';

export const INACTIVE_AFTER_MS = 7 * 24 * 60 * 60 * 1000;
export const STATUS_INTERVAL_SECONDS = 15 * 60;

/** Active while a heartbeat or status signal came in the last 7 days (DESIGN.md 2.7). */
export function healthOf(device: Pick<StoredDevice, 'lastSeenAt' | 'enrolledAt'>, now: Date): HealthState {
  const seen = Date.parse(device.lastSeenAt ?? device.enrolledAt);
  return now.getTime() - seen > INACTIVE_AFTER_MS ? 'inactive' : 'active';
}

function toView(device: StoredDevice, now: Date): DeviceView {
  const { tenantId: _t, serialNumber: _s, authenticatorAccount: _a, ...view } = device;
  return { ...view, health: healthOf(device, now) };
}

function encodeCursor(pos: { enrolledAt: string; id: string }): string {
  return Buffer.from(JSON.stringify([pos.enrolledAt, pos.id])).toString('base64url');
}

function decodeCursor(cursor: string): { enrolledAt: string; id: string } {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string') {
      return { enrolledAt: value[0], id: value[1] };
    }
  } catch {
    // fall through to the error below
  }
  throw new ApiError('validation_failed', 'cursor is not one this server issued; start again without it');
}

/** Enrollment, heartbeats, and the admin views of devices. */
export class DeviceService {
  constructor(
    private readonly store: Storage,
    private readonly clock: Clock,
  ) {}

  async enroll(input: EnrollRequest): Promise<EnrollResponse> {
    const parsed = parseCredential(input.enrollmentToken, 'bwe');
    const token = parsed && (await this.store.findEnrollmentTokenCredential(parsed.id));
    if (!parsed || !token || token.revokedAt || !(await verifySecret(parsed.secret, token.secretHash))) {
      throw new ApiError('invalid_enrollment_token', 'the enrollment token is unknown or revoked; ask your administrator for a current one');
    }
    const refusal = enrollmentRefusal(input.device);
    if (refusal) throw new ApiError(refusal.code, refusal.message);

    const credential = issueCredential('bwd');
    const enrolledAt = this.clock.now().toISOString();
    await this.store.insertDevice({
      id: credential.id,
      tenantId: token.tenantId,
      secretHash: await hashSecret(credential.secret, 'secret'),
      enrollmentTokenId: token.id,
      facts: input.device,
      enrolledAt,
    });
    return { deviceId: credential.id, deviceSecret: credential.token, tenantId: token.tenantId, enrolledAt };
  }

  async heartbeat(principal: DevicePrincipal, input: HeartbeatRequest): Promise<HeartbeatResponse> {
    const [device, tenant] = await Promise.all([
      this.store.getDevice(principal.tenantId, principal.deviceId),
      this.store.getTenant(principal.tenantId),
    ]);
    if (!device || !tenant) throw new ApiError('unauthorized', 'this device is no longer enrolled');
    const now = this.clock.now();
    await this.store.recordHeartbeat(principal.tenantId, principal.deviceId, {
      at: now.toISOString(),
      osVersion: input.osVersion,
      osBuild: input.osBuild ?? null,
      agentVersion: input.agentVersion,
      protection: input.protection,
      configVersion: input.configVersion,
    });
    return { serverTime: now.toISOString(), config: await effectiveConfig(this.store, device, tenant), statusIntervalSeconds: STATUS_INTERVAL_SECONDS };
  }

  async listDevices(principal: Principal, query: DeviceListQuery): Promise<DeviceList> {
    const admin = authorize(principal, 'devices:read');
    const after = query.cursor ? decodeCursor(query.cursor) : undefined;
    const page = await this.store.listDevices(admin.tenantId, { platform: query.platform, management: query.management }, query.limit, after);
    const now = this.clock.now();
    return { items: page.items.map((d) => toView(d, now)), total: page.total, nextCursor: page.next && encodeCursor(page.next) };
  }

  async getDevice(principal: Principal, id: string): Promise<DeviceView> {
    const admin = authorize(principal, 'devices:read');
    const device = await this.store.getDevice(admin.tenantId, id);
    // Another tenant's device is indistinguishable from a missing one.
    if (!device) throw new ApiError('not_found', `no device ${id}`);
    return toView(device, this.clock.now());
  }
}
