import { DETERMINATIONS, type Alert, type AlertList, type AlertListQuery, type AlertUpdate, type TimelinePage, type TimelineQuery } from '../../protocol/index.js';
import { authorize, type Principal } from '../auth/authz.js';
import { ApiError } from '../errors.js';
import type { Storage } from '../storage/storage.js';
import type { Clock } from './auth.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { alertView, recomputeRisk } from './risk.js';
import type { SecOpsEvent, SecOpsEvents } from './secops-events.js';

/** The alert queue and device timelines, as analysts work them. */
export class AlertService {
  constructor(
    private readonly store: Storage,
    private readonly clock: Clock,
    private readonly events: SecOpsEvents,
  ) {}

  async list(principal: Principal, query: AlertListQuery): Promise<AlertList> {
    const admin = authorize(principal, 'alerts:read');
    const { limit, offset, ...filter } = query;
    const page = await this.store.listAlerts(admin.tenantId, filter, limit, offset);
    return { items: page.items.map(alertView), total: page.total };
  }

  async get(principal: Principal, id: string): Promise<Alert> {
    const admin = authorize(principal, 'alerts:read');
    const alert = await this.store.getAlert(admin.tenantId, id);
    if (!alert) throw new ApiError('not_found', `no alert ${id}`);
    return alertView(alert);
  }

  async forDevice(principal: Principal, deviceId: string, query: AlertListQuery): Promise<AlertList> {
    await this.requireDevice(principal, deviceId);
    return this.list(principal, { ...query, machineId: deviceId });
  }

  /** Triage: status, assignment, classification and determination, comments. */
  async update(principal: Principal, id: string, input: AlertUpdate): Promise<Alert> {
    const admin = authorize(principal, 'alerts:triage');
    const now = this.clock.now().toISOString();
    const { view, events } = await this.store.transaction(async (tx) => {
      const alert = await tx.getAlert(admin.tenantId, id);
      if (!alert) throw new ApiError('not_found', `no alert ${id}`);
      const classification = input.classification !== undefined ? input.classification : alert.classification;
      // A new classification clears a determination that belonged to the old one.
      const determination = input.determination !== undefined ? input.determination : input.classification !== undefined ? null : alert.determination;
      if (determination && !classification) throw new ApiError('validation_failed', 'determination needs a classification');
      if (determination && classification && !(DETERMINATIONS[classification] as readonly string[]).includes(determination)) {
        throw new ApiError('validation_failed', `determination ${determination} does not go with ${classification}; use one of ${DETERMINATIONS[classification].join(', ')}`);
      }
      const status = input.status ?? alert.status;
      if (alert.status === 'Resolved' && status !== 'Resolved' && (await tx.findActiveAlert(admin.tenantId, alert.machineId, alert.dedupeKey))) {
        throw new ApiError('conflict', 'a newer active alert tracks the same threat on this device; work that one');
      }
      const updated = {
        ...alert,
        status,
        classification,
        determination,
        assignedTo: input.assignedTo !== undefined ? input.assignedTo : alert.assignedTo,
        resolvedTime: status === 'Resolved' ? (alert.status === 'Resolved' ? alert.resolvedTime : now) : null,
        resolvedBy: status === 'Resolved' ? (alert.status === 'Resolved' ? alert.resolvedBy : ('analyst' as const)) : null,
        comments: input.comment ? [...alert.comments, { comment: input.comment, createdBy: admin.email ?? `api-token:${admin.credentialId}`, createdTime: now }] : alert.comments,
        lastUpdateTime: now,
      };
      await tx.saveAlert(updated);
      const changed: SecOpsEvent = { type: 'alert.updated', tenantId: admin.tenantId, deviceId: alert.machineId, alert: alertView(updated) };
      return { view: changed.alert, events: [changed, ...(await recomputeRisk(tx, admin.tenantId, alert.machineId, now))] };
    });
    this.events.emit(events);
    return view;
  }

  /** Newest first, by time range and event type, paged with a cursor. */
  async timeline(principal: Principal, deviceId: string, query: TimelineQuery): Promise<TimelinePage> {
    const admin = await this.requireDevice(principal, deviceId);
    const before = query.cursor ? decodeCursor(query.cursor) : undefined;
    const from = query.from && new Date(query.from).toISOString();
    const to = query.to && new Date(query.to).toISOString();
    const rows = await this.store.listTimeline(admin.tenantId, deviceId, { from, to, types: query.type }, query.limit + 1, before && { occurredAt: before[0], id: before[1] });
    const items = rows.slice(0, query.limit).map(({ tenantId: _t, reportId: _r, subject: _s, ...e }) => e);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > query.limit && last ? encodeCursor([last.occurredAt, last.id]) : null };
  }

  private async requireDevice(principal: Principal, deviceId: string) {
    const admin = authorize(principal, 'alerts:read');
    if (!(await this.store.getDevice(admin.tenantId, deviceId))) throw new ApiError('not_found', `no device ${deviceId}`);
    return admin;
  }
}
