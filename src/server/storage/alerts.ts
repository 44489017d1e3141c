import type { Kysely } from 'kysely';
import type { Alert, AlertCategory, AlertClassification, AlertComment, AlertEvidence, AlertStatus, Severity } from '../../protocol/index.js';
import type { AlertTable, Database } from './schema.js';

export type StoredAlert = Alert & { tenantId: string; dedupeKey: string };

export interface AlertFilter {
  status?: AlertStatus;
  severity?: Severity;
  category?: AlertCategory;
  machineId?: string;
  assignedTo?: string;
}

/** AlertStore keeps alerts; at most one active (not resolved) alert per device and dedupe key. */
export interface AlertStore {
  insertAlert(a: StoredAlert): Promise<void>;
  /** Writes every mutable field of `a` back. */
  saveAlert(a: StoredAlert): Promise<void>;
  getAlert(tenantId: string, id: string): Promise<StoredAlert | undefined>;
  findActiveAlert(tenantId: string, deviceId: string, dedupeKey: string): Promise<StoredAlert | undefined>;
  activeAlerts(tenantId: string, deviceId: string): Promise<StoredAlert[]>;
  /** Newest first. */
  listAlerts(tenantId: string, filter: AlertFilter, limit: number, offset: number): Promise<{ items: StoredAlert[]; total: number }>;
}

function toAlert(r: AlertTable): StoredAlert {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    machineId: r.device_id,
    dedupeKey: r.dedupe_key,
    category: r.category as AlertCategory,
    title: r.title,
    description: r.description,
    severity: r.severity as Severity,
    status: r.status as AlertStatus,
    classification: r.classification as AlertClassification | null,
    determination: r.determination,
    assignedTo: r.assigned_to,
    detectionSource: 'BulwarkAgent',
    alertCreationTime: r.created_at,
    firstEventTime: r.first_event_time,
    lastEventTime: r.last_event_time,
    lastUpdateTime: r.last_update_time,
    resolvedTime: r.resolved_time,
    resolvedBy: r.resolved_by as Alert['resolvedBy'],
    eventCount: r.event_count,
    comments: JSON.parse(r.comments) as AlertComment[],
    evidence: JSON.parse(r.evidence) as AlertEvidence[],
  };
}

function mutable(a: StoredAlert) {
  return {
    title: a.title,
    description: a.description,
    severity: a.severity,
    status: a.status,
    classification: a.classification,
    determination: a.determination,
    assigned_to: a.assignedTo,
    last_event_time: a.lastEventTime,
    first_event_time: a.firstEventTime,
    last_update_time: a.lastUpdateTime,
    resolved_time: a.resolvedTime,
    resolved_by: a.resolvedBy,
    event_count: a.eventCount,
    comments: JSON.stringify(a.comments),
    evidence: JSON.stringify(a.evidence),
  };
}

export function alertStore(db: Kysely<Database>): AlertStore {
  const active = (tenantId: string, deviceId: string) =>
    db.selectFrom('alerts').selectAll().where('tenant_id', '=', tenantId).where('device_id', '=', deviceId).where('status', '!=', 'Resolved');
  return {
    async insertAlert(a) {
      await db
        .insertInto('alerts')
        .values({ id: a.id, tenant_id: a.tenantId, device_id: a.machineId, dedupe_key: a.dedupeKey, category: a.category, created_at: a.alertCreationTime, ...mutable(a) })
        .execute();
    },
    async saveAlert(a) {
      await db.updateTable('alerts').set(mutable(a)).where('tenant_id', '=', a.tenantId).where('id', '=', a.id).execute();
    },
    async getAlert(tenantId, id) {
      const row = await db.selectFrom('alerts').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
      return row && toAlert(row);
    },
    async findActiveAlert(tenantId, deviceId, dedupeKey) {
      const row = await active(tenantId, deviceId).where('dedupe_key', '=', dedupeKey).executeTakeFirst();
      return row && toAlert(row);
    },
    async activeAlerts(tenantId, deviceId) {
      return (await active(tenantId, deviceId).execute()).map(toAlert);
    },
    async listAlerts(tenantId, f, limit, offset) {
      let q = db.selectFrom('alerts').where('tenant_id', '=', tenantId);
      if (f.status) q = q.where('status', '=', f.status);
      if (f.severity) q = q.where('severity', '=', f.severity);
      if (f.category) q = q.where('category', '=', f.category);
      if (f.machineId) q = q.where('device_id', '=', f.machineId);
      if (f.assignedTo) q = q.where('assigned_to', '=', f.assignedTo);
      const { total } = await q.select((eb) => eb.fn.countAll<string | number>().as('total')).executeTakeFirstOrThrow();
      const rows = await q.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).offset(offset).execute();
      return { items: rows.map(toAlert), total: Number(total) };
    },
  };
}
