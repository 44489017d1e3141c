import type { Kysely } from 'kysely';
import type { AppEntry, RiskExplanation, RiskLevel } from '../../protocol/index.js';
import type { Database, DeviceSecurityTable } from './schema.js';

/** Per-device security state derived from reports: risk, jailbreak, app inventory. */
export interface DeviceSecurity {
  deviceId: string;
  risk: RiskExplanation;
  jailbroken: boolean;
  compliant: boolean | null;
  apps: AppEntry[] | null;
  appScope: 'none' | 'managed' | 'full' | null;
  inventoryAt: string | null;
}

/** What compliance, access and vulnerability views read for every device of a tenant. */
export interface SecuritySummary {
  deviceId: string;
  userPrincipalName: string | null;
  osVersion: string;
  platform: string;
  management: string;
  riskLevel: RiskLevel;
  jailbroken: boolean;
  compliant: boolean | null;
  lastSeenAt: string | null;
  enrolledAt: string;
}

/** DeviceSecurityStore keeps one row of derived security state per device (absent = Secured). */
export interface DeviceSecurityStore {
  getSecurity(tenantId: string, deviceId: string): Promise<DeviceSecurity | undefined>;
  saveRisk(tenantId: string, deviceId: string, risk: RiskExplanation, jailbroken: boolean, at: string): Promise<void>;
  saveCompliance(tenantId: string, deviceId: string, compliant: boolean, at: string): Promise<void>;
  saveInventory(tenantId: string, deviceId: string, inv: { apps: AppEntry[] | null; appScope: 'none' | 'managed' | 'full'; at: string }): Promise<void>;
  /** Every device of the tenant with its posture, in one query (for in-memory indexes). */
  securitySummaries(tenantId: string, deviceId?: string): Promise<SecuritySummary[]>;
  /** Risk levels of some devices (absent ones are Secured). */
  riskLevelsOf(tenantId: string, deviceIds: readonly string[]): Promise<Map<string, RiskLevel>>;
  /** Devices with an app inventory, for fleet views. */
  inventories(tenantId: string): Promise<Array<{ deviceId: string; apps: AppEntry[] | null; appScope: string | null }>>;
}

/** The state of a device no alert has touched. */
export const SECURED = (at: string | null): RiskExplanation => ({ level: 'Secured', reasons: [], activeAlerts: 0, computedAt: at });

function toSecurity(r: DeviceSecurityTable): DeviceSecurity {
  return {
    deviceId: r.device_id,
    risk: JSON.parse(r.risk_explanation) as RiskExplanation,
    jailbroken: r.jailbroken === 1,
    compliant: r.compliant === null ? null : r.compliant === 1,
    apps: r.apps ? (JSON.parse(r.apps) as AppEntry[]) : null,
    appScope: r.app_scope as DeviceSecurity['appScope'],
    inventoryAt: r.inventory_at,
  };
}

export function deviceSecurityStore(db: Kysely<Database>): DeviceSecurityStore {
  // Creates the row the first time any part of the state is written.
  const upsert = async (tenantId: string, deviceId: string, at: string, set: Partial<DeviceSecurityTable>) => {
    await db
      .insertInto('device_security')
      .values({
        tenant_id: tenantId,
        device_id: deviceId,
        risk_level: 'Secured',
        risk_explanation: JSON.stringify(SECURED(null)),
        jailbroken: 0,
        compliant: null,
        apps: null,
        app_scope: null,
        inventory_at: null,
        ...set,
        updated_at: at,
      })
      .onConflict((oc) => oc.columns(['tenant_id', 'device_id']).doUpdateSet({ ...set, updated_at: at }))
      .execute();
  };
  return {
    async getSecurity(tenantId, deviceId) {
      const row = await db.selectFrom('device_security').selectAll().where('tenant_id', '=', tenantId).where('device_id', '=', deviceId).executeTakeFirst();
      return row && toSecurity(row);
    },
    saveRisk: (tenantId, deviceId, risk, jailbroken, at) =>
      upsert(tenantId, deviceId, at, { risk_level: risk.level, risk_explanation: JSON.stringify(risk), jailbroken: jailbroken ? 1 : 0 }),
    saveCompliance: (tenantId, deviceId, compliant, at) => upsert(tenantId, deviceId, at, { compliant: compliant ? 1 : 0 }),
    saveInventory: (tenantId, deviceId, inv) =>
      upsert(tenantId, deviceId, inv.at, { apps: inv.apps ? JSON.stringify(inv.apps) : null, app_scope: inv.appScope, inventory_at: inv.at }),
    async securitySummaries(tenantId, deviceId) {
      let q = db
        .selectFrom('devices')
        .leftJoin('device_security', (j) => j.onRef('device_security.device_id', '=', 'devices.id').onRef('device_security.tenant_id', '=', 'devices.tenant_id'))
        .select([
          'devices.id',
          'devices.user_principal_name',
          'devices.os_version',
          'devices.platform',
          'devices.management',
          'devices.last_seen_at',
          'devices.enrolled_at',
          'device_security.risk_level',
          'device_security.jailbroken',
          'device_security.compliant',
        ])
        .where('devices.tenant_id', '=', tenantId);
      if (deviceId) q = q.where('devices.id', '=', deviceId);
      const rows = await q.execute();
      return rows.map((r) => ({
        deviceId: r.id,
        userPrincipalName: r.user_principal_name,
        osVersion: r.os_version,
        platform: r.platform,
        management: r.management,
        riskLevel: (r.risk_level ?? 'Secured') as RiskLevel,
        jailbroken: r.jailbroken === 1,
        compliant: r.compliant === null || r.compliant === undefined ? null : r.compliant === 1,
        lastSeenAt: r.last_seen_at,
        enrolledAt: r.enrolled_at,
      }));
    },
    async riskLevelsOf(tenantId, deviceIds) {
      const levels = new Map<string, RiskLevel>(deviceIds.map((id) => [id, 'Secured']));
      if (deviceIds.length === 0) return levels;
      const rows = await db.selectFrom('device_security').select(['device_id', 'risk_level']).where('tenant_id', '=', tenantId).where('device_id', 'in', deviceIds).execute();
      for (const r of rows) levels.set(r.device_id, r.risk_level as RiskLevel);
      return levels;
    },
    async inventories(tenantId) {
      const rows = await db.selectFrom('device_security').select(['device_id', 'apps', 'app_scope']).where('tenant_id', '=', tenantId).where('apps', 'is not', null).execute();
      return rows.map((r) => ({ deviceId: r.device_id, apps: r.apps ? (JSON.parse(r.apps) as AppEntry[]) : null, appScope: r.app_scope }));
    },
  };
}

