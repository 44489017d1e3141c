import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export interface StoredReport {
  tenantId: string;
  deviceId: string;
  reportId: string;
  type: string;
  occurredAt: string;
  receivedAt: string;
  body: string;
}

/** ReportStore keeps every report a device sent, once per (tenant, device, report id). */
export interface ReportStore {
  /** False when that id was stored before: a replay, which changes nothing. */
  insertReport(r: StoredReport): Promise<boolean>;
}

export function reportStore(db: Kysely<Database>): ReportStore {
  return {
    async insertReport(r) {
      const result = await db
        .insertInto('device_reports')
        .values({ tenant_id: r.tenantId, device_id: r.deviceId, report_id: r.reportId, type: r.type, occurred_at: r.occurredAt, received_at: r.receivedAt, body: r.body })
        .onConflict((oc) => oc.columns(['tenant_id', 'device_id', 'report_id']).doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
    },
  };
}
