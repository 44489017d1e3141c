import type {
  DeviceDetail,
  DeviceList,
  DeviceListQuery,
  DeviceTags,
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
import { groupsOf } from '../../policy/index.js';
import type { StoredDevice } from '../storage/devices.js';
import type { ThreatDbService } from './threat-db.js';
import type { VulnerabilityService } from './vulnerabilities.js';
import { SECURED } from '../storage/security.js';
import type { Storage } from '../storage/storage.js';
import type { Clock } from './auth.js';
import { effectiveConfig } from './config.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { enrollmentRefusal } from './eligibility.js';
import type { SecOpsEvents } from './secops-events.js';

export const INACTIVE_AFTER_MS = 7 * 24 * 60 * 60 * 1000;
export const STATUS_INTERVAL_SECONDS = 15 * 60;

/** Active while a heartbeat or status signal came in the last 7 days (DESIGN.md 2.7). */
export function healthOf(device: Pick<StoredDevice, 'lastSeenAt' | 'enrolledAt'>, now: Date): HealthState {
  const seen = Date.parse(device.lastSeenAt ?? device.enrolledAt);
  return now.getTime() - seen > INACTIVE_AFTER_MS ? 'inactive' : 'active';
}

const NO_TAGS: DeviceTags = { configuration: null, manual: [] };

function toView(device: StoredDevice, now: Date, riskLevel: DeviceView['riskLevel'], tags: DeviceTags): DeviceView {
  const { tenantId: _t, serialNumber: _s, authenticatorAccount: _a, ...view } = device;
  return { ...view, health: healthOf(device, now), riskLevel, machineTags: [...(tags.configuration ? [tags.configuration] : []), ...tags.manual] };
}

/** Enrollment, heartbeats, and the admin views of devices. */
export class DeviceService {
  constructor(
    private readonly store: Storage,
    private readonly clock: Clock,
    private readonly events: SecOpsEvents,
    private readonly threatDb: ThreatDbService,
    private readonly vulnerabilities: VulnerabilityService,
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
    this.events.emit([{ type: 'device.changed', tenantId: token.tenantId, deviceId: credential.id }]);
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
    const config = await effectiveConfig(this.store, device, tenant);
    // The configuration tag reaches the portal once the app is open and has its configuration.
    const tag = config.values.DefenderDeviceTag;
    await this.store.setConfigurationTag(principal.tenantId, principal.deviceId, typeof tag === 'string' && tag.trim() ? tag.trim() : null);
    this.events.emit([{ type: 'device.changed', tenantId: principal.tenantId, deviceId: principal.deviceId }]);
    const [threatDb, groups, latestOsVersion] = await Promise.all([
      this.threatDb.announce(principal.tenantId),
      this.store.listGroups(principal.tenantId),
      this.vulnerabilities.recommendedUpdate(device.platform, input.osVersion),
    ]);
    const settings = tenant.settings;
    return {
      serverTime: now.toISOString(),
      config,
      statusIntervalSeconds: STATUS_INTERVAL_SECONDS,
      threatDb,
      groups: [...groupsOf(device, groups).values()].sort(),
      // Bulwark has no MDM ownership record yet: supervision stands for corporate ownership.
      inventory: { appSync: settings.appSyncForIos, fullInventoryOnPersonal: settings.fullAppInventoryOnPersonalDevices, ownership: device.supervised ? 'corporate' : 'personal' },
      ...(latestOsVersion ? { latestOsVersion } : {}),
    };
  }

  async listDevices(principal: Principal, query: DeviceListQuery): Promise<DeviceList> {
    const admin = authorize(principal, 'devices:read');
    const position = query.cursor ? decodeCursor(query.cursor) : undefined;
    const after = position && { enrolledAt: position[0], id: position[1] };
    const page = await this.store.listDevices(admin.tenantId, { platform: query.platform, management: query.management, tag: query.tag, riskLevel: query.riskLevel }, query.limit, after);
    const ids = page.items.map((d) => d.id);
    const [risks, tags] = await Promise.all([this.store.riskLevelsOf(admin.tenantId, ids), this.store.tagsOf(admin.tenantId, ids)]);
    const now = this.clock.now();
    return {
      items: page.items.map((d) => toView(d, now, risks.get(d.id) ?? 'Secured', tags.get(d.id) ?? NO_TAGS)),
      total: page.total,
      nextCursor: page.next && encodeCursor([page.next.enrolledAt, page.next.id]),
    };
  }

  /** One device with its risk explanation and tags. */
  async getDevice(principal: Principal, id: string): Promise<DeviceDetail> {
    const admin = authorize(principal, 'devices:read');
    const device = await this.store.getDevice(admin.tenantId, id);
    // Another tenant's device is indistinguishable from a missing one.
    if (!device) throw new ApiError('not_found', `no device ${id}`);
    const [security, tags] = await Promise.all([this.store.getSecurity(admin.tenantId, id), this.store.tagsOf(admin.tenantId, [id])]);
    const risk = security?.risk ?? SECURED(null);
    const deviceTags = tags.get(id) ?? NO_TAGS;
    return { ...toView(device, this.clock.now(), risk.level, deviceTags), risk, tags: deviceTags };
  }
}
