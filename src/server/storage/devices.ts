import type { Kysely } from 'kysely';
import { ProtectionStatus, type DeviceFacts, type DeviceView, type Management, type Platform, type RiskLevel } from '../../protocol/index.js';
import type { CredentialRecord } from './credentials.js';
import type { Database, DeviceTable } from './schema.js';

/** A device as stored; `health` is derived from `lastSeenAt` by the service, not stored. */
export type StoredDevice = Omit<DeviceView, 'health' | 'riskLevel' | 'machineTags'> & { tenantId: string; serialNumber: string | null; authenticatorAccount: string | null };

export interface DeviceFilter {
  platform?: Platform;
  management?: Management;
  /** A configuration or manual tag. */
  tag?: string;
  riskLevel?: RiskLevel;
}

export interface DevicePage {
  items: StoredDevice[];
  total: number;
  /** Position after the last item, or null on the last page. */
  next: { enrolledAt: string; id: string } | null;
}

export interface HeartbeatUpdate {
  at: string;
  osVersion: string;
  osBuild: string | null;
  agentVersion: string;
  protection: ProtectionStatus;
  configVersion: string | null;
}

/** DeviceStore keeps enrolled devices. Every read and write names the tenant. */
export interface DeviceStore {
  insertDevice(d: { id: string; tenantId: string; secretHash: string; enrollmentTokenId: string; facts: DeviceFacts; enrolledAt: string }): Promise<void>;
  findDeviceCredential(id: string): Promise<CredentialRecord | undefined>;
  getDevice(tenantId: string, id: string): Promise<StoredDevice | undefined>;
  /** Newest enrolment first; `after` continues from a previous page. */
  listDevices(tenantId: string, filter: DeviceFilter, limit: number, after?: { enrolledAt: string; id: string }): Promise<DevicePage>;
  recordHeartbeat(tenantId: string, id: string, update: HeartbeatUpdate): Promise<void>;
  /** The ids among `ids` that are devices of this tenant. */
  existingDeviceIds(tenantId: string, ids: readonly string[]): Promise<Set<string>>;
}

function toDevice(r: DeviceTable): StoredDevice {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    platform: r.platform as Platform,
    osVersion: r.os_version,
    osBuild: r.os_build,
    model: r.model,
    deviceName: r.device_name,
    serialNumber: r.serial_number,
    supervised: r.supervised === 1,
    management: r.management as Management,
    userPrincipalName: r.user_principal_name,
    authenticatorAccount: r.authenticator_account,
    sharedDevice: r.shared_device === 1,
    agentVersion: r.agent_version,
    enrolledAt: r.enrolled_at,
    lastSeenAt: r.last_seen_at,
    protection: r.protection ? ProtectionStatus.parse(JSON.parse(r.protection)) : null,
    configVersion: r.config_version,
  };
}

export function deviceStore(db: Kysely<Database>): DeviceStore {
  return {
    async insertDevice({ id, tenantId, secretHash, enrollmentTokenId, facts, enrolledAt }) {
      await db
        .insertInto('devices')
        .values({
          id,
          tenant_id: tenantId,
          secret_hash: secretHash,
          enrollment_token_id: enrollmentTokenId,
          platform: facts.platform,
          os_version: facts.osVersion,
          os_build: facts.osBuild ?? null,
          model: facts.model,
          device_name: facts.deviceName ?? null,
          serial_number: facts.serialNumber ?? null,
          supervised: facts.supervised ? 1 : 0,
          management: facts.management,
          user_principal_name: facts.userPrincipalName,
          authenticator_account: facts.authenticatorAccount ?? null,
          shared_device: facts.sharedDevice ? 1 : 0,
          agent_version: facts.agentVersion,
          enrolled_at: enrolledAt,
          last_seen_at: null,
          protection: null,
          config_version: null,
        })
        .execute();
    },
    async findDeviceCredential(id) {
      const row = await db.selectFrom('devices').select(['id', 'tenant_id', 'secret_hash']).where('id', '=', id).executeTakeFirst();
      return row && { id: row.id, tenantId: row.tenant_id, secretHash: row.secret_hash };
    },
    async getDevice(tenantId, id) {
      const row = await db.selectFrom('devices').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
      return row && toDevice(row);
    },
    async listDevices(tenantId, filter, limit, after) {
      let query = db.selectFrom('devices').where('tenant_id', '=', tenantId);
      if (filter.platform) query = query.where('platform', '=', filter.platform);
      if (filter.management) query = query.where('management', '=', filter.management);
      if (filter.tag) {
        const tag = filter.tag;
        query = query.where('id', 'in', (eb) => eb.selectFrom('device_tags').select('device_id').where('tenant_id', '=', tenantId).where('tag', '=', tag));
      }
      if (filter.riskLevel) {
        // Devices without security state are Secured.
        const risky = (level: RiskLevel) => db.selectFrom('device_security').select('device_id').where('tenant_id', '=', tenantId).where('risk_level', '=', level);
        const secured = db.selectFrom('device_security').select('device_id').where('tenant_id', '=', tenantId).where('risk_level', '!=', 'Secured');
        query = filter.riskLevel === 'Secured' ? query.where('id', 'not in', secured) : query.where('id', 'in', risky(filter.riskLevel));
      }
      const { total } = await query.select((eb) => eb.fn.countAll<string | number>().as('total')).executeTakeFirstOrThrow();
      let page = query.selectAll();
      if (after) {
        page = page.where((eb) =>
          eb.or([eb('enrolled_at', '<', after.enrolledAt), eb.and([eb('enrolled_at', '=', after.enrolledAt), eb('id', '<', after.id)])]),
        );
      }
      const rows = await page.orderBy('enrolled_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
      const items = rows.slice(0, limit).map(toDevice);
      const last = items[items.length - 1];
      return { items, total: Number(total), next: rows.length > limit && last ? { enrolledAt: last.enrolledAt, id: last.id } : null };
    },
    existingDeviceIds: (tenantId, ids) => existingDeviceIds(db, tenantId, ids),
    async recordHeartbeat(tenantId, id, u) {
      await db
        .updateTable('devices')
        .set({
          last_seen_at: u.at,
          os_version: u.osVersion,
          os_build: u.osBuild,
          agent_version: u.agentVersion,
          protection: JSON.stringify(u.protection),
          config_version: u.configVersion,
        })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .execute();
    },
  };
}

/** The ids among `ids` that are devices of this tenant. */
export async function existingDeviceIds(db: Kysely<Database>, tenantId: string, ids: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  // Chunks keep the parameter count under every driver's limit.
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db.selectFrom('devices').select('id').where('tenant_id', '=', tenantId).where('id', 'in', ids.slice(i, i + 500)).execute();
    rows.forEach((r) => found.add(r.id));
  }
  return found;
}
