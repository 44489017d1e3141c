import type { Kysely } from 'kysely';
import type { TimelineEvent, TimelineEventType } from '../../protocol/index.js';
import type { Database, TimelineEventTable } from './schema.js';

export type StoredTimelineEvent = TimelineEvent & { tenantId: string; reportId: string; subject: string | null };

export interface TimelineFilter {
  from?: string;
  to?: string;
  types?: TimelineEventType[];
}

/** TimelineStore keeps the device timeline, read newest first. */
export interface TimelineStore {
  insertTimelineEvent(e: StoredTimelineEvent): Promise<void>;
  /** The event of that type and subject nearest to `at` within `windowMs` either side, if any. */
  nearestTimelineEvent(tenantId: string, deviceId: string, type: TimelineEventType, subject: string, at: string, windowMs: number): Promise<string | undefined>;
  /** Newest first; `before` continues after a previous page's last (occurredAt, id). */
  listTimeline(tenantId: string, deviceId: string, filter: TimelineFilter, limit: number, before?: { occurredAt: string; id: string }): Promise<StoredTimelineEvent[]>;
}

function toEvent(r: TimelineEventTable): StoredTimelineEvent {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    machineId: r.device_id,
    reportId: r.report_id,
    type: r.type as TimelineEventType,
    subject: r.subject,
    occurredAt: r.occurred_at,
    receivedAt: r.received_at,
    title: r.title,
    data: JSON.parse(r.data) as Record<string, unknown>,
    alertId: r.alert_id,
  };
}

export function timelineStore(db: Kysely<Database>): TimelineStore {
  return {
    async insertTimelineEvent(e) {
      await db
        .insertInto('timeline_events')
        .values({
          id: e.id,
          tenant_id: e.tenantId,
          device_id: e.machineId,
          report_id: e.reportId,
          type: e.type,
          subject: e.subject,
          occurred_at: e.occurredAt,
          received_at: e.receivedAt,
          title: e.title,
          data: JSON.stringify(e.data),
          alert_id: e.alertId,
        })
        .execute();
    },
    async nearestTimelineEvent(tenantId, deviceId, type, subject, at, windowMs) {
      const t = Date.parse(at);
      const rows = await db
        .selectFrom('timeline_events')
        .select('occurred_at')
        .where('tenant_id', '=', tenantId)
        .where('device_id', '=', deviceId)
        .where('type', '=', type)
        .where('subject', '=', subject)
        .where('occurred_at', '>', new Date(t - windowMs).toISOString())
        .where('occurred_at', '<', new Date(t + windowMs).toISOString())
        .execute();
      return rows.map((r) => r.occurred_at).sort((a, b) => Math.abs(Date.parse(a) - t) - Math.abs(Date.parse(b) - t))[0];
    },
    async listTimeline(tenantId, deviceId, filter, limit, before) {
      let q = db.selectFrom('timeline_events').selectAll().where('tenant_id', '=', tenantId).where('device_id', '=', deviceId);
      if (filter.from) q = q.where('occurred_at', '>=', filter.from);
      if (filter.to) q = q.where('occurred_at', '<=', filter.to);
      if (filter.types?.length) q = q.where('type', 'in', filter.types);
      if (before) q = q.where((eb) => eb.or([eb('occurred_at', '<', before.occurredAt), eb.and([eb('occurred_at', '=', before.occurredAt), eb('id', '<', before.id)])]));
      const rows = await q.orderBy('occurred_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
      return rows.map(toEvent);
    },
  };
}
